"""Telegram updates -> engine events (or a channel-level notice), one person = one private chat."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
MAX_ID = 2**52  # Telegram: chat and user ids have at most 52 significant bits; update and message ids fewer
MAX_TEXT = 4096  # Telegram: a message's text or caption, in characters
MAX_SHORT = 256  # callback query ids and data (64 bytes), language codes, chat types: short strings
MESSAGES = ("message", "edited_message", "channel_post", "edited_channel_post")


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


def parse_update(update: Mapping[str, Any], staff_chat_id: int = 0) -> Inbound | None:
    """Map an update (its JSON, as `malformed_update` passed it) to an Inbound; None for updates that need
    nothing (edits, service messages). Read as plain JSON: PTB's object graph of an update is most of
    what a webhook update cost before the turn (benchmarks/bench_telegram.py)."""
    query = update.get("callback_query")
    if query is not None:
        message = query.get("message")
        sender = query.get("from")
        chat_id = message["chat"]["id"] if message is not None else (sender["id"] if sender else 0)
        data = query.get("data") or ""
        message_id = message["message_id"] if message is not None else 0
        if data.startswith(STAFF_PREFIX) and staff_chat_id and chat_id == staff_chat_id:
            return Inbound(
                key_of(chat_id),
                chat_id,
                StaffHandled(data.removeprefix(STAFF_PREFIX)),
                callback_id=query["id"],
                message_id=message_id,
                staff=True,
            )
        return Inbound(key_of(chat_id), chat_id, ChoicePicked(data), callback_id=query["id"], message_id=message_id)
    message = update.get("message")
    if message is None:
        return None  # edited messages, channel posts, member updates: nothing to do
    chat_id = message["chat"]["id"]
    if message["chat"]["type"] != "private":
        return Inbound(key_of(chat_id), chat_id, notice="channel.private-only", private=False)
    place = message.get("location")
    if place is not None:
        tz = get_tz(place["longitude"], place["latitude"])
        return Inbound(
            key_of(chat_id), chat_id, TimezoneSet(tz) if tz else None, notice="" if tz else "timezone.unknown"
        )
    text = message.get("text")
    if text is None:
        return Inbound(key_of(chat_id), chat_id, notice="channel.non-text")
    sender = message.get("from")
    hint = (sender.get("language_code") or "") if sender else ""
    return Inbound(key_of(chat_id), chat_id, _text_event(text, hint.partition("-")[0].lower()))


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


def malformed_update(data: object) -> str | None:
    """Why a webhook body (decoded JSON) cannot be a Telegram update: the first wrong field the bot reads
    ("update_id", "message.chat.id", "message.text"...; a fixed set of names, nothing from the body), or None.

    It checks the types and sizes of what `parse_update` and the runtime use, so garbage behind a valid secret
    is refused once at the door instead of failing (or being retried) deep inside a turn."""
    if not isinstance(data, dict):
        return "update"
    if not _integer(data.get("update_id"), 0, MAX_ID):
        return "update_id"
    for name in MESSAGES:
        if name in data:
            problem = _malformed_message(data[name])
            if problem:
                return f"{name}.{problem}"
    if "callback_query" in data:
        query = data["callback_query"]
        if not isinstance(query, dict):
            return "callback_query"
        if not _string(query.get("id")):
            return "callback_query.id"
        if "data" in query and not _string(query["data"]):
            return "callback_query.data"
        if "from" in query and _malformed_user(query["from"]):
            return "callback_query.from"
        if "message" in query and _malformed_message(query["message"]):
            return "callback_query.message"
    return None


def _malformed_message(message: object) -> str | None:
    if not isinstance(message, dict):
        return "message"
    if not _integer(message.get("message_id"), 0, MAX_ID):
        return "message_id"
    chat = message.get("chat")
    if not isinstance(chat, dict) or not _integer(chat.get("id"), -MAX_ID, MAX_ID):
        return "chat.id"
    if not _string(chat.get("type")):
        return "chat.type"
    for name in ("text", "caption"):
        if name in message and not _string(message[name], MAX_TEXT):
            return name
    if "from" in message and _malformed_user(message["from"]):
        return "from"
    if "location" in message:
        place = message["location"]
        if not isinstance(place, dict) or not all(_number(place.get(k)) for k in ("latitude", "longitude")):
            return "location"
    return None


def _malformed_user(user: object) -> bool:
    if not isinstance(user, dict) or not _integer(user.get("id"), -MAX_ID, MAX_ID):
        return True
    return "language_code" in user and not _string(user["language_code"])


def _integer(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value < high


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _string(value: object, longest: int = MAX_SHORT) -> bool:
    return isinstance(value, str) and len(value) <= longest
