"""Telegram updates -> engine events (or a channel-level notice), one person = one private chat."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update
from tzfpy import get_tz

from bot.engine import ChoicePicked, Event, StaffHandled, Started, TextReceived, TimezoneSet

# Commands in the menu (setMyCommands, described by the messages "command.<name>") and what each means.
COMMANDS = ("start", "help", "remind", "book", "language", "mydata", "delete")
COMMAND_TEXT = {
    "help": "help",
    "remind": "remind me",
    "book": "book",
    "language": "language",
    "mydata": "my data",
    "delete": "delete my data",
}
STAFF_PREFIX = "staff:"


@dataclass(frozen=True, slots=True)
class Inbound:
    """What one update means: for whom, which event, and what the channel itself must do."""

    key: str  # "telegram:<chat id>"
    chat_id: int
    event: Event | None = None
    notice: str = ""  # a message id the channel answers with itself ("channel.private-only", ...)
    callback_id: str = ""  # a callback query to answer
    message_id: int = 0  # the message whose button was tapped
    staff: bool = False  # a tap in the clinic staff chat
    private: bool = True  # a person's own chat with the bot (not a group): what it sends is theirs


def key_of(chat_id: int) -> str:
    """The runtime key of a Telegram chat."""
    return f"telegram:{chat_id}"


def parse_update(update: Update, staff_chat_id: int = 0) -> Inbound | None:
    """Map an update to an Inbound; None for updates that need nothing (edits, service messages)."""
    if update.callback_query is not None:
        query = update.callback_query
        message = query.message
        chat_id = message.chat.id if message is not None else (query.from_user.id if query.from_user else 0)
        data = query.data or ""
        message_id = message.message_id if message is not None else 0
        if data.startswith(STAFF_PREFIX) and staff_chat_id and chat_id == staff_chat_id:
            return Inbound(
                key_of(chat_id),
                chat_id,
                StaffHandled(data.removeprefix(STAFF_PREFIX)),
                callback_id=query.id,
                message_id=message_id,
                staff=True,
            )
        return Inbound(key_of(chat_id), chat_id, ChoicePicked(data), callback_id=query.id, message_id=message_id)
    message = update.message
    if message is None:
        return None  # edited messages, channel posts, member updates: nothing to do
    chat_id = message.chat.id
    if message.chat.type != "private":
        return Inbound(key_of(chat_id), chat_id, notice="channel.private-only", private=False)
    if message.location is not None:
        tz = get_tz(message.location.longitude, message.location.latitude)
        return Inbound(
            key_of(chat_id), chat_id, TimezoneSet(tz) if tz else None, notice="" if tz else "timezone.unknown"
        )
    if message.text is None:
        return Inbound(key_of(chat_id), chat_id, notice="channel.non-text")
    hint = (message.from_user.language_code or "") if message.from_user else ""
    return Inbound(key_of(chat_id), chat_id, _text_event(message.text, hint.partition("-")[0].lower()))


def _text_event(text: str, hint: str = "") -> Event:
    if not text.startswith("/"):
        return TextReceived(text, lang_hint=hint)
    command, _, payload = text[1:].partition(" ")
    command = command.split("@", 1)[0].lower()  # "/start@reflexbot" in some clients
    if command == "start":
        return Started(payload.strip(), lang_hint=hint)
    if command in COMMAND_TEXT:
        return TextReceived(COMMAND_TEXT[command], lang_hint=hint, command=True)
    return TextReceived(text, lang_hint=hint)
