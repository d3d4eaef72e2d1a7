"""A fear of dying beside a body's emergency is that emergency's fear ([red_flags] dread): "i feel like i am going to
die and my chest is crushing" gets the chest's advice; alone, or beside a wish to die, or beside a sign that is only
urgent, it is still read as self-harm (998 and 800 4673 either way)."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher

BESIDE_A_SIGN = [
    ("i feel like i am going to die and my chest is crushing", "chest-pain"),
    ("my calf is swollen and hot and i am scared i will die", "dvt"),
]
STILL_SELF_HARM = [
    "i feel like im going to die",
    "i am going to die, chest pain and i want to end it all",
    "i am going to die my period is so heavy soaking pads",
    "i want to die",
]


@pytest.mark.parametrize(("text", "flag"), BESIDE_A_SIGN)
def test_a_fear_of_dying_beside_a_sign_is_that_sign(matcher: Matcher, text: str, flag: str) -> None:
    u = matcher.understand(text)
    assert (u.red_flag, u.severity) == (flag, "emergency")


@pytest.mark.parametrize("text", STILL_SELF_HARM)
def test_a_fear_of_dying_alone_or_with_a_wish_is_still_self_harm(matcher: Matcher, text: str) -> None:
    u = matcher.understand(text)
    assert (u.red_flag_kind, u.severity) == ("self-harm", "emergency")
