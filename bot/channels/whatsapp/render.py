"""Replies -> WhatsApp message bodies: choices as a numbered menu, split under 1,600 characters."""

from __future__ import annotations

from bot.channels.text_split import split_text
from bot.engine import Reply

MAX_BODY = 1600


def render(reply: Reply, hint: str) -> list[str]:
    """The bodies a reply becomes; a menu ("1. Yes / 2. No", then `hint`) closes the last one."""
    text = reply.text.strip() or "…"
    if reply.choices:
        menu = "\n".join(f"{n}. {c.label}" for n, c in enumerate(reply.choices, start=1))
        text = f"{text}\n\n{menu}\n{hint}"
    return split_text(text, MAX_BODY)
