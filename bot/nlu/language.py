"""Which language a text is written in, among the content's languages, and which one to answer in.

In order of trust:
1. the script: Cyrillic is Russian, Devanagari Hindi, Malayalam letters Malayalam; Arabic script is Arabic,
   or Urdu when it has the letters only Urdu uses (ٹ ڈ ڑ ں ے ھ), or when Urdu knows more of its words than
   Arabic and the detector (lingua, restricted to the languages of Arabic script) is sure;
2. for Latin letters, the words: how many of the text's words each Latin-script language knows (English,
   Arabizi "ar-Latn", Roman Hindi/Urdu "hi-Latn", Tagalog...), with Arabic digits inside words ("3ndi",
   "inti5a5") counting for Arabizi; lingua (restricted to English and Tagalog) breaks a tie on a text of
   three words or more;
3. too little to tell ("ok", "2", an emoji, one Latin word): the language the conversation is already in
   is kept for the answer (a lone "headache" is still read in English).
A script variant answers in its base language ("ar-Latn" in Arabic); a language with only some messages
(Tagalog) answers what it has in that language and the rest in English.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

# "3ndi", "inti5a5", "7ar": a digit as a letter, in a word of two letters or more that is not a number
# with a unit ("31m", "10pm", "5mins", "2nd")
ARABIZI_DIGITS = re.compile(r"(?=[a-z0-9]*[a-z][a-z0-9]*[a-z])[a-z0-9]*[2356789][a-z0-9]*")
NUMBER_WITH_UNIT = re.compile(
    r"\d+(?:am|pm|m|min|mins|h|hr|hrs|st|nd|rd|th|kg|g|mg|ml|l|cm|km|mm|x|k|s|d|w|y|yr|yrs|wk|wks|mo|lb|lbs"
    r"|oz|ft|mph|kmh|gb|mb|sec|secs|days|weeks|years)|[a-z]+\d{2,}"
)
URDU_LETTERS = frozenset("ٹڈڑںےھۓ")
MIN_WORDS_FOR_DETECTOR = 3
MIN_NATIVE_LETTERS = 2  # letters of a non-Latin script that make it the text's script
MIN_SURE_SCORE = 2  # Latin letters: two known words (or one Arabizi word) before switching languages
SURE = 0.8  # lingua's confidence that settles Arabic against Urdu or English against Tagalog

_SCRIPTS = (
    ("Arab", re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")),
    ("Cyrl", re.compile(r"[\u0400-\u04ff]")),
    ("Deva", re.compile(r"[\u0900-\u097f]")),
    ("Mlym", re.compile(r"[\u0d00-\u0d7f]")),
    ("Latn", re.compile(r"[a-z]")),
)
_SCRIPT_NAMES = frozenset(name for name, _ in _SCRIPTS)
# The script a language is written in, unless its code says ("ar-Latn").
_NATIVE_SCRIPT = {"ar": "Arab", "ur": "Arab", "fa": "Arab", "ru": "Cyrl", "hi": "Deva", "ml": "Mlym"}


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The language a text is read in, the one to answer in, and whether the text said enough to tell."""

    read_as: str  # a content language: "ar-Latn" for Arabizi
    answer_in: str  # "ar" for Arabizi
    sure: bool


def script_of(lang: str) -> str:
    """The script a content language is written in: "ar-Latn" -> "Latn", "ar" -> "Arab", "en" -> "Latn"."""
    _, _, variant = lang.partition("-")
    return variant if variant in _SCRIPT_NAMES else _NATIVE_SCRIPT.get(lang, "Latn")


def base_language(lang: str) -> str:
    """The language a variant answers in: "ar-Latn" -> "ar"."""
    return lang.partition("-")[0]


def scripts_in(text: str) -> dict[str, int]:
    """How many letters of a (normalised) text each script we read has, for the scripts it uses."""
    counts = {name: len(pattern.findall(text)) for name, pattern in _SCRIPTS}
    return {name: count for name, count in counts.items() if count}


def dominant_script(text: str) -> str | None:
    """The script a text is written in (None when it has no letters we read). A word in Arabic, Cyrillic,
    Devanagari or Malayalam letters outweighs Latin ones: "عندي headache" is an Arabic speaker mixing English in."""
    counts = scripts_in(text)
    native = {name: count for name, count in counts.items() if name != "Latn" and count >= MIN_NATIVE_LETTERS}
    pool = native or counts
    return max(pool, key=lambda name: pool[name]) if pool else None


@functools.cache
def _detector(codes: tuple[str, ...]) -> LanguageDetector | None:
    """A lingua detector restricted to these ISO 639-1 codes (None when fewer than two are known to it)."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = []
    for code in codes:
        try:
            languages.append(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())))
        except (AttributeError, ValueError):
            continue
    if len(languages) < 2:
        return None
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def _lingua_pick(text: str, codes: tuple[str, ...]) -> str | None:
    """The language lingua is sure of among `codes`, if any."""
    detector = _detector(tuple(sorted(codes)))
    if detector is None:
        return None
    values = detector.compute_language_confidence_values(text)
    if not values or values[0].value < SURE:
        return None
    found = values[0].language.iso_code_639_1.name.lower()
    return found if found in codes else None


def guess_language(
    text: str,
    vocabularies: Mapping[str, frozenset[str]],
    prior: str | None = None,
    whole: Mapping[str, frozenset[str]] | None = None,
) -> LanguageGuess:
    """The language of a normalised text among the languages of `vocabularies` (their known words; for a Latin
    language other than English, without the English words its lists hold too, which are in `whole`)."""
    languages = tuple(vocabularies)
    fallback = prior if prior in languages else ("en" if "en" in languages else languages[0])
    script = dominant_script(text)
    candidates = tuple(lang for lang in languages if script_of(lang) == script)
    if not candidates:
        return LanguageGuess(fallback, base_language(fallback), False)
    if len(candidates) == 1 and script != "Latn":
        return _sure(candidates[0])
    words = text.split()
    if script == "Arab":
        if URDU_LETTERS & set(text) and "ur" in candidates:
            return _sure("ur")
        # without Urdu's own letters, Urdu only when its words outnumber Arabic's: lingua alone takes short
        # Gulf texts ("ما اقدر انام") for Urdu once the normaliser has folded the letters apart
        known = {lang: sum(1 for word in words if word in vocabularies[lang]) for lang in candidates}
        if "ur" in candidates and "ar" in candidates and known["ur"] <= known["ar"]:
            return _sure("ar")
        picked = _lingua_pick(text, candidates) if len(words) >= MIN_WORDS_FOR_DETECTOR else None
        return _sure(picked or ("ar" if "ar" in candidates else candidates[0]))
    scores = {lang: sum(1 for word in words if word in vocabularies[lang]) for lang in candidates}
    arabizi = next((lang for lang in candidates if base_language(lang) == "ar"), None)
    if arabizi is not None:
        scores[arabizi] += 2 * sum(
            1 for word in words if ARABIZI_DIGITS.fullmatch(word) and not NUMBER_WITH_UNIT.fullmatch(word)
        )
    best = max(scores.values())
    leaders = [lang for lang in candidates if scores[lang] == best]
    if best == 0:
        return LanguageGuess(fallback, base_language(fallback), False)
    if len(leaders) == 1 and best >= MIN_SURE_SCORE:
        return _sure(leaders[0])
    others = [lang for lang in leaders if lang != "en"]
    if "en" in leaders and len(others) == 1 and best >= MIN_SURE_SCORE:
        # as many words of its own as English ones (its list holds no English word): English mixed into it,
        # "news me dekha ek aadmi ko stroke aaya", read with its words for news, history and negation
        return _sure(others[0])
    if "en" in leaders and whole is not None and len(words) >= MIN_SURE_SCORE:
        # a text all of whose words one other language holds, one of them its own: "hindi po" (Tagalog's polite
        # "no"; "hindi" is an English word too, and "po" a Russian one in Latin letters)
        holders = [lang for lang in others if all(word in whole[lang] for word in words if not word.isdigit())]
        if len(holders) == 1:
            return _sure(holders[0])
    native = tuple(lang for lang in leaders if "-" not in lang)
    picked = _lingua_pick(text, native) if len(words) >= MIN_WORDS_FOR_DETECTOR and len(native) > 1 else None
    if picked is not None:
        return _sure(picked)
    # a word or two ("help", "headache"): read in the language that knows them, answered as before
    choice = fallback if fallback in leaders else ("en" if "en" in leaders else leaders[0])
    return LanguageGuess(choice, base_language(fallback), False)


def _sure(lang: str) -> LanguageGuess:
    return LanguageGuess(lang, base_language(lang), True)
