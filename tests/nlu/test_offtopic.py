"""Off-topic texts match nothing; no string, however strange, makes the matcher raise."""

from __future__ import annotations

import random
import string

import pytest

from bot.nlu import Matcher
from bot.nlu.language import base_language
from bot.nlu.normalise import MATCH_LIMIT


@pytest.mark.parametrize(
    "text",
    [
        "hi",
        "good morning",
        "thank you",
        "what time is it",
        "qwerty",
        "asdfgh",
        "👍",
        "?",
        "...",
        "lol",
        "why did the chicken cross the road",
        "tell me a joke",
        "what's the weather like today",
        "I like pizza",
        "my cat is cute",
        "who won the football game",
        "I tried everything",
        "the car tires are flat",
        "there is a strike today",
        "I have stuff to do",
        "the sinks are dirty",
        "I walked my dog",
        "I'm going to the gym",
        "the bus was late",
        "banana",
        "I'm bored",
        "I was cooking dinner",
        "I'm walking to work",
        "good night",
        "ok",
        "",
    ],
)
def test_off_topic_matches_nothing(matcher: Matcher, text: str) -> None:
    u = matcher.understand(text)
    assert u.red_flag is None
    assert u.symptoms == () and u.maybe == ()
    assert u.points == () and u.zones == ()


def _junk() -> list[str]:
    rnd = random.Random(7)
    alphabet = string.printable + "éüßçøåñ中文日本語한국어العربيةעברית😀👍🏽‍♀️\u200d\u200f\u202e\ufeff\x00\x1b"
    texts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 300))) for _ in range(60)]
    return [
        *texts,
        "",
        " ",
        "\n",
        "\x00" * 50,
        "👍" * 1000,
        "a" * 20000,
        "ab " * 7000,
        "chest pain " * 2000,
        "\u202eniap tsehc",
        "ﻣﺮﺣﺒﺎ",
        "\ud800 lone surrogate",
        "٣٠ دقيقة",
        "in 99999999999999999999 minutes",
        "at 99999999999999999999",
        "1" * 5000,
        "::::" * 500,
        "no " * 5000,
        "'" * 3000,
    ]


@pytest.mark.parametrize("text", _junk())
def test_never_raises(matcher: Matcher, text: str) -> None:
    u = matcher.understand(text)
    assert u.lang in {base_language(code) for code in matcher.content.languages}  # junk may look Arabic
    assert isinstance(u.text, str) and len(u.text) <= 520


def test_huge_input_is_read_within_bounds(matcher: Matcher) -> None:
    # Work is bounded by characters read, not by what is sent: symptoms on the first MATCH_LIMIT
    # characters, red flags on the first SCAN_LIMIT (speed: benchmarks/bench_match.py, "huge").
    story = "I have a headache and " * 1000
    understood = matcher.understand(story + "chest pain")
    assert len(understood.text) <= MATCH_LIMIT and understood.red_flag is None  # past the scan limit
    assert matcher.understand("I have a headache and " * 50 + "chest pain").red_flag == "chest-pain"
    noise = matcher.understand("".join(random.Random(3).choices("abcdefgh ", k=20000)))
    assert noise.symptoms == () and noise.red_flag is None


def test_detect_language(matcher: Matcher) -> None:
    assert matcher.detect_language("I feel bloated").answer_in == "en"
    assert matcher.detect_language("ok", prior="en").sure is False
    assert matcher.understand("headache", "xx").lang == "en"
