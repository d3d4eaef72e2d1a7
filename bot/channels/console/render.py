"""Replies -> console output: JSON objects for --jsonl, readable lines for the interactive chat."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.engine import Reply


def reply_object(reply: Reply, now: datetime, start: datetime, tz: ZoneInfo) -> dict[str, Any]:
    """A bot message as the contract's JSON object."""
    return {
        "t": round((now - start).total_seconds(), 3),
        "at": now.astimezone(tz).isoformat(timespec="seconds"),
        "text": reply.text,
        "choices": [{"id": c.id, "label": c.label} for c in reply.choices],
        "image": reply.image,
    }


def reply_lines(reply: Reply, now: datetime, tz: ZoneInfo) -> str:
    """A bot message for a person at a terminal, buttons numbered."""
    stamp = now.astimezone(tz).strftime("%H:%M:%S")
    lines = [f"[{stamp}] bot: " + reply.text.replace("\n", "\n      ")]
    lines += [f"      [{n}] {c.label}" for n, c in enumerate(reply.choices, start=1)]
    return "\n".join(lines)
