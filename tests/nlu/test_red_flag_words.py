"""A language's red flags are looked for in a text read as typed only when the text holds something they
could be made of (`RedFlagWords`): never skipping a language where a sign or a denied sign would be
found, and skipping (not even loading) the others for everyday texts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.nlu import Matcher
from bot.nlu.language import script_of, scripts_in
from bot.nlu.normalise import SCAN_LIMIT, normalise
from bot.nlu.red_flags import scan_red_flags

HERE = Path(__file__).parent
SETS = sorted(HERE.glob("red_flags_*.jsonl")) + sorted(HERE.glob("understanding_*.jsonl"))
TEXTS = [json.loads(line)["text"] for path in SETS for line in path.read_text().splitlines() if line.strip()]


def test_every_language_that_finds_a_sign_is_read(matcher: Matcher) -> None:
    """Over every text of the red-flag and language sets (and shouted): wherever a language's scan of
    the words as typed finds a sign, raised or denied, the text is one it reads."""
    languages = matcher.lexicon.languages
    checked = 0
    for text in [*TEXTS, *(t.upper() for t in TEXTS)]:
        long_text = normalise(text, SCAN_LIMIT)
        scripts = set(scripts_in(long_text))
        for code in languages:
            if script_of(code) not in scripts or languages.may_raise(code, long_text):
                continue
            language = languages[code]
            reading = scan_red_flags(language, language.analyse(long_text, fix_limit=0), matcher.lexicon.kinds)
            assert reading.flag is None and not reading.negated and not reading.history, (code, text)
            checked += 1
    assert checked > 1000  # the skipped readings were really tried


@pytest.mark.parametrize(
    ("text", "skipped"),
    [
        ("I feel bloated", ("hi-Latn", "ar-Latn", "tl")),
        ("my feet are sore after work", ("hi-Latn", "ar-Latn", "ru-Latn", "tl")),
        ("мне плохо спится", ()),
        ("عندي صداع", ("ur",)),
    ],
)
def test_everyday_texts_skip_the_other_languages(matcher: Matcher, text: str, skipped: tuple[str, ...]) -> None:
    languages = matcher.lexicon.languages
    for code in skipped:
        assert not languages.may_raise(code, normalise(text, SCAN_LIMIT)), code


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("mere seene mein dard hai", "hi-Latn"),  # a word of the phrases
        ("sakit ng dibdib ko", "tl"),
        ("28 weeks and bleeding", "tl"),  # a number: weeks pregnant, a pressure reading
        ("ma agdar atnafas", "ar-Latn"),
    ],
)
def test_texts_with_their_words_are_read(matcher: Matcher, text: str, lang: str) -> None:
    assert matcher.lexicon.languages.may_raise(lang, normalise(text, SCAN_LIMIT))


def test_a_sign_in_another_latin_language_is_still_raised(matcher: Matcher) -> None:
    """Read as English first, the Tagalog and Hinglish signs still count."""
    assert matcher.understand("hindi makahinga ang nanay ko").red_flag is not None
    assert matcher.understand("mujhe saans nahi aa rahi").red_flag is not None
