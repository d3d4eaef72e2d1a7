"""Telegram's I/O: a python-telegram-bot Application as transport (webhook or polling), feeding the runtime."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.channels.calendar import CalendarFiles
from bot.channels.my_data import DataFiles
from bot.channels.pacing import Pace, Sleep
from bot.channels.telegram.parse import COMMANDS, STAFF_PREFIX, Inbound, malformed_update, parse_update
from bot.channels.telegram.sender import TelegramSender
from bot.channels.telegram.transport import AiohttpRequest
from bot.engine import Knowledge, Record
from bot.inbox import Admission, Inbox
from bot.pictures.library import Pictures
from bot.runtime import Runtime, log_key
from bot.store import InboxItem, SqlStore

log = logging.getLogger("reflexbot.telegram")
TYPING_AFTER_SECONDS = 0.5
Clock = Callable[[], datetime]


def build_application(
    token: str, base_url: str, *, polling: bool, timeout: float = 10.0, connections: int = 16
) -> Application:  # type: ignore[type-arg]
    """PTB as transport: our handler gets every update; PTB keeps no conversation state or jobs.

    `timeout` bounds each phase of a Bot API call (pool, connect, write, read); a call that times out is
    retried. `connections` bounds the open HTTP connections to the Bot API (PTB's default of 256 costs more
    than it gives). Calls go over aiohttp (bot/channels/telegram/transport.py).
    """
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .concurrent_updates(True)
        .request(AiohttpRequest(connections=connections, timeout=timeout))
        .get_updates_request(AiohttpRequest(connections=1, timeout=timeout))
    )
    if not polling:
        builder = builder.updater(None)
    return builder.build()


class TelegramChannel:
    """Turns updates into runtime turns and replies into Bot API calls."""

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        runtime: Runtime,
        store: SqlStore,
        kb: Knowledge,
        clock: Clock,
        *,
        staff_chat_id: int = 0,
        sleep: Sleep = asyncio.sleep,
        pacer: Pace | None = None,
        pictures: Pictures | None = None,
        inbox: Inbox | None = None,
    ) -> None:
        self.application = application
        self.runtime = runtime
        self.store = store
        self.kb = kb
        self.clock = clock
        self.staff_chat_id = staff_chat_id
        self.sender = TelegramSender(
            application.bot,
            pacer,
            sleep=sleep,
            pictures=pictures,
            store=store,
            calendars=CalendarFiles(store, kb.clinic),
            data_files=DataFiles(store, kb.policy.default_tz),
        )
        self._side_tasks: set[asyncio.Task[None]] = set()
        self._typing_tasks: set[asyncio.Future[None]] = set()
        # Updates this process accepted, decoded once: taken back when their turn comes (an update saved by
        # another process, or before a restart, is decoded from its saved JSON). At most the inbox's size.
        self._parsed: dict[str, Mapping[str, Any]] = {}
        self.processed = 0  # updates handled so far; `idle` is notified after each
        self.idle = asyncio.Condition()
        # Every update is saved before it is answered, and processed from there (one lane per person).
        self.inbox = inbox or Inbox(store, clock)
        self.inbox.register("telegram", self._from_inbox)
        application.add_handler(TypeHandler(Update, self._on_polled))

    async def start(self, *, polling: bool) -> None:
        """Initialise PTB, register the command menu, and start polling if asked."""
        await self.application.initialize()
        content = self.kb.content
        try:
            for lang in content.conversing:  # the menu in each language; English for everyone else
                commands = [BotCommand(name, content.message(lang, f"command.{name}")) for name in COMMANDS]
                await self.application.bot.set_my_commands(commands, language_code=None if lang == "en" else lang)
        except TelegramError:
            log.warning("could not register the command menu; will work without it")
        await self.application.start()
        if polling and self.application.updater is not None:
            await self.application.updater.start_polling(allowed_updates=Update.ALL_TYPES)

    async def stop(self) -> None:
        """Stop polling and PTB; turns in flight finish first."""
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def receive(self, update: Mapping[str, Any], raw: str) -> Admission:
        """A webhook update (decoded, and `raw`, its JSON) that `malformed_update` passed: saved in the inbox
        before the answer, processed from there. BUSY (nothing saved) when this process or this person has
        as much waiting as allowed."""
        inbound = parse_update(update, self.staff_chat_id)
        if inbound is None:
            admission = Admission.IGNORED  # nothing to do for this kind of update
        else:
            item = InboxItem("telegram", str(update["update_id"]), inbound.key, raw)
            kept = self._parsed.setdefault(item.message_id, update) is update  # before: its lane may start at once
            admission = Admission.BUSY
            try:
                admission = await self.inbox.accept(item)
            finally:
                if admission is not Admission.ACCEPTED and kept:
                    self._parsed.pop(item.message_id, None)
        if admission in (Admission.IGNORED, Admission.REPEAT):
            await self._count_processed()
        return admission

    async def process(self, update: Mapping[str, Any]) -> bool:
        """One update: answer buttons at once, then a turn for the person (each update exactly once).
        True when the update was marked processed on the way (its turn, or its first sight)."""
        inbound = parse_update(update, self.staff_chat_id)
        if inbound is None:
            return False
        if inbound.callback_id:
            # Answered on the side: the person's turn must queue for their lock before anything awaits,
            # so their updates are handled in the order they arrived.
            answering = asyncio.create_task(self._answer_callback(inbound))
            self._side_tasks.add(answering)
            answering.add_done_callback(self._side_tasks.discard)
        update_id = str(update["update_id"])
        if inbound.staff:
            return await self._staff_handled(inbound, update_id)
        if inbound.event is None:
            # Whose it was, so "delete my data" erases it too; and a photo or a sticker keeps their data too.
            owner = inbound.key if inbound.private else None
            seen = await self.store.first_sight("telegram", update_id, self.clock(), key=owner)
            if inbound.notice and seen:
                await self.sender.send_text(inbound.chat_id, self.kb.content.message("en", inbound.notice))
            return True
        # "typing…" only when a reply takes a moment: most turns finish long before it would show.
        typing = asyncio.get_running_loop().call_later(TYPING_AFTER_SECONDS, self._start_typing, inbound.chat_id)
        try:
            await self.runtime.handle(
                inbound.key, inbound.event, self.clock(), dedupe=("telegram", update_id), durable=True
            )
        finally:
            typing.cancel()
        return True

    async def forward_record(self, key: str, record: Record) -> None:
        """A booking request (made with consent) goes to the clinic's staff chat with a "handled" button."""
        data = dict(record.data)
        if record.kind != "booking" or not self.staff_chat_id:
            return
        text = (
            f"New booking request {data.get('ref')}\nBranch: {data.get('branch')}\nName: {data.get('name')}\n"
            f"Preferred: {data.get('when')}\nContact: {data.get('contact', 'this chat')}\n{data.get('summary')}"
        )
        ref = str(data.get("ref"))
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Handled ✓", callback_data=STAFF_PREFIX + ref)]])
        try:
            await self.sender.send_text(self.staff_chat_id, text, keyboard)
        except Exception:
            log.exception("could not forward booking %s to the staff chat", ref)

    async def wait_processed(self, count: int) -> None:
        """Wait until `count` updates have been handled in all (for tests and graceful shutdown)."""
        async with self.idle:
            await self.idle.wait_for(lambda: self.processed >= count)

    async def _on_polled(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A polled update (PTB has already confirmed it to Telegram): into the inbox, waiting for room."""
        if not isinstance(update, Update):
            return
        data = update.to_dict()
        inbound = parse_update(data, self.staff_chat_id) if malformed_update(data) is None else None
        item = None if inbound is None else InboxItem("telegram", str(update.update_id), inbound.key, json.dumps(data))
        if item is None or await self.inbox.accept(item, wait=True) is not Admission.ACCEPTED:
            await self._count_processed()

    async def _from_inbox(self, item: InboxItem) -> bool:
        """A saved update, in its person's lane; True when its turn marked it processed."""
        try:
            update = self._parsed.pop(item.message_id, None) or json.loads(item.payload)
            try:
                return await self.process(update)
            except Exception:
                log.exception("update %s failed", item.message_id)
                return False
            finally:
                if self._side_tasks:
                    await asyncio.gather(*self._side_tasks, return_exceptions=True)
        finally:
            await self._count_processed()

    async def _count_processed(self) -> None:
        async with self.idle:
            self.processed += 1
            self.idle.notify_all()

    async def _answer_callback(self, inbound: Inbound) -> None:
        """Stop the button's spinner, and take the keyboard off an answered question (not off the live card)."""
        await self.sender.answer_callback(inbound.callback_id)
        if inbound.message_id and not inbound.staff and not self.sender.is_card(inbound.chat_id, inbound.message_id):
            await self.sender.drop_keyboard(inbound.chat_id, inbound.message_id)

    async def _staff_handled(self, inbound: Inbound, update_id: str) -> bool:
        event = inbound.event
        ref = getattr(event, "ref", "")
        owner = await self.store.record_owner(ref) if ref else None
        if owner is None or event is None:
            await self.sender.send_text(inbound.chat_id, f"No booking request {ref} (deleted meanwhile?).")
            return False
        if await self.runtime.handle(owner, event, self.clock(), dedupe=("telegram", update_id), durable=True):
            log.info("booking %s of %s handled by staff", ref, log_key(owner))
            # One state with the desk: a new request becomes contacted, its history says where.
            await self.store.staff_handled(ref, self.clock())
            await self.sender.drop_keyboard(inbound.chat_id, inbound.message_id)
        return True

    def _start_typing(self, chat_id: int) -> None:
        # A timer, not a task per update: most turns cancel it before it fires. Once under way, the request
        # is left to finish even if the turn ends meanwhile.
        typing = asyncio.ensure_future(self._typing(chat_id))
        self._typing_tasks.add(typing)
        typing.add_done_callback(self._typing_tasks.discard)

    async def _typing(self, chat_id: int) -> None:
        await self.sender.typing(chat_id)  # skipped when the chat's slot is taken: it is a courtesy
