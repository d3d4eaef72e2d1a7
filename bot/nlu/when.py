"""Reminder times from text, without a clock: "at 10pm every night", "in half an hour", "22:00".

Rules:
- "in 30 minutes", "in an hour", "in 2 hours", "in half an hour", "in an hour and a half",
  "20 minutes from now" -> `in_minutes` (1 minute to 7 days).
- "10pm", "10:30 pm", "22:00", "9 o'clock", "noon", "midnight", "half past 9", "at nine" -> hour
  and minute. A bare hour 1-11 without am/pm ("at 9", "9:30") means the evening (21:00), because
  reminders here are bedtime reminders, unless the text says morning ("at 7 in the morning"). An
  hour written with a leading zero ("07:00") or above 12 is taken as a 24-hour time.
- "every night", "daily", "each morning", "every day" -> `daily`; a time without them is once
  ("tomorrow at 7am" -> daily False, 07:00). "every night" alone gives daily with no hour yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlu.normalise import normalise

MAX_MINUTES = 7 * 24 * 60


@dataclass(frozen=True, slots=True)
class When:
    """A parsed time phrase: a daily or one-off clock time, or a delay in minutes."""

    daily: bool
    hour: int | None
    minute: int | None
    in_minutes: int | None


_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "couple": 2,
    "few": 5,
}
_HOUR_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_NUM = (
    r"(\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|thirty|forty|fifty|sixty|ninety|(?:a )?couple(?: of)?|(?:a )?few)"
)
_UNIT = r"(minutes?|mins?|m|hours?|hrs?|hr|h)"
_RELATIVE = re.compile(rf"\b(?:in|after) {_NUM} ?{_UNIT}(?: and (?:a half|{_NUM} ?{_UNIT}))?\b")
_FROM_NOW = re.compile(rf"\b{_NUM} ?{_UNIT}(?: from now| later)\b")
_HALF_HOUR = re.compile(r"\b(?:in|after) (?:half an hour|half hour|30 min)\b")
_HOUR_AND_HALF = re.compile(rf"\b(?:in|after) {_NUM} and a half {_UNIT}\b")
_AMPM = re.compile(rf"\b(\d{{1,2}}|{_HOUR_WORDS})(?:[:.](\d{{2}}))? ?(am|pm|a m|p m)\b")
_CLOCK = re.compile(r"\b(\d{1,2})[:.](\d{2})\b")
_OCLOCK = re.compile(rf"\b(\d{{1,2}}|{_HOUR_WORDS}) ?oclock\b")
_AT = re.compile(rf"\b(?:at|around|about|by|before) (\d{{1,2}}|{_HOUR_WORDS})\b(?! ?(?:min|hour|hr|h\b|day|week))")
_PAST = re.compile(rf"\b(half|quarter) (past|to) (\d{{1,2}}|{_HOUR_WORDS})\b")
_PART_OF_DAY = re.compile(
    rf"\b(\d{{1,2}}|{_HOUR_WORDS}) (?:tonight|at night|in the (?:evening|afternoon|morning)|"
    r"this (?:evening|afternoon|morning))\b"
)
_DAILY = re.compile(
    r"\b(?:every ?(?:single )?(?:day|night|evening|morning|afternoon)|daily|nightly|"
    r"each (?:day|night|evening|morning)|once a day|every bedtime)\b"
)
_MORNING = re.compile(r"\b(?:morning|mornings|breakfast|sunrise)\b")


def _number(raw: str) -> float | None:
    raw = raw.removeprefix("a ").removesuffix(" of")
    if raw in _NUMBERS:
        return float(_NUMBERS[raw])
    try:
        return float(raw)
    except ValueError:
        return None


def _minutes(amount: str, unit: str) -> float | None:
    value = _number(amount)
    if value is None:
        return None
    return value * 60 if unit.startswith("h") else value


def _relative(text: str) -> int | None:
    if _HALF_HOUR.search(text):
        return 30
    match = _HOUR_AND_HALF.search(text)
    if match:
        base = _minutes(match.group(1), match.group(2))
        return None if base is None else int(base + (30 if match.group(2).startswith("h") else 0.5))
    match = _RELATIVE.search(text) or _FROM_NOW.search(text)
    if not match:
        return None
    total = _minutes(match.group(1), match.group(2))
    if total is None:
        return None
    tail = match.group(0)
    if tail.endswith("and a half"):
        total += 30 if match.group(2).startswith("h") else 0.5
    elif match.lastindex is not None and match.lastindex >= 4 and match.group(3) and match.group(4):
        extra = _minutes(match.group(3), match.group(4))
        total += extra or 0
    minutes = round(total)
    return minutes if 1 <= minutes <= MAX_MINUTES else None


def _hour_value(raw: str) -> int:
    return int(_NUMBERS[raw]) if raw in _NUMBERS else int(raw)


def _evening_rule(hour: int, text: str, explicit_24h: bool) -> int:
    if explicit_24h or hour == 0 or hour >= 12:
        return hour
    return hour if _MORNING.search(text) else hour + 12


def _clock(text: str) -> tuple[int, int] | None:
    match = _AMPM.search(text)
    if match:
        hour, minute = _hour_value(match.group(1)), int(match.group(2) or 0)
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match.group(3).replace(" ", "") == "pm" else 0)
        return hour, minute
    if re.search(r"\bnoon\b|\bmidday\b", text):
        return 12, 0
    if re.search(r"\bmidnight\b", text):
        return 0, 0
    match = _PAST.search(text)
    if match:
        hour = _hour_value(match.group(3))
        minute = 30 if match.group(1) == "half" else (15 if match.group(2) == "past" else 45)
        hour = hour if match.group(2) == "past" else hour - 1
        return _evening_rule(hour % 24, text, False), minute
    match = _CLOCK.search(text)
    if match:
        raw = match.group(1)
        return _evening_rule(int(raw), text, raw.startswith("0")), int(match.group(2))
    for pattern in (_OCLOCK, _PART_OF_DAY, _AT):
        match = pattern.search(text)
        if match:
            raw = match.group(1)
            return _evening_rule(_hour_value(raw), text, raw.startswith("0")), 0
    return None


def parse_when(text: str) -> When | None:
    """The reminder time a text gives, or None when it gives none."""
    return when_in_normalised(normalise(text))


def when_in_normalised(text: str) -> When | None:
    """`parse_when` for a text that has already been through `normalise`."""
    text = text.replace(" , ", " ")
    if not text:
        return None
    minutes = _relative(text)
    if minutes is not None:
        return When(daily=False, hour=None, minute=None, in_minutes=minutes)
    daily = _DAILY.search(text) is not None
    clock = _clock(text)
    if clock is not None:
        hour, minute = clock
        if 0 <= hour <= 23 and 0 <= minute <= 59:
            return When(daily=daily, hour=hour, minute=minute, in_minutes=None)
        return None
    return When(daily=True, hour=None, minute=None, in_minutes=None) if daily else None
