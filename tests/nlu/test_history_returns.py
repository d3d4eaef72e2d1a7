"""A history dates its sign, unless the sign is said to return now ("had a stroke last year and now it is happening
again": [red_flags] recurring); a pregnancy told as past ("when i was pregnant") dates what happened in it; a
ward one works in tells cases, not one's own ("у нас в отделении много инсультов")."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher

RETURNS = [
    "had a stroke last year and now it is happening again",
    "i had chest pain last year and its back now",
    "had a DVT two years ago, it came back",
    "when i was pregnant with my first i had bleeding and now it is happening again, 10 weeks",
    "my dad had a seizure as a child and today it started again",
    "у мамы инсульт, она у нас в отделении",
    "when i was pregnant i had bleeding, now 8 weeks again and bleeding heavily",
]
PAST = [
    "had a heart attack in 2019, dont want it happening again so want to relax",
    "had a heart attack in 2019, i never want that happening again",
    "had a seizure as a kid, never came back",
    "when i was pregnant i had terrible cramps",
    "while i was pregnant i had some bleeding, my son is 4 now, need help with back pain",
    "i just want to disappear under my blanket all weekend",
    "я медсестра, у нас в отделении много инсультов",
]


@pytest.mark.parametrize("text", RETURNS)
def test_a_sign_now_or_back_again_is_an_emergency(matcher: Matcher, text: str) -> None:
    u = matcher.understand(text)
    assert u.red_flag is not None and u.severity == "emergency"


@pytest.mark.parametrize("text", PAST)
def test_a_sign_told_as_past_is_no_emergency(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None
