"""Left-to-right runs inside right-to-left replies are isolated, so they are not reordered."""

from __future__ import annotations

import pytest

from bot.engine.actions import Choice, Reply
from bot.engine.bidi import LRI, PDI, isolate, isolate_reply


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("اتصل الآن: 998.", f"اتصل الآن: {LRI}998{PDI}."),
        ("خط الدعم 800 4673", f"خط الدعم {LRI}800 4673{PDI}"),
        ("النقطة EX-LE11 على الإصبع", f"النقطة {LRI}EX-LE11{PDI} على الإصبع"),
        ("الساعة 22:00 كل ليلة", f"الساعة {LRI}22:00{PDI} كل ليلة"),
        ("اتصل على +971 4 123 4567", f"اتصل على {LRI}+971 4 123 4567{PDI}"),
        ("الموقع https://example.ae/book.", f"الموقع {LRI}https://example.ae/book{PDI}."),
        ("Call 998 now", "Call 998 now"),  # left-to-right text is left alone
        ("позвоните 998", "позвоните 998"),
    ],
)
def test_isolate(text: str, expected: str) -> None:
    assert isolate(text) == expected
    assert isolate(isolate(text)) == isolate(text)


def test_reply_labels_too() -> None:
    reply = isolate_reply(Reply("ابدأ", (Choice("start:KI1", "ابدأ KI1"), Choice("menu", "القائمة"))))
    assert reply.choices[0].label == f"ابدأ {LRI}KI1{PDI}" and reply.choices[1].label == "القائمة"
