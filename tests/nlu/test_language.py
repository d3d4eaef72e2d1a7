"""Which language a text is in (bot/nlu/language.py): script first, then words, then the detector."""

from __future__ import annotations

import pytest

from bot.nlu.language import base_language, dominant_script, guess_language, script_of
from bot.nlu.normalise import normalise

VOCABULARIES = {
    "en": frozenset(
        [
            "i",
            "feel",
            "bloated",
            "have",
            "a",
            "headache",
            "cannot",
            "sleep",
            "my",
            "chest",
            "hurts",
            "help",
            "please",
            "the",
            "and",
            "is",
        ]
    ),
    "ar": frozenset(["عندي", "انتفاخ", "صداع", "راسي", "يوجعني", "نعم"]),
    "ar-Latn": frozenset(["3ndi", "inti5a5", "sda3", "rasi", "ana", "ee"]),
    "ru": frozenset(["у", "меня", "болит", "голова", "да"]),
    "ur": frozenset(["میرے", "سینے", "میں", "درد"]),
    "hi": frozenset(["मेरे", "सीने", "में", "दर्द"]),
    "hi-Latn": frozenset(["mere", "seene", "mein", "dard", "hai"]),
    "tl": frozenset(["masakit", "ang", "ulo", "ko", "ng", "sa"]),
    "ml": frozenset(["എനിക്ക്", "നെഞ്ചുവേദന", "ഉണ്ട്"]),
    "ml-Latn": frozenset(["ammakku", "nenju", "vedana", "und", "enikku"]),
}


def guess(text: str, prior: str | None = None) -> tuple[str, str, bool]:
    found = guess_language(normalise(text), VOCABULARIES, prior)
    return found.read_as, found.answer_in, found.sure


@pytest.mark.parametrize(
    ("text", "read_as", "answer_in"),
    [
        ("I feel bloated and cannot sleep", "en", "en"),
        ("عندي انتفاخ", "ar", "ar"),
        ("راسي يوجعني", "ar", "ar"),
        ("у меня болит голова", "ru", "ru"),
        ("Болит голова", "ru", "ru"),
        ("میرے سینے میں درد ہے", "ur", "ur"),  # Urdu letters (ے)
        ("मेरे सीने में दर्द", "hi", "hi"),
        ("3ndi inti5a5", "ar-Latn", "ar"),  # Arabizi is read as such, answered in Arabic
        ("ana 3ndi sda3 shway", "ar-Latn", "ar"),
        ("mere seene mein dard hai", "hi-Latn", "hi"),
        ("masakit ang ulo ko", "tl", "tl"),
        ("എനിക്ക് നെഞ്ചുവേദന ഉണ്ട്", "ml", "ml"),  # Malayalam script
        ("ammakku nenju vedana und", "ml-Latn", "ml"),  # Manglish is read as such, answered in Malayalam script
    ],
)
def test_languages_are_told_apart(text: str, read_as: str, answer_in: str) -> None:
    assert guess(text)[:2] == (read_as, answer_in)
    assert guess(text)[2] is True


@pytest.mark.parametrize("text", ["ok", "2", "👍", "", "help", "10pm", "31m"])
def test_too_little_to_tell_keeps_the_conversation_language(text: str) -> None:
    assert guess(text, prior="ar")[1:] == ("ar", False)
    assert guess(text, prior="ru")[1:] == ("ru", False)


def test_a_lone_word_is_read_in_the_language_that_knows_it() -> None:
    assert guess("headache", prior="ar") == ("en", "ar", False)  # "i" and "headache": read in English


def test_one_word_in_another_script_is_enough() -> None:
    assert guess("نعم", prior="en")[1:] == ("ar", True)
    assert guess("да", prior="en")[1:] == ("ru", True)


def test_scripts_and_variants() -> None:
    assert dominant_script(normalise("عندي headache")) == "Arab"
    assert dominant_script("123 !!") is None
    assert script_of("ar-Latn") == "Latn" and script_of("ar") == "Arab" and script_of("en") == "Latn"
    assert base_language("ar-Latn") == "ar" and base_language("ru") == "ru"
    assert dominant_script(normalise("ammakku നെഞ്ചുവേദന")) == "Mlym"
    assert script_of("ml") == "Mlym" and script_of("ml-Latn") == "Latn" and base_language("ml-Latn") == "ml"


def test_malayalam_chillu_as_older_keyboards_type_it() -> None:
    """A consonant, a virama and a zero-width joiner ("ന്\u200d") is the chillu letter ("ൻ"), one word."""
    assert normalise("അച്ഛന്\u200d വീണു") == normalise("അച്ഛൻ വീണു") == "അച്ഛൻ വീണു"
    assert normalise("അവള്\u200d") == "അവൾ"
