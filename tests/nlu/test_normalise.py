"""The one normaliser: case, accents, contractions, stretched letters, emoji, clause breaks."""

from __future__ import annotations

import time

import pytest

from bot.nlu import normalise
from bot.nlu.normalise import SCAN_LIMIT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I feel BLOATED", "i feel bloated"),
        ("I can’t sleep!!!", "i cannot sleep"),
        ("cant sleep", "cannot sleep"),
        ("can not sleep", "cannot sleep"),
        ("I'm tired", "i am tired"),
        ("im tired", "i am tired"),
        ("I don't have a headache", "i do not have a headache"),
        ("dont wanna", "do not want to"),
        ("won't stop", "will not stop"),
        ("my head's killing me", "my head killing me"),
        ("Sooooo tiiiired", "soo tiired"),
        ("café crème", "cafe creme"),
        ("Straße", "strasse"),
        ("ＦＵＬＬ width", "full width"),
        ("No headache, just tired.", "no headache , just tired"),
        ("hi - there", "hi , there"),
        ("back-pain", "back pain"),
        ("remind me at 10:30pm", "remind me at 10:30pm"),
        ("in 1.5 hours", "in 1.5 hours"),
        ("👍", "ok"),
        ("🙏🙏", "thanks thanks"),
        ("🤰🏽 bleeding", "pregnant bleeding"),
        ("🩸 in my pee", "blood in my pee"),
        ("took all my 💊", "took all my pills"),
        ("😀😀😀", ""),
        ("?", ""),
        ("...!!!", ""),
        ("", ""),
        ("tab\tand\nnew line", "tab and new line"),
        ("x\x00y\x01z\x7f", "x y z"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_idempotent() -> None:
    text = "I can't sleep, my back's sore... 10:30pm 👍"
    assert normalise(normalise(text)) == normalise(text)


def test_other_scripts_survive() -> None:
    assert normalise("مرحبا، كيف حالك؟") == "مرحبا , كيف حالك"
    assert normalise("Привет, МИР") == "привет , мир"


def test_bounded_work_on_huge_input() -> None:
    huge = "I have a headache and " * 1000
    start = time.perf_counter()
    short, long = normalise(huge), normalise(huge, SCAN_LIMIT)
    assert time.perf_counter() - start < 0.5
    assert len(short) <= 520
    assert len(short) < len(long) <= SCAN_LIMIT + 20


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("أَلَمٌ فِي الصَّدْرِ", "الم في الصدر"),  # harakat and hamza on alef go
        ("إسهال وآلام", "اسهال والام"),
        ("صداعـــــ شديد", "صداع شديد"),  # tatweel
        ("معدة مستشفى", "معده مستشفي"),  # taa marbuta and alef maqsura as people type them
        ("الساعة ١٠ مساءً", "الساعه 10 مساء"),  # Arabic-Indic digits
        ("ساعت ۹", "ساعت 9"),  # Persian digits
        ("عندي صداع، وغثيان؟", "عندي صداع , وغثيان"),
        ("Ёлки, головная БОЛЬ", "елки , головная боль"),
    ],
)
def test_arabic_and_russian_forms(typed: str, expected: str) -> None:
    assert normalise(typed) == expected


def test_devanagari_and_urdu_full_stops_end_a_clause() -> None:
    assert normalise("सीने में दर्द नहीं है। बस थकान") == "सीने में दर्द नहीं है , बस थकान"
    assert normalise("درد نہیں ہے۔ بس") == "درد نہيں ہے , بس"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("сильная уcталость", "сильная усталость"),  # a Latin "c" typed inside a Russian word
        ("у меня бoлит гoлова", "у меня болит голова"),
        ("Tошнит", "тошнит"),
        ("чeрез 10 минут", "через 10 минут"),
        # English words beside Russian ones, and a Latin letter with no Cyrillic twin, stay as typed
        ("my back болит", "my back болит"),
        ("стресс from work", "стресс from work"),
        ("бoлит zуб", "болит zуб"),
    ],
)
def test_latin_lookalikes_inside_a_cyrillic_word(text: str, expected: str) -> None:
    assert normalise(text) == expected
