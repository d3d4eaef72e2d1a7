"""Reminder times, parsed without a clock."""

from __future__ import annotations

import pytest

from bot.nlu import When, parse_when


def daily(hour: int, minute: int = 0) -> When:
    return When(daily=True, hour=hour, minute=minute, in_minutes=None)


def once(hour: int, minute: int = 0) -> When:
    return When(daily=False, hour=hour, minute=minute, in_minutes=None)


def later(minutes: int) -> When:
    return When(daily=False, hour=None, minute=None, in_minutes=minutes)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at 10pm every night", daily(22)),
        ("remind me at 10:30 pm", once(22, 30)),
        ("10.30pm", once(22, 30)),
        ("22:00", once(22)),
        ("daily at 21:30", daily(21, 30)),
        ("every day at 8", daily(20)),
        ("at 9", once(21)),  # a bare hour is an evening hour: these are bedtime reminders
        ("at nine", once(21)),
        ("9 o'clock", once(21)),
        ("half past 9", once(21, 30)),
        ("quarter to 10", once(21, 45)),
        ("at 7 in the morning", once(7)),
        ("every morning at 7", daily(7)),
        ("07:00", once(7)),
        ("at 13", once(13)),
        ("tomorrow at 7am", once(7)),
        ("12am", once(0)),
        ("12pm", once(12)),
        ("noon", once(12)),
        ("midnight", once(0)),
        ("9 tonight", once(21)),
        ("nine pm", once(21)),
        ("in an hour", later(60)),
        ("in 30 minutes", later(30)),
        ("in 2 hours", later(120)),
        ("in half an hour", later(30)),
        ("in an hour and a half", later(90)),
        ("in 1.5 hours", later(90)),
        ("in 2 hours and 30 minutes", later(150)),
        ("remind me in 10 min", later(10)),
        ("in 2h", later(120)),
        ("20 minutes from now", later(20)),
        ("in a couple of hours", later(120)),
        ("remind me every night", When(daily=True, hour=None, minute=None, in_minutes=None)),
    ],
)
def test_parse_when(text: str, expected: When) -> None:
    assert parse_when(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "I am 30 years old",
        "for 3 days",
        "3 times a day",
        "25:00",
        "in 0 minutes",
        "in 20000 hours",
        "headache",
        "👍",
        "at 99",
    ],
)
def test_no_time(text: str) -> None:
    assert parse_when(text) is None
