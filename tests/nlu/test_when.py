"""Reminder times, parsed without a clock."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher, When, parse_when
from bot.nlu.when import WhenParser, when_in_normalised
from content.loader import default_content


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


WEEKDAYS = (0, 1, 2, 3, 4)


def on_days(days: tuple[int, ...], hour: int | None = None, daily: bool = True) -> When:
    return When(daily=daily, hour=hour, minute=None if hour is None else 0, in_minutes=None, days=days)


EVERY_NIGHT = When(daily=True, hour=None, minute=None, in_minutes=None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("every nite", EVERY_NIGHT),
        ("evry night", EVERY_NIGHT),
        ("evry nite at 10", daily(22)),
        ("every nigth", EVERY_NIGHT),
        ("everynight at 10", daily(22)),
        ("everyday at 9pm", daily(21)),
        ("each night", EVERY_NIGHT),
        ("nightly", EVERY_NIGHT),
        ("nightly at 10", daily(22)),
        ("every evening at 9", daily(21)),
        ("every single day at 8", daily(20)),
        ("once a day at 9", daily(21)),
        ("at 9 daily", daily(21)),
        ("weekdays at 7", on_days(WEEKDAYS, 19)),
        ("on weekdays", on_days(WEEKDAYS)),
        ("mon-fri", on_days(WEEKDAYS)),
        ("mon-fri at 9pm", on_days(WEEKDAYS, 21)),
        ("monday to friday at 10", on_days(WEEKDAYS, 22)),
        ("weekends", on_days((5, 6))),
        ("on weekends at 10am", on_days((5, 6), 10)),
        ("every monday and thursday at 8", on_days((0, 3), 20)),
        ("mon, wed, fri at 9", on_days((0, 2, 4), 21)),
        ("mondays at 9", on_days((0,), 21)),
        ("every sat at 8", on_days((5,), 20)),
        ("every wensday at 9", on_days((2,), 21)),
        ("on monday at 9", on_days((0,), 21, daily=False)),  # a day without "every": once, on the next Monday
        ("I sat down at 9", once(21)),  # "sat" is a day only beside another day word or after every/on
        ("in the sun at 9", once(21)),
        ("every day of the week", EVERY_NIGHT),
    ],
)
def test_recurrence(text: str, expected: When) -> None:
    assert parse_when(text) == expected


@pytest.mark.parametrize(
    ("text", "daily", "hour"),
    [
        ("3 times a day", False, None),
        ("every other day at 9", False, 21),  # not a silent one-off: the engine asks
        ("every 2 days", False, None),
        ("weekly", False, None),
        ("twice a day at 8", False, 20),
        ("every week at 9", False, 21),
    ],
)
def test_recurrence_not_understood(text: str, daily: bool, hour: int | None) -> None:
    found = parse_when(text)
    assert found is not None and found.recurrence_unclear
    assert (found.daily, found.hour) == (daily, hour)


@pytest.mark.parametrize("text", ["ever since monday", "every time my foot hurts", "for each foot", "very nice"])
def test_not_a_recurrence(text: str) -> None:
    found = parse_when(text)
    assert found is None or not (found.daily or found.recurrence_unclear)


def test_positional_fields_still_work() -> None:
    assert When(True, 22, 0, None) == When(daily=True, hour=22, minute=0, in_minutes=None, days=())


def test_parser_per_language_matches_default() -> None:
    parser = WhenParser(default_content().words("en"))
    assert parser.parse("remind me at 10pm every night") == when_in_normalised("remind me at 10pm every night")
    assert parse_when("weekdays at 7", parser) == on_days(WEEKDAYS, 19)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("الساعة عشر ونص", once(22, 30)),  # Arabic says the minutes after the hour
        ("تسعة الا ربع", once(20, 45)),
        ("sa3a 11 illa rub3", once(22, 45)),
        ("3la 7 w nos", once(19, 30)),
        ("الساعه ثمان ونص صباحا كل يوم", daily(8, 30)),
        ("ذكرني ٩", once(21)),
        ("بعد ساعة", later(60)),  # a delay said by its unit alone
        ("بعد ربع ساعة", later(15)),
        ("ba3d sa3teen", later(120)),
        ("kol lela 9", daily(21)),  # a recurrence and one bare number: its hour
        ("через час", later(60)),
        ("через полтора часа", later(90)),
        ("полдесятого", once(21, 30)),
        ("каждый вечер в девять тридцать", daily(21, 30)),
        ("every night 9", daily(21)),
        ("at nine thirty", once(21, 30)),
        ("in a quarter of an hour", later(15)),
        # 12 at night is after midnight, however the minutes are said
        ("ذكرني الساعة 12 ونص بالليل", once(0, 30)),
        ("напомни в 12:30 ночи", once(0, 30)),
        ("dhakirni 12 w nus bil lail", once(0, 30)),
        ("paalala 12:30 ng gabi", once(0, 30)),
        ("remind me at 12:30 at night", once(0, 30)),
        ("remind me at half past 12 at night", once(0, 30)),
        ("напомни в 12:30", once(12, 30)),
        ("remind me at 12:30 pm", once(12, 30)),
    ],
)
def test_times_in_every_language(matcher: Matcher, text: str, expected: When) -> None:
    assert matcher.understand(text).when == expected


@pytest.mark.parametrize("text", ["every day for 30 minutes", "every night 9 or 10", "каждый день 5 минут"])
def test_recurrence_without_one_clear_hour(matcher: Matcher, text: str) -> None:
    when = matcher.understand(text).when
    assert when is not None and when.hour is None
