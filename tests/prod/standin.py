"""A fast stand-in for the Telegram Bot API that keeps Telegram's limits and counts what it delivered.

Run it as its own process: `python -m tests.prod.standin --port P --rate 200`. It answers the calls a
worker makes (getMe, setMyCommands, sendMessage...), and for sendMessage:
- keeps Telegram's limits: overall, `rate` messages a second (+5 %, the proofs' tolerance) as a token
  bucket that holds `JITTER` seconds' worth (sends spaced right but held up together by a stall of either
  process on a shared machine arrive together; the pacer itself never bursts), and one a second per chat
  with a short burst of two allowed; over a limit it answers 429 with retry_after, counted as `limited`
  (the proofs require none), split into `limited_overall` and `limited_chat`;
- with `--fail F`, fails that share of sends on purpose (seeded): a third 429 with retry_after=1, a third
  500, a third held past the client's timeout; none of these is delivered;
- logs each delivery (monotonic time, chat); `GET /_stats` gives the counts and the rate,
  `GET /_wait?delivered=N&timeout=S` waits until N are delivered, `GET /_counts` gives per-chat counts,
  `GET /_times?chat=C` when each message to that chat was delivered (time.monotonic()).

It does not validate shapes against the spec (tests/channels/telegram/fake_bot_api.py does that, too
slowly for 100,000 sends); what it checks is the pace and the count.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

JITTER = 0.15
"""Seconds of scheduling delay tolerated overall: on two shared cores, a worker or this stand-in can stall
for a moment, and the sends it held up arrive at once although their slots were a pace apart."""

BOT = {"id": 7000001, "is_bot": True, "first_name": "Reflexbot", "username": "reflexbot_test_bot"}


class Bucket:
    """A token bucket: `rate` tokens a second, at most `burst` saved up."""

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate, self.burst, self.tokens, self.at = rate, burst, burst, now

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class StandIn:
    """The stand-in's state: limits, failures on purpose, and the delivery log."""

    def __init__(
        self, rate: float, fail: float, hold: float, seed: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.clock = clock
        self.overall = Bucket(rate * 1.05, 1 + rate * JITTER, clock())
        self.chats: dict[int, Bucket] = {}
        self.fail, self.hold = fail, hold
        self.random = random.Random(seed)
        self.times: list[float] = []
        self.counts: Counter[int] = Counter()
        self.chat_times: dict[int, list[float]] = {}
        self.limited: Counter[str] = Counter()
        self.injected: Counter[str] = Counter()
        self.next_id = 1
        self.changed = asyncio.Condition()

    async def send_message(self, params: dict[str, Any]) -> Response:
        chat = int(params.get("chat_id", 0))
        if self.fail and self.random.random() < self.fail:
            kind = self.random.choice(("429", "500", "timeout"))
            self.injected[kind] += 1
            if kind == "429":
                return error(429, "Too Many Requests: retry after 1", retry_after=1)
            if kind == "500":
                return error(500, "Internal Server Error")
            await asyncio.sleep(self.hold)  # the client gives up first
            return error(500, "Internal Server Error")
        now = self.clock()
        chat_bucket = self.chats.setdefault(chat, Bucket(1.0, 2.0, now))
        if not chat_bucket.take(now):
            self.limited["chat"] += 1
            return error(429, "Too Many Requests: retry after 1", retry_after=1)
        if not self.overall.take(now):
            chat_bucket.tokens += 1  # not sent: the chat's share is given back
            self.limited["overall"] += 1
            return error(429, "Too Many Requests: retry after 1", retry_after=1)
        self.times.append(now)
        self.counts[chat] += 1
        self.chat_times.setdefault(chat, []).append(now)
        self.next_id += 1
        async with self.changed:
            self.changed.notify_all()
        message = {
            "message_id": self.next_id,
            "from": BOT,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": "P"},
            "text": str(params.get("text", "")),
        }
        return JSONResponse({"ok": True, "result": message})

    def stats(self) -> dict[str, Any]:
        times = self.times
        middle = times[len(times) // 20 : len(times) - len(times) // 20]  # the middle 90 %: steady state
        return {
            "delivered": len(times),
            "people": len(self.counts),
            "twice": sum(1 for c in self.counts.values() if c > 1),
            "limited": sum(self.limited.values()),
            "limited_overall": self.limited["overall"],
            "limited_chat": self.limited["chat"],
            "injected": dict(self.injected),
            "seconds": times[-1] - times[0] if len(times) > 1 else 0.0,
            "rate": (len(times) - 1) / (times[-1] - times[0]) if times and times[-1] > times[0] else 0.0,
            "steady_rate": (len(middle) - 1) / (middle[-1] - middle[0]) if middle and middle[-1] > middle[0] else 0.0,
        }


def error(status: int, description: str, retry_after: int | None = None) -> JSONResponse:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return JSONResponse(body, status_code=status)


async def params_of(request: Request) -> dict[str, Any]:
    body, kind = await request.body(), request.headers.get("content-type", "")
    if kind.startswith("application/json"):
        data = json.loads(body or b"{}")
        return data if isinstance(data, dict) else {}
    if kind.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(body.decode(), keep_blank_values=True))
    return dict(request.query_params)


def create(standin: StandIn) -> Starlette:
    async def method(request: Request) -> Response:
        name = request.path_params["method"]
        params = await params_of(request)
        if name == "getMe":
            return JSONResponse(
                {
                    "ok": True,
                    "result": {
                        **BOT,
                        "can_join_groups": False,
                        "can_read_all_group_messages": False,
                        "supports_inline_queries": False,
                    },
                }
            )
        if name == "sendMessage":
            return await standin.send_message(params)
        return JSONResponse({"ok": True, "result": True})

    async def stats(_request: Request) -> Response:
        return JSONResponse(standin.stats())

    async def counts(_request: Request) -> Response:
        return JSONResponse({str(k): v for k, v in standin.counts.items()})

    async def chat_times(request: Request) -> Response:
        """When each message to one chat was delivered (time.monotonic(): one clock for every process)."""
        return JSONResponse(standin.chat_times.get(int(request.query_params["chat"]), []))

    async def wait(request: Request) -> Response:
        wanted = int(request.query_params.get("delivered", "0"))
        timeout = float(request.query_params.get("timeout", "60"))

        async with standin.changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(standin.changed.wait_for(lambda: len(standin.times) >= wanted), timeout)
        return JSONResponse(standin.stats())

    return Starlette(
        routes=[
            Route("/_stats", stats),
            Route("/_counts", counts),
            Route("/_times", chat_times),
            Route("/_wait", wait),
            Route("/bot{token}/{method}", method, methods=["GET", "POST"]),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--fail", type=float, default=0.0)
    parser.add_argument("--hold", type=float, default=3.0, help="seconds a 'timeout' failure holds the request")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    standin = StandIn(args.rate, args.fail, args.hold, args.seed)
    uvicorn.run(create(standin), host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
