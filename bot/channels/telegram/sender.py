"""Sending to Telegram: paced per chat and overall, 429s honoured, network errors retried, blocks reported."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.backoff import SEND_RETRY, Backoff
from bot.channels.calendar import CalendarFiles, file_name
from bot.channels.my_data import DataFiles
from bot.channels.pacing import Pace, Pacer, Sleep
from bot.channels.telegram.render import MAX_CAPTION, Outgoing, render
from bot.channels.telegram.transport import BotApi, Upload
from bot.engine import Reply
from bot.engine.documents import CalendarFile, parse_document
from bot.pictures.library import Pictures
from bot.runtime import RecipientGoneError, UndeliverableError
from bot.store import SqlStore

log = logging.getLogger("reflexbot.telegram")
MAX_ATTEMPTS = 6


def refusal_reason(error: BadRequest) -> str:
    """A bounded label for a 400 (Telegram's description may carry anything: it is never a label)."""
    return "chat_not_found" if "chat not found" in str(error).lower() else "bad_request"


class DeliveryFailedError(Exception):
    """Telegram could not be reached after every retry; the runtime keeps the reply for later."""


class TelegramSender:
    """Delivers engine replies to chats; a live session card is edited in place instead of re-sent.

    A reply with a picture is a photo with the text as its caption (a longer text follows it as a
    message); each picture is uploaded once and sent again by the `file_id` Telegram gave it, kept
    in the store's uploads. A photo is never a live card: cards are text messages, so a session's
    "find the point" photo comes before the card its steps edit.
    """

    def __init__(
        self,
        bot: Bot,
        pacer: Pace | None = None,
        *,
        sleep: Sleep = asyncio.sleep,
        pictures: Pictures | None = None,
        store: SqlStore | None = None,
        calendars: CalendarFiles | None = None,
        backoff: Backoff = SEND_RETRY,
        data_files: DataFiles | None = None,
    ) -> None:
        self.bot = bot
        self.api = BotApi(bot)  # replies as plain JSON on the bot's aiohttp session
        self.pacer: Pace = pacer or Pacer(sleep=sleep)
        self._sleep = sleep
        self.backoff = backoff  # the wait before each new try after a timeout or a network error
        self._cards: dict[tuple[int, str], int] = {}  # (chat, card) -> message id
        self.pictures = pictures
        self.store = store
        self._file_ids: dict[str, str] | None = None  # picture file name -> Telegram file_id
        self.uploads = 0  # pictures uploaded (not sent by file_id) by this sender
        self.calendars = calendars
        self.data_files = data_files

    async def deliver(self, key: str, reply: Reply) -> None:
        """Send one reply to the chat behind a "telegram:<id>" key. A 400 (a chat that does not exist, a
        message Telegram will never take) gives this reply up: retrying cannot help."""
        try:
            await self._deliver(key, int(key.removeprefix("telegram:")), reply)
        except BadRequest as error:
            raise UndeliverableError(refusal_reason(error)) from error
        except ChatMigrated as error:  # a group became a supergroup: its old id never works again
            log.error("a Telegram group chat moved to a new id; set the new id in the config (e.g. the staff chat)")
            raise UndeliverableError("chat_migrated") from error

    async def _deliver(self, key: str, chat_id: int, reply: Reply) -> None:
        if reply.card is not None:
            await self._card(chat_id, reply)
            return
        self._cards = {k: v for k, v in self._cards.items() if k[0] != chat_id}  # the session card is over
        pieces = render(reply)
        if reply.document is not None:  # the file first: the text and its buttons come last
            await self.send_file(key, chat_id, reply.document)
        picture = self.pictures.file_name(reply.image) if self.pictures and reply.image else None
        if picture is not None and reply.image is not None:
            fits = len(pieces) == 1 and len(pieces[0].text) <= MAX_CAPTION
            caption = pieces[0] if fits else Outgoing("", None)
            await self.send_photo(chat_id, reply.image, picture, caption)
            if fits:
                return
        for piece in pieces:
            await self.send_text(chat_id, piece.text, piece.keyboard)

    async def send_photo(self, chat_id: int, name: str, file_name: str, caption: Outgoing) -> None:
        """A picture by its file_id when Telegram has it, else uploaded (and its file_id kept)."""
        assert self.pictures is not None
        known = await self._known_file_ids()
        file_id = known.get(file_name)
        if file_id is not None:
            try:
                await self._photo(chat_id, file_id, caption)
                return
            except BadRequest as error:  # an id from another bot token, or expired: upload afresh
                log.warning("a stored picture id was refused (%s); uploading again", error)
                known.pop(file_name, None)
        upload = Upload("photo", file_name, self.pictures.png(name), "image/png")
        message = await self._photo(chat_id, upload, caption)
        self.uploads += 1
        sizes = message.get("photo") if isinstance(message, dict) else None
        if isinstance(sizes, list) and sizes and isinstance(sizes[-1], dict) and sizes[-1].get("file_id"):
            known[file_name] = str(sizes[-1]["file_id"])
            if self.store is not None:
                await self.store.save_upload("telegram", file_name, known[file_name])

    async def send_file(self, key: str, chat_id: int, document: str) -> None:
        """A reply's file as a document: an appointment's .ics, or the person's data (JSON)."""
        named = parse_document(document)
        if isinstance(named, CalendarFile):
            await self.send_calendar(chat_id, named.ref)
            return
        built = await self.data_files.build(key, named.at) if self.data_files is not None else None
        if built is None:
            log.warning("no data file to send; the message goes without it")
            return
        upload = Upload("document", built.name, built.content, "application/json")
        await self.call(chat_id, lambda: self.api.call("sendDocument", upload, chat_id=chat_id))

    async def send_calendar(self, chat_id: int, ref: str) -> None:
        """An appointment's .ics as a document (appointment-<ref>.ics, text/calendar); nothing if it is gone."""
        ics = await self.calendars.by_ref(ref) if self.calendars is not None else None
        if ics is None:
            log.warning("no calendar file for an appointment; the message goes without it")
            return
        upload = Upload("document", file_name(ref), ics, "text/calendar")
        await self.call(chat_id, lambda: self.api.call("sendDocument", upload, chat_id=chat_id))

    async def _photo(self, chat_id: int, photo: str | Upload, caption: Outgoing) -> Any:
        """sendPhoto by file_id (`photo` a string) or uploaded; the sent message (plain JSON)."""
        by_id, upload = (photo, None) if isinstance(photo, str) else (None, photo)
        return await self.call(
            chat_id,
            lambda: self.api.call(
                "sendPhoto",
                upload,
                chat_id=chat_id,
                photo=by_id,
                caption=caption.text or None,
                reply_markup=caption.keyboard,
            ),
        )

    async def _known_file_ids(self) -> dict[str, str]:
        if self._file_ids is None:
            self._file_ids = await self.store.load_uploads("telegram") if self.store is not None else {}
        return self._file_ids

    async def send_text(self, chat_id: int, text: str, keyboard: InlineKeyboardMarkup | None = None) -> int:
        """Send a message; returns its id."""
        message = await self.call(
            chat_id, lambda: self.api.call("sendMessage", chat_id=chat_id, text=text, reply_markup=keyboard)
        )
        return int(message["message_id"])

    async def typing(self, chat_id: int) -> bool:
        """Show "typing…" if the chat's slot (and the overall one) is free now; else skip it: a typing
        indicator is cosmetic, never worth a slot a reply needs. False when skipped or refused."""
        if not await self.pacer.try_now(chat_id):
            return False
        try:
            await self.api.call("sendChatAction", chat_id=chat_id, action="typing")
        except TelegramError:  # a courtesy, never a reason to fail
            return False
        return True

    async def answer_callback(self, query_id: str) -> bool:
        """Stop a tapped button's spinner: promptly, so under the overall budget only (not the chat's slot,
        which the reply to the tap is about to use). False when Telegram refused it."""
        await self.pacer.wait_overall()
        try:
            await self.api.call("answerCallbackQuery", callback_query_id=query_id)
        except TelegramError:
            log.warning("could not answer a callback query")
            return False
        return True

    async def drop_keyboard(self, chat_id: int, message_id: int) -> None:
        """Take the buttons off a message, in the chat's pace; a message already without buttons, or too
        old to edit, is left as it is."""
        await self.pacer.wait(chat_id)
        with contextlib.suppress(TelegramError):
            await self.api.call("editMessageReplyMarkup", chat_id=chat_id, message_id=message_id)

    async def forget(self, key: str) -> None:
        """Drop what is held in memory about a person's chat (its live session card, its pace slot): they
        were erased."""
        if not key.startswith("telegram:"):
            return
        chat_id = int(key.removeprefix("telegram:"))
        self._cards = {k: v for k, v in self._cards.items() if k[0] != chat_id}
        await self.pacer.forget(chat_id)

    def is_card(self, chat_id: int, message_id: int) -> bool:
        """True for the message that shows a running session (its buttons stay)."""
        return any(k[0] == chat_id and v == message_id for k, v in self._cards.items())

    async def _card(self, chat_id: int, reply: Reply) -> None:
        assert reply.card is not None
        (piece,) = render(reply)[-1:]
        message_id = self._cards.get((chat_id, reply.card))
        if message_id is not None and await self._edit(chat_id, message_id, piece):
            return
        self._cards[(chat_id, reply.card)] = await self.send_text(chat_id, piece.text, piece.keyboard)

    async def _edit(self, chat_id: int, message_id: int, piece: Outgoing) -> bool:
        try:
            await self.call(
                chat_id,
                lambda: self.api.call(
                    "editMessageText",
                    chat_id=chat_id,
                    message_id=message_id,
                    text=piece.text,
                    reply_markup=piece.keyboard,
                ),
            )
        except BadRequest as error:
            # "not modified" is fine; any other refusal means the card is gone: send a new one.
            return "not modified" in str(error).lower()
        return True

    async def call(self, chat_id: int, request: Callable[[], Awaitable[Any]]) -> Any:
        """One Bot API call under the pace, with retries; Forbidden means the person blocked the bot."""
        for attempt in range(MAX_ATTEMPTS):
            await self.pacer.wait(chat_id)
            try:
                return await request()
            except RetryAfter as error:
                wait = error.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                log.warning("telegram asked to slow down for %.0f s", seconds)
                await self.pacer.hold(seconds)
            except Forbidden as error:
                raise RecipientGoneError(str(error)) from error
            except BadRequest:
                raise
            except (TimedOut, NetworkError) as error:
                log.warning("telegram unreachable (%s), attempt %d", type(error).__name__, attempt + 1)
                if attempt + 1 < MAX_ATTEMPTS:  # after the last try the reply goes back to the outbox at once
                    await self._sleep(self.backoff.delay(attempt))
        raise DeliveryFailedError(f"gave up after {MAX_ATTEMPTS} attempts")
