"""Roman Hindi/Urdu, Hindi (Devanagari), Urdu (Urdu script) and Tagalog, as people in Dubai write how they feel:
symptoms (top 3), negation and off-topic chat, read without being told the language, and never a red flag. The
set (tests/nlu/symptoms_south.jsonl) was written blind, before these languages had symptom words
(content/text/<lang>/symptoms.toml), and scored; items marked "own" were added after; a "gap" says why an item
is known to fail (strict). Its items are tested with the other languages' sets (test_understanding_languages.py);
here, that it covers each language, and that none raises a red flag."""

from __future__ import annotations

from bot.nlu import Matcher
from tests.nlu.sets import read_sets

CASES = read_sets(("symptoms_south.jsonl",))


def test_the_set_covers_each_language() -> None:
    counts = {lang: sum(1 for c in CASES if c["lang"] == lang) for lang in ("hi-Latn", "tl", "hi", "ur")}
    assert counts["hi-Latn"] >= 40 and counts["tl"] >= 40 and counts["hi"] >= 15 and counts["ur"] >= 15
    assert {c["kind"] for c in CASES} == {"symptom", "off-topic", "negation"}


def test_no_item_raises_a_red_flag(matcher: Matcher) -> None:
    raised = [c["text"] for c in CASES if matcher.understand(c["text"]).red_flag is not None]
    assert raised == []
