"""Telegram webhook throughput and latency, end to end with SQLite, against the fake Bot API, beside a
bare python-telegram-bot echo bot on the same fake in the same run.

    .venv/bin/python benchmarks/bench_telegram.py [--updates 400] [--people 100]

Both servers run under uvicorn on 127.0.0.1 and receive real HTTP POSTs; both reply through PTB over
real HTTP to the fake (which validates every request against the Bot API spec). Pacing is opened wide
here (Telegram's 1/s per chat and 30/s overall would measure the limits, not the code).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.assembly import build_knowledge
from bot.channels.pacing import Pacer
from bot.channels.telegram.app import TelegramChannel, build_application
from bot.config import REPO_CONFIG, load_settings
from bot.engine import Reply
from bot.runtime import Runtime
from bot.server import create_app
from bot.store import SqlStore
from scheduler import utc_now
from tests.channels.telegram.fake_bot_api import TOKEN, FakeBotApi, ListeningServer

SECRET = "bench-secret"


async def serve(app: Any) -> tuple[uvicorn.Server, asyncio.Task[None], str]:
    """Run an ASGI app on a free port; returns the server, its task and its URL."""
    server = ListeningServer(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    await server.ready.wait()
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, task, f"http://127.0.0.1:{port}"


async def drive(
    url: str,
    api: FakeBotApi,
    chats: list[int],
    updates: int,
    processed: Callable[[int], Awaitable[None]],
    done_before: int,
) -> tuple[float, list[float]]:
    """POST `updates` text updates spread over `chats`; throughput (updates/s) and latencies (ms)."""
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=url, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as http:
        # Latency: one at a time, POST until the reply is out.
        for n in range(min(50, updates)):
            started = time.perf_counter()
            await http.post("/telegram/webhook", json=api.text_update(chats[n % len(chats)], "I feel bloated"))
            done_before += 1
            await processed(done_before)
            latencies.append((time.perf_counter() - started) * 1000)
        # Throughput: everything in flight at once.
        bodies = [api.text_update(chats[n % len(chats)], "I feel bloated") for n in range(updates)]
        started = time.perf_counter()
        await asyncio.gather(*(http.post("/telegram/webhook", json=b) for b in bodies))
        await processed(done_before + updates)
        elapsed = time.perf_counter() - started
    return updates / elapsed, latencies


async def reflexbot_run(api: FakeBotApi, chats: list[int], updates: int) -> tuple[float, list[float]]:
    """Our whole stack: webhook -> PTB -> runtime (SQLite) -> engine -> PTB -> fake."""
    kb = build_knowledge(load_settings(str(REPO_CONFIG)))
    with tempfile.TemporaryDirectory() as tmp:
        store = await SqlStore.open(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        holder: list[TelegramChannel] = []

        async def deliver(key: str, reply: Reply) -> None:
            await holder[0].sender.deliver(key, reply)

        runtime = Runtime(kb, store, deliver)
        channel = TelegramChannel(
            build_application(TOKEN, api.base_url, polling=False),
            runtime,
            store,
            kb,
            utc_now,
            pacer=Pacer(per_chat_seconds=0.0, per_second=1e9),
        )
        holder.append(channel)
        await channel.start(polling=False)
        server, task, url = await serve(create_app(telegram=channel, telegram_secret=SECRET))
        try:
            warm = [api.text_update(c, "hi") for c in chats]  # intros out of the way
            async with httpx.AsyncClient(base_url=url, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as h:
                for body in warm:
                    await h.post("/telegram/webhook", json=body)
            await channel.wait_processed(len(warm))
            return await drive(url, api, chats, updates, channel.wait_processed, len(warm))
        finally:
            server.should_exit = True
            await task
            await channel.stop()
            await store.close()


async def echo_run(api: FakeBotApi, chats: list[int], updates: int) -> tuple[float, list[float]]:
    """A bare PTB echo bot behind the same kind of Starlette webhook."""
    application = (
        ApplicationBuilder().token(TOKEN).base_url(api.base_url).updater(None).concurrent_updates(True).build()
    )
    done = [0]
    cond = asyncio.Condition()

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None and update.message is not None
        await context.bot.send_message(update.effective_chat.id, update.message.text or "")
        async with cond:
            done[0] += 1
            cond.notify_all()

    async def processed(count: int) -> None:
        async with cond:
            await cond.wait_for(lambda: done[0] >= count)

    async def webhook(request: Request) -> Response:
        await application.update_queue.put(Update.de_json(await request.json(), application.bot))
        return Response(status_code=200)

    application.add_handler(MessageHandler(filters.TEXT, echo))
    await application.initialize()
    await application.start()
    server, task, url = await serve(Starlette(routes=[Route("/telegram/webhook", webhook, methods=["POST"])]))
    try:
        return await drive(url, api, chats, updates, processed, 0)
    finally:
        server.should_exit = True
        await task
        await application.stop()
        await application.shutdown()


async def main(updates: int, people: int) -> None:
    """Print both figures and their ratio."""
    chats = [10_000 + n for n in range(people)]
    results = {}
    for name, run in (("reflexbot", reflexbot_run), ("bare PTB echo", echo_run)):
        async with FakeBotApi.running() as api:
            rate, latencies = await run(api, chats, updates)
            latencies.sort()
            results[name] = rate
            for violation in api.violations[:5]:
                print("   violation:", violation[:300])
            print(
                f"{name:14s} {rate:7.0f} updates/s ({updates} in flight); latency one at a time: "
                f"p50 {statistics.median(latencies):.1f} ms, p99 {latencies[int(len(latencies) * 0.99) - 1]:.1f} ms;"
                f" spec violations {len(api.violations)}"
            )
    print(f"ratio reflexbot / bare echo: {results['reflexbot'] / results['bare PTB echo']:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=400)
    parser.add_argument("--people", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.updates, args.people))
