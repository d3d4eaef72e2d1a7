"""A condition warded off or feared one day is no emergency ("what points help prevent a stroke", "mum is
scared of having a heart attack"): in English a sense (`keep_away` before `sign_name`, in order) blanks the
name; the same words around a sign said now leave it an emergency ("i think i'm having a heart attack, how do
i prevent it getting worse")."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher


@pytest.mark.parametrize(
    "text",
    [
        "what points help prevent a stroke",
        "mum is scared of having a stroke",
        "how to prevent heart attack naturally",
        "any reflexology for stroke prevention?",
        "my dad is afraid he will get a heart attack like his brother",
        "i worry about getting a stroke because of my high bp",
        "can reflexology reduce the risk of heart attack",
        "can foot massage prevent blood clots on a long flight",
        "my father is terrified of having another heart attack, which points relax him",
        "is there a pressure point that lowers the risk of stroke",
    ],
)
def test_a_condition_warded_off_or_feared_is_calm(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None


@pytest.mark.parametrize(
    "text",
    [
        "i think im having a heart attack, how do i prevent it getting worse",
        "i'm scared i'm having a heart attack, chest is tight",
        "afraid it's a stroke, my face feels numb on one side",
        "my dad is having a stroke, how to prevent brain damage",
        "i am at risk of stroke and now my face is drooping",
        "scared of having a heart attack, my chest is crushing and the pain goes to my arm",
        "worried about my mum, she is having a stroke i think, her speech is slurred",
    ],
)
def test_a_sign_said_now_beside_those_words_is_an_emergency(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is not None
