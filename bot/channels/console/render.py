"""Replies -> console output: JSON objects for --jsonl, readable lines for the interactive chat."""

from __future__ import annotations

import textwrap
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.engine import Choice, Reply

INDENT = " " * 6  # continuation lines and buttons sit under the message
BULLETS = ("• ", "- ", "* ")
MIN_WIDTH = 30  # narrower terminals still get readable (if long) lines


def reply_object(
    reply: Reply,
    now: datetime,
    start: datetime,
    tz: ZoneInfo,
    image: Path | None = None,
    document: Path | None = None,
) -> dict[str, Any]:
    """A bot message as the contract's JSON object; `image` is the file of the reply's picture, and
    `document` (a key present only on replies that attach one) its file: a calendar, or the person's data."""
    shown: dict[str, Any] = {
        "t": round((now - start).total_seconds(), 3),
        "at": now.astimezone(tz).isoformat(timespec="seconds"),
        "text": reply.text,
        "choices": [{"id": c.id, "label": c.label} for c in reply.choices],
        "image": None if image is None else str(image),
    }
    if document is not None:
        shown["document"] = str(document)
    return shown


def reply_lines(
    reply: Reply,
    now: datetime,
    tz: ZoneInfo,
    *,
    width: int = 80,
    previous: tuple[Choice, ...] = (),
    image: tuple[str, Path] | None = None,
    document: Path | None = None,
) -> str:
    """A bot message for a person at a terminal `width` columns wide: its picture's caption and file
    first (`image`), paragraphs wrapped (blank lines kept), its file (`document`), buttons
    numbered; buttons that look the same as the `previous` message's (same labels, in order) are not
    listed again."""
    width = max(width, MIN_WIDTH)
    stamp = now.astimezone(tz).strftime("%H:%M:%S")
    lines = []
    if image is not None:
        caption, path = image
        lines += wrap_text(caption, width, first=f"[{stamp}] picture: ")
        lines.append(f"{INDENT}{path}")
    lines += wrap_text(reply.text, width, first=f"[{stamp}] bot: ")
    if document is not None:
        label = "calendar file" if document.suffix == ".ics" else "file"
        lines += wrap_text(str(document), width, first=f"{INDENT}{label}: ")
    if reply.choices and [c.label for c in reply.choices] == [c.label for c in previous]:
        lines.append(f"{INDENT}(same buttons: {_numbers(len(reply.choices))})")
    elif reply.choices:
        lines += choice_lines(reply.choices, width)
    return "\n".join(lines)


def wrap_text(text: str, width: int, *, first: str = INDENT) -> list[str]:
    """Each line of `text` wrapped to `width`, under a `first` prefix then the indent; a bulleted line's
    continuation lines sit under its text; blank lines stay."""
    wrapped: list[str] = []
    for number, line in enumerate(text.split("\n")):
        prefix = first if number == 0 else INDENT
        if not line.strip():
            wrapped.append("")
            continue
        hang = INDENT + " " * len(line[: len(line) - len(line.lstrip())])
        if line.lstrip().startswith(BULLETS):
            hang += "  "
        wrapped += textwrap.wrap(
            line,
            width,
            initial_indent=prefix,
            subsequent_indent=hang,
            break_long_words=False,  # links and codes stay whole
            break_on_hyphens=False,
        ) or [prefix.rstrip()]
    return wrapped


def choice_lines(choices: tuple[Choice, ...], width: int) -> list[str]:
    """Numbered buttons, as many to a line as fit in `width`."""
    lines: list[str] = []
    line = ""
    for number, choice in enumerate(choices, start=1):
        item = f"[{number}] {choice.label}"
        if line and len(INDENT) + len(line) + 2 + len(item) > width:
            lines.append(INDENT + line)
            line = ""
        if not line and len(INDENT) + len(item) > width:  # a long label on lines of its own, words kept whole
            hang = INDENT + " " * (len(f"[{number}] "))
            lines += textwrap.wrap(item, width, initial_indent=INDENT, subsequent_indent=hang, break_long_words=False)
            continue
        line = f"{line}  {item}" if line else item
    if line:
        lines.append(INDENT + line)
    return lines


def _numbers(count: int) -> str:
    return "1" if count == 1 else f"1-{count}"
