"""Emergencies in the languages of Dubai, detected without being told the language: Arabic (Gulf and
MSA), Arabizi, Russian, Hindi/Urdu (both scripts and Roman), Tagalog, Malayalam (Manglish and its own
script) and mixed messages; each set was written by a native-language helper with the calm look-alikes
beside them (tests/nlu/red_flags_<x>.jsonl)."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher
from tests.nlu.sets import expecting, read_sets

SETS = (
    "red_flags_ar.jsonl",
    "red_flags_ar_latn.jsonl",
    "red_flags_ru.jsonl",
    "red_flags_south.jsonl",
    "red_flags_ru_latn.jsonl",
    "red_flags_ninth_ar_ru.jsonl",  # a ninth blind round: Gulf/Egyptian/Levantine Arabic, Russian, translit
    "red_flags_south_15.jsonl",  # a fifteenth blind round: Hindi/Urdu (both scripts, Roman), Tagalog, mixed
    "red_flags_south_16.jsonl",  # a sixteenth blind round: Hindi/Urdu (both scripts, Roman), Tagalog, mixed
    "red_flags_south_17.jsonl",  # a seventeenth blind round: Hindi/Urdu (both scripts, Roman), Tagalog, mixed
    "red_flags_south_18.jsonl",  # an eighteenth blind round: Hindi/Urdu (both scripts, Roman), Tagalog, mixed
    "red_flags_south_19.jsonl",  # a nineteenth blind round: children, the elderly, pregnancy and after a birth
    "red_flags_south_20.jsonl",  # a twentieth blind round: children, the elderly, workers, pregnancy, overdoses
    "red_flags_south_21.jsonl",  # a twenty-first blind round: bites and stings, unanswering elders, screen stories
    "red_flags_south_22.jsonl",  # a twenty-second blind round: fragments, signs after denials, news, "what if"
    "red_flags_south_23.jsonl",  # a twenty-third blind round: very high blood pressure, the heart gripped, news, TV
    "red_flags_south_24.jsonl",  # a twenty-fourth blind round: the belly, urine held, a cold limb, a bone out
    "red_flags_south_25.jsonl",  # a twenty-fifth blind round: voice-typed, long stories, emoji, a denial then a sign
    "red_flags_south26.jsonl",  # round 26 (south): 'par' as Urdu 'parna', Tagalog speech and bleeding, Taglish signs
    "red_flags_south_27.jsonl",  # blind round 27 (south): English head words in Hindi/Urdu, 'nahin uth raha', cases
    "red_flags_south_28.jsonl",  # blind round 28 (south): maids, drivers, roommates; Malayalam/Bengali mixes xfail
    "red_flags_south_28m.jsonl",  # round 28 mending: Taglish/Hinglish read as English, a heart attack nearly had
    "red_flags_south_29.jsonl",  # blind round 29 (south): kerosene 'tail', Nepali mixes, staff and school talk
    "red_flags_south_29m.jsonl",  # round 29 mending: 'kinombulsyon', a sight's heart attack ahead, suicide campaigns
    "red_flags_ml_29.jsonl",  # round 29 (ml): Malayalam in Latin letters (Manglish), a new language; written first
    "red_flags_ml_29m.jsonl",  # round 29 mending: other Manglish spellings and forms of each sign, calm look-alikes
    "red_flags_south_30.jsonl",  # blind round 30 (south): Bengali and Nepali mixes, laundry powder, 'kaam ka overdose'
    "red_flags_south_30m.jsonl",  # round 30 mending: Bengali/Nepali chest, self-harm, pills; signs asked in general
    "red_flags_south_31.jsonl",  # blind round 31 (south): drowning, Bengali fits, Tamil 'nenju vali', ward talk
    "red_flags_south_31m.jsonl",  # round 31 mending: drowned in four languages, a plan told, documentaries, stairs
    "red_flags_south_32.jsonl",  # blind round 32 (south): signs asked then told now, a maid beaten, Nepali poison
    "red_flags_south_32m.jsonl",  # round 32 mending: a month 'chal raha', threats told of others, match idioms, shifts
    "red_flags_south_33.jsonl",  # blind round 33 (south): site falls, Tamil pesticide, Nepali 'ragat', nurses' wards
    "red_flags_south_33m.jsonl",  # round 33 mending: heights fallen from, 'N mahine mein', 'saans rok di', film praise
    "red_flags_south_34.jsonl",  # blind round 34 (south): Tamil breath/fainting/self-harm, Nepali, month in words
    "red_flags_south_34m.jsonl",  # round 34 mending: Tamil, Nepali wish to die, 'ho jaye to', 'ang dami kong'
    "red_flags_south_35.jsonl",  # blind round 35 (south): ml/Tamil head blows, Tamil 'valippu', office hyperbole
    "red_flags_south_35m.jsonl",  # round 35 mending: 'thala idichu'/'thalaila adi', fits, 'email dekh ke', 'ano yung'
)
CASES = read_sets(SETS)


@pytest.mark.parametrize("case", expecting(CASES, "red", 40))
def test_emergency_in_any_language(matcher: Matcher, case: dict[str, str]) -> None:
    u = matcher.understand(case["text"])
    assert u.red_flag is not None and u.points == ()


@pytest.mark.parametrize("case", expecting(CASES, "not-red", 40))
def test_no_false_alarm_in_any_language(matcher: Matcher, case: dict[str, str]) -> None:
    assert matcher.understand(case["text"]).red_flag is None


@pytest.mark.parametrize(
    ("text", "lang", "symptom"),
    [
        ("عندي انتفاخ", "ar", "bloating"),
        ("راسي يوجعني", "ar", "headache"),
        ("3ndi sda3", "ar", "headache"),
        ("у меня болит голова", "ru", "headache"),
        ("не могу уснуть", "ru", "insomnia"),
        ("меня пучит", "ru", "bloating"),
    ],
)
def test_symptoms_in_arabic_and_russian(matcher: Matcher, text: str, lang: str, symptom: str) -> None:
    u = matcher.understand(text)
    assert u.lang == lang and symptom in [s.id for s in u.symptoms[:3]]


def test_crisis_words_in_arabic_and_russian(matcher: Matcher) -> None:
    assert matcher.understand("أفكر في الانتحار").red_flag == "self-harm"
    assert matcher.understand("не хочу жить").red_flag_kind == "self-harm"


def test_contrast_word_inside_a_phrase(matcher: Matcher) -> None:
    """A contrast word a phrase holds ("par", Urdu 'parna', also "but") opens no clause inside that phrase,
    and still opens one elsewhere."""
    assert matcher.understand("beti ko daure par rahe hain").red_flag == "fainting"
    assert matcher.understand("papa daure par hain").red_flag is None
    assert matcher.understand("sar dard nahi par seene mein dard").red_flag == "chest-pain"
    assert matcher.understand("seene mein dard nahi par sar dard hai").red_flag is None
