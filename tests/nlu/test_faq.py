"""FAQ questions, asked in several ways."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher


@pytest.mark.parametrize(
    ("text", "faq"),
    [
        ("what is reflexology", "what-is-reflexology"),
        ("reflexology?", "what-is-reflexology"),
        ("what's acupressure", "what-is-acupressure"),
        ("does reflexology actually work", "does-it-work"),
        ("is acupressure legit?", "does-it-work"),
        ("when is the best time to do it", "best-time"),
        ("can I do it after eating", "best-time"),
        ("how do I find the point", "find-point"),
        ("what is a cun", "find-point"),
        ("how hard should I press", "pressure-and-frequency"),
        ("how often should I do it", "pressure-and-frequency"),
        ("is it safe during pregnancy", "pregnancy"),
        ("who shouldn't do reflexology", "who-should-not"),
        ("can I do it with high blood pressure", "who-should-not"),
        ("can I do it at home", "do-it-yourself"),
        ("do you do cupping", "clinic-services"),
    ],
)
def test_faq(matcher: Matcher, text: str, faq: str) -> None:
    assert matcher.understand(text).faq == faq


@pytest.mark.parametrize("text", ["I love reflexology and my back hurts", "headache", "hi", "what time is it"])
def test_not_a_question(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).faq is None
