"""Typo correction as people type on a phone: text-speak with the vowels left out or the final "g"
dropped, and the misspellings content lists read as the words they stand for; real words stay."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher
from bot.nlu.normalise import normalise
from bot.nlu.spelling import skeleton


def words(matcher: Matcher, text: str, lang: str = "en") -> list[str]:
    return [token.word for token in matcher.lexicon.language(lang).analyse(normalise(text))]


def test_the_skeleton_keeps_the_first_letter_and_the_consonants() -> None:
    assert (skeleton("worst"), skeleton("ever"), skeleton("throat")) == ("wrst", "evr", "thrt")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("wrst", "worst"),
        ("evr", "ever"),
        ("thrt", "throat"),
        ("myslf", "myself"),
        ("fingrs", "fingers"),
        ("opn", "open"),
        ("watr", "water"),
        ("bleedin", "bleeding"),
        ("hedache", "headache"),  # a misspelling content lists, read as the word it misspells
        ("bloted", "bloated"),
        ("contracshns", "contractions"),  # "-tion" as it sounds
        ("constipashun", "constipation"),
        ("tenshun", "tension"),  # "-sion" as it sounds
    ],
)
def test_text_speak_reads_as_the_word(matcher: Matcher, typed: str, meant: str) -> None:
    assert words(matcher, f"my {typed}")[-1] == meant


@pytest.mark.parametrize(
    "real",
    ["mins", "hrs", "aching", "drooping", "pooped", "spitting", "writing", "exit", "shot"],
)
def test_real_words_and_abbreviations_stay(matcher: Matcher, real: str) -> None:
    assert words(matcher, f"my {real}")[-1] == real


def test_russian_and_arabic_words_are_never_respelled(matcher: Matcher) -> None:
    assert words(matcher, "шевеления малыша", "ru")[-1] == "малыша"  # genitive, not "малышка"


@pytest.mark.parametrize(
    "text",
    [
        "wrst hedache evr jus started outta nowhere",
        "cut myslf agen an now its gapin open n i cnt stop the bleedin",
        "tuk 2 mny adol n sum of my sleep meds cnt keep eyes opn",
        "thrt swellin aftr sea food cnt swalow feel faint",
        "31 wks n havin contracshns evry few mins, is ther a presure point 2 stop it",
    ],
)
def test_emergencies_in_text_speak(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is not None


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("beeding", "bleeding"),  # a letter left out before one typed wrong: not "bending"
        ("suiidal", "suicidal"),  # nor the misspelling "sucidal"
        ("pinful", "painful"),  # short words: a letter left out inside, when one lexicon word lacks it
        ("ashma", "asthma"),
        ("tabets", "tablets"),
        ("cramsp", "cramps"),  # two letters swapped
    ],
)
def test_the_commonest_slips_read_as_the_word(matcher: Matcher, typed: str, meant: str) -> None:
    assert words(matcher, f"my {typed}")[-1] == meant


@pytest.mark.parametrize("real", ["cases", "scare", "liked", "papers", "tables", "curse", "widow", "paying"])
def test_a_real_word_a_letter_short_of_another_stays(matcher: Matcher, real: str) -> None:
    """pyspellchecker's English list says these are words: "cases" is not "causes", "tables" not "tablets"."""
    assert words(matcher, f"my {real}")[-1] == real


def test_no_letter_is_put_back_where_a_language_has_no_list_of_its_words(matcher: Matcher) -> None:
    assert words(matcher, "ang pinful", "tl")[-1] == "pinful"


@pytest.mark.parametrize(
    "text",
    [
        "im 34 weeks and baby hasnt moved all day, no kiks at all",
        "my testicle is suddenly very pinful and swollen, started an hour ago",
        "my ashma is really bad, can only say a few words",
        "my 3 year old ate some of grandma's blood pressure tabets",
        "cant stop the beeding from my leg, its pumping out",
    ],
)
def test_emergencies_with_a_slip_in_the_key_word(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is not None


@pytest.mark.parametrize(
    "text",
    [
        "had a clot in my leg 2 years ago, all cases like mine are treated now",
        "i had a heart attack scare but the ecg was normal",
        "garmi mein stroke ke bahut cases aate hai",
    ],
)
def test_real_words_near_red_flag_words_stay_calm(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None
