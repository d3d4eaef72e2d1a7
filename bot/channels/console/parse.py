"""Console input -> events: plain text, {"text"}, {"choice"}, {"wait"}; numbers pick shown buttons."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.engine import Choice, ChoicePicked, Event, TextReceived


@dataclass(frozen=True, slots=True)
class Wait:
    """Let virtual time pass."""

    seconds: float


MAX_WAIT = 366 * 24 * 3600.0  # a year: more is surely a typo, and far-off datetimes overflow


def parse_jsonl(line: str) -> Event | Wait | None:
    """One line of `chat --jsonl` input; None for a blank line."""
    stripped = line.strip()
    if not stripped:
        return None
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError:
            return TextReceived(line.rstrip("\n"))
        if isinstance(data, dict):
            if "wait" in data:
                return Wait(_seconds(data["wait"]))
            if "choice" in data:
                return ChoicePicked(str(data["choice"]))
            if "text" in data:
                text = data["text"]
                return TextReceived(text if isinstance(text, str) else "")
    return TextReceived(line.rstrip("\n"))


def parse_typed(line: str, shown: tuple[Choice, ...]) -> Event:
    """What a person typed in the interactive chat: a button number picks that button."""
    typed = line.strip()
    if typed.isascii() and typed.isdecimal() and 1 <= int(typed) <= len(shown):
        return ChoicePicked(shown[int(typed) - 1].id)
    return TextReceived(line.rstrip("\n"))


def _seconds(value: object) -> float:
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return 0.0
    if seconds != seconds or seconds < 0:  # NaN and negatives wait nothing
        return 0.0
    return min(seconds, MAX_WAIT)
