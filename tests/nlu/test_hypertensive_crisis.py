"""A hypertensive crisis: a reading of 180/120 or more, or "bp 190", with a headache, chest pain, a change in sight,
confusion, trouble speaking or breathing (American Heart Association) is an emergency; a high reading alone,
or a lower one with a headache, is not (it is the blood pressure question's "yes": no massage)."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher

CRISIS = [
    "bp 200 over 120 pounding headache and blurry vision",
    "my bp is 190 and my head is pounding",
    "blood pressure 200/110 chest pain",
    "mum's bp is 210/125 and she is confused",
    "الضغط 190 وراسي بينفجر",
    "ضغط ابوي 200 على 120 وعنده الم في صدره",
    "давление 190 и голова раскалывается",
    "давление 200 на 120, болит в груди",
]
CALM = [
    "bp 185/110, feel fine, just checking",
    "bp 150/95 and headache",
    "my bp is high and i have a headache",
    "bp was 190 last year, today just a mild headache",
    "ضغطي 130 على 85 وراسي يوجعني شوي",
    "давление 135 на 85, немного болит голова",
]


@pytest.mark.parametrize("text", CRISIS)
def test_a_very_high_reading_with_a_sign_is_an_emergency(matcher: Matcher, text: str) -> None:
    u = matcher.understand(text)
    # chest pain is an emergency of its own, found first
    assert u.red_flag in ("hypertensive-crisis", "chest-pain") and u.severity == "emergency" and u.points == ()


@pytest.mark.parametrize("text", CALM)
def test_a_reading_alone_or_a_lower_one_is_not(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None


def test_a_crisis_reading_in_pregnancy_is_still_pre_eclampsia_high(matcher: Matcher) -> None:
    assert matcher.understand("pregnant, bp 190/115 and swollen hands").red_flag == "pre-eclampsia"


@pytest.mark.parametrize(
    "text", ["pregnant hoon aur pet ke neeche bahut dard", "main pregnant hu pet me bahut dard ho raha hai"]
)
def test_a_belly_that_hurts_a_lot_in_pregnancy_roman_hindi(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag == "pregnancy-bleeding"


def test_a_belly_ache_without_pregnancy_is_no_emergency(matcher: Matcher) -> None:
    assert matcher.understand("pet mein bahut dard hai").red_flag is None
