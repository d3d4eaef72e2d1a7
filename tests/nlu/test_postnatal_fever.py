"""A fever after a birth (postnatal-fever, an emergency: WHO danger signs, NHS) is the mother's; a newborn's
fever stays the newborn rule (meningitis); a birth months or years ago, warmth and a courier's delivery are
no alarm."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher


@pytest.mark.parametrize(
    "text",
    [
        "after delivery I have high fever and chills",
        "gave birth 10 days ago, fever 39 and smelly discharge",
        "postpartum day 4, temperature 38.5 and feeling really unwell",
        "بعد الولادة عندي حرارة عالية ورعشة",
        "после родов температура 39 и озноб",
        "डिलीवरी के पाँच दिन बाद तेज़ बुखार और कंपकंपी हो रही है",
        "زچگی کے بعد تیز بخار اور کپکپی ہے",
        "delivery ke baad se tez bukhar hai aur neeche se badboo wala discharge",
        "mataas ang lagnat ko pagkatapos manganak at nanginginig ako",
    ],
)
def test_a_fever_after_a_birth_is_postnatal_fever(matcher: Matcher, text: str) -> None:
    u = matcher.understand(text)
    assert (u.red_flag, u.severity) == ("postnatal-fever", "emergency")


def test_someone_elses_fever_after_a_birth_is_theirs(matcher: Matcher) -> None:
    u = matcher.understand("my wife delivered our baby 6 days ago and since yesterday she has a high temperature")
    assert (u.red_flag, u.for_other) == ("postnatal-fever", True)


@pytest.mark.parametrize(
    "text", ["my 2 week old baby has a fever", "my wife had our baby last week, now the newborn has a temperature"]
)
def test_a_newborns_fever_stays_the_newborn_rule(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag == "meningitis"


@pytest.mark.parametrize(
    "text",
    [
        "had a baby 6 months ago, now i have a mild fever and cold",
        "can i take a hot shower after delivery",
        "the food delivery guy was late and i have a fever today",
        "после родов принимаю горячую ванну, можно?",
        "بعد الولادة آكل أكل سخن",
    ],
)
def test_no_postnatal_fever_without_a_recent_birth_and_a_fever(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None
