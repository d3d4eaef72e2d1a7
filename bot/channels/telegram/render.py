"""Replies -> Telegram sendMessage arguments: plain text (no parse mode, so nothing to escape),
split under 4096 characters, buttons as an inline keyboard on the last piece."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.text_split import split_text
from bot.engine import Choice, Reply

MAX_TEXT = 4096
MAX_CAPTION = 1024  # a photo's caption
BUTTONS_PER_ROW = 2


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Telegram message to send (or to edit into a live card)."""

    text: str
    keyboard: InlineKeyboardMarkup | None


def render(reply: Reply) -> list[Outgoing]:
    """The messages a reply becomes, in order."""
    pieces = split_text(reply.text, MAX_TEXT) if reply.text.strip() else ["…"]
    keyboard = keyboard_of(reply.choices)
    return [Outgoing(p, keyboard if i == len(pieces) - 1 else None) for i, p in enumerate(pieces)]


@lru_cache(maxsize=1024)
def keyboard_of(choices: tuple[Choice, ...]) -> InlineKeyboardMarkup | None:
    """Buttons, two to a row (long labels get a row of their own). The same buttons come back again and
    again (a question's choices): each keyboard is built once (PTB's objects are frozen, safe to share)."""
    if not choices:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    for choice in choices:
        button = InlineKeyboardButton(choice.label[:64], callback_data=choice.id)
        if rows and len(rows[-1]) < BUTTONS_PER_ROW and len(choice.label) <= 18 and len(rows[-1][0].text) <= 18:
            rows[-1].append(button)
        else:
            rows.append([button])
    return InlineKeyboardMarkup(rows)
