"""Telegram answering 5xx: the sender waits between tries, longer each time, jittered, up to the cap, and
none after the last. The real python-telegram-bot over HTTP to a small scripted stand-in (the fake that
checks Telegram's spec needs ../shared/peers; these tries need only the failures)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from telegram import Bot

from bot.backoff import Backoff
from bot.channels.pacing import Pacer
from bot.channels.telegram.sender import MAX_ATTEMPTS, DeliveryFailedError, TelegramSender
from bot.channels.telegram.transport import telegram_bot
from bot.engine import Reply
from tests.channels.telegram.fake_bot_api import ListeningServer

TOKEN = "123456:AAHfakeTokenForReflexbotTests"
ME = {"id": 123456, "is_bot": True, "first_name": "Reflexbot", "username": "reflexbot_test_bot"}


@dataclass
class Flaky:
    """Answers getMe, and sendMessage with `failures` 502s before it delivers; counts the sends."""

    failures: int = 0
    sends: int = 0
    delivered: int = 0

    async def method(self, request: Request) -> JSONResponse:
        if request.path_params["method"] == "getMe":
            return JSONResponse({"ok": True, "result": ME})
        self.sends += 1
        if self.failures:
            self.failures -= 1
            return JSONResponse({"ok": False, "error_code": 502, "description": "Bad Gateway"}, status_code=502)
        self.delivered += 1
        chat = {"id": 42, "type": "private", "first_name": "P"}
        message = {"message_id": self.sends, "date": 1_800_000_000, "chat": chat, "from": ME, "text": "ok"}
        return JSONResponse({"ok": True, "result": message})


@pytest_asyncio.fixture
async def flaky() -> AsyncIterator[tuple[Flaky, Bot]]:
    api = Flaky()
    app = Starlette(routes=[Route("/bot{token}/{method}", api.method, methods=["GET", "POST"])])
    server = ListeningServer(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    await server.ready.wait()
    port = server.servers[0].sockets[0].getsockname()[1]
    bot = telegram_bot(TOKEN, f"http://127.0.0.1:{port}/bot")
    try:
        async with bot:
            yield api, bot
    finally:
        server.should_exit = True
        await task


async def send(bot: Bot, backoff: Backoff) -> list[float]:
    """One reply to chat 42; the waits between tries, recorded instead of slept."""
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    async def unpaced(seconds: float) -> None:
        return None

    sender = TelegramSender(
        bot, Pacer(per_chat_seconds=0, per_second=1e9, sleep=unpaced), sleep=record, backoff=backoff
    )
    try:
        await sender.deliver("telegram:42", Reply("Time for a few minutes of foot care."))
    except DeliveryFailedError:
        waits.append(-1)  # marks that it gave up
    return waits


async def test_the_waits_grow_jittered_up_to_the_cap(flaky: tuple[Flaky, Bot]) -> None:
    api, bot = flaky
    api.failures = 5
    draws = [0.5, 0.9, 0.25, 1.0, 0.5]
    waits = await send(bot, Backoff(base=0.5, cap=3.0, random=lambda: draws.pop(0)))
    assert api.sends == 6 and api.delivered == 1
    assert waits == [0.25, 0.9, 0.5, 3.0, 1.5], "ceilings 0.5, 1, 2, then 3 (4 and 8 capped), times the draws"


@pytest.mark.parametrize("draw", [0.0, 0.999])
async def test_after_the_last_try_it_gives_up_without_a_wait(flaky: tuple[Flaky, Bot], draw: float) -> None:
    api, bot = flaky
    api.failures = MAX_ATTEMPTS
    waits = await send(bot, Backoff(base=0.5, cap=3.0, random=lambda: draw))
    assert api.sends == MAX_ATTEMPTS and api.delivered == 0
    assert waits == [c * draw for c in (0.5, 1.0, 2.0, 3.0, 3.0)] + [-1]
