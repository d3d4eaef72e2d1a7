"""A reflexbot Telegram channel on the real PTB Application, against the fake Bot API, with fake time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from bot.channels.pacing import Pacer
from bot.channels.telegram.app import TelegramChannel, build_application
from bot.engine import Knowledge, Reply
from bot.pictures.library import Pictures
from bot.runtime import Runtime
from bot.server import create_app
from bot.store import SqlStore
from scheduler import VirtualClock
from tests.channels.telegram.fake_bot_api import SPEC_PATH, TOKEN, FakeBotApi
from tests.conftest import T0

SECRET = "s3cret-Token_for-tests"
STAFF_CHAT = -100500
CHAT = 4242

if not SPEC_PATH.exists():
    pytest.skip(f"the Telegram Bot API spec is not at {SPEC_PATH} (../shared/peers)", allow_module_level=True)


@dataclass
class FakeTime:
    """Monotonic time that moves only when the code under test sleeps."""

    now: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@dataclass
class TelegramRig:
    """Everything a Telegram test needs."""

    api: FakeBotApi
    channel: TelegramChannel
    runtime: Runtime
    store: SqlStore
    clock: VirtualClock
    time: FakeTime
    http: httpx.AsyncClient
    expected: int = 0

    async def post(self, update: dict[str, Any], secret: str | None = SECRET) -> httpx.Response:
        """POST an update to our webhook, as Telegram would, and wait until it was handled."""
        headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
        response = await self.http.post("/telegram/webhook", json=update, headers=headers)
        if response.status_code == 200:
            self.expected += 1
            await self.channel.wait_processed(self.expected)
        return response

    async def say(self, text: str, chat: int = CHAT) -> httpx.Response:
        """The person writes."""
        return await self.post(self.api.text_update(chat, text))

    async def tap(self, data: str, chat: int = CHAT) -> httpx.Response:
        """The person taps a button on the newest message that has it."""
        message_id = self.message_with(data, chat)
        return await self.post(self.api.callback_update(chat, data, message_id))

    def message_with(self, data: str, chat: int = CHAT) -> int:
        """The newest message in the chat showing a button whose data is or starts with `data`."""
        for message_id, message in sorted(self.api.messages(chat).items(), reverse=True):
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if button.get("callback_data") == data:
                        return message_id
        raise AssertionError(f"no message in chat {chat} shows a {data!r} button")

    def button(self, prefix: str, chat: int = CHAT) -> str:
        """The data of the newest button starting with `prefix` (session buttons carry numbers)."""
        for _, message in sorted(self.api.messages(chat).items(), reverse=True):
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if str(button.get("callback_data", "")).startswith(prefix):
                        return str(button["callback_data"])
        raise AssertionError(f"no {prefix!r} button in chat {chat}")

    def text_of(self, message_id: int, chat: int = CHAT) -> str:
        """A message's text, or a photo's caption."""
        message = self.api.messages(chat)[message_id]
        return str(message.get("text", message.get("caption", "")))

    def texts(self, chat: int = CHAT) -> list[str]:
        """Texts of the chat's messages as they stand now (after edits; a photo's caption), oldest first."""
        messages = sorted(self.api.messages(chat).items())
        return [m.get("text", m.get("caption", "")) for _, m in messages if m.get("from", {}).get("is_bot")]


@pytest_asyncio.fixture
async def rig(kb: Knowledge, tmp_path: Path, pictures: Pictures) -> AsyncIterator[TelegramRig]:
    """The webhook set-up: our Starlette app in-process, PTB talking HTTP to the fake."""
    async with FakeBotApi.running() as api:
        started = await _start(kb, tmp_path, api, polling=False, pictures=pictures)
        try:
            yield started
        finally:
            await _stop(started)


async def _start(
    kb: Knowledge, tmp_path: Path, api: FakeBotApi, *, polling: bool, pictures: Pictures | None = None
) -> TelegramRig:
    store = await SqlStore.open(f"sqlite:///{tmp_path / 'tg.sqlite3'}")
    fake_time = FakeTime()
    application = build_application(TOKEN, api.base_url, polling=polling)
    holder: list[TelegramChannel] = []

    async def deliver(key: str, reply: Reply) -> None:
        await holder[0].sender.deliver(key, reply)

    runtime = Runtime(kb, store, deliver, default_tz=kb.policy.default_tz)
    clock = VirtualClock(T0, store, runtime.run_due)
    pacer = Pacer(clock=fake_time.monotonic, sleep=fake_time.sleep)
    channel = TelegramChannel(
        application,
        runtime,
        store,
        kb,
        clock,
        staff_chat_id=STAFF_CHAT,
        sleep=fake_time.sleep,
        pacer=pacer,
        pictures=pictures,
    )
    holder.append(channel)
    runtime.on_record = channel.forward_record
    await channel.start(polling=polling)
    app = create_app(telegram=channel, telegram_secret=SECRET)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reflexbot.test")
    return TelegramRig(api, channel, runtime, store, clock, fake_time, http)


async def _stop(rig: TelegramRig) -> None:
    await rig.http.aclose()
    await rig.channel.stop()
    await rig.store.close()


@pytest_asyncio.fixture
async def polling_rig(kb: Knowledge, tmp_path: Path) -> AsyncIterator[TelegramRig]:
    """The polling set-up: PTB's Updater long-polls the fake."""
    async with FakeBotApi.running(poll_cap=0.5) as api:
        started = await _start(kb, tmp_path, api, polling=True)
        try:
            yield started
        finally:
            await _stop(started)
