"""FAQ answers fit their questions: phrasings (many not written in faq.toml) reach the right FAQ."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher
from content.model import Content

ANSWER_LIMIT = 420  # characters: an answer should fit a phone screen


@pytest.fixture(scope="module")
def matcher(content: Content) -> Matcher:
    """The matcher over the shipped content."""
    return Matcher(content)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # how often (the answer covers frequency and pressure together)
        ("how often should I do this", "pressure-and-frequency"),
        ("How many times a day?", "pressure-and-frequency"),
        ("how many times a day should i do this massage", "pressure-and-frequency"),
        ("how often can I press these points", "pressure-and-frequency"),
        ("is it ok to do it every day", "pressure-and-frequency"),
        ("how ofen should i do it", "pressure-and-frequency"),
        ("how much should I press", "pressure-and-frequency"),
        # how long a session takes
        ("how long does a session take", "session-length"),
        ("how long is it", "session-length"),
        ("how long will the session take?", "session-length"),
        ("how many minutes does one session last", "session-length"),
        ("how much time do I need for this", "session-length"),
        ("how long should I press each point", "session-length"),
        # who are you
        ("who are you", "about-bot"),
        ("what are you?", "about-bot"),
        ("are you a bot", "about-bot"),
        ("am I talking to a real person or a bot", "about-bot"),
        ("are you an AI", "about-bot"),
        ("hi, who is this?", "about-bot"),
        # opening hours
        ("opening hours", "opening-hours"),
        ("when are you open", "opening-hours"),
        ("what time does the clinic open", "opening-hours"),
        ("what time do you close today", "opening-hours"),
        ("is the clinic open on friday", "opening-hours"),
        ("what are your working hours", "opening-hours"),
        # cost
        ("how much does it cost", "cost"),
        ("price", "cost"),
        ("is it free", "cost"),
        ("how much do you charge for reflexology", "cost"),
        ("do I have to pay for this bot", "cost"),
        ("what are your prices?", "cost"),
        # children
        ("can I do this on my child", "children"),
        ("is it safe for kids", "children"),
        ("my son is 5 can he", "children"),
        ("is reflexology ok for children?", "children"),
        ("can I do acupressure on my daughter", "children"),
        ("my daughter is 8, can I press her feet", "children"),
        # not a doctor
        ("are you a doctor", "not-a-doctor"),
        ("is this medical advice", "not-a-doctor"),
        ("can you diagnose me", "not-a-doctor"),
        ("can you diagnose what I have", "not-a-doctor"),
        ("are you a real doctor or what", "not-a-doctor"),
        ("can this replace my doctor?", "not-a-doctor"),
        # earlier questions still route where they did
        ("how hard should I press", "pressure-and-frequency"),
        ("how often should I do it", "pressure-and-frequency"),
        ("is it safe during pregnancy", "pregnancy"),
        ("who shouldn't do reflexology", "who-should-not"),
        ("is it safe", "who-should-not"),
        ("do you do cupping", "clinic-services"),
        ("what is reflexology", "what-is-reflexology"),
        ("does reflexology actually work", "does-it-work"),
        ("when is the best time to do it", "best-time"),
    ],
)
def test_question_reaches_its_faq(matcher: Matcher, text: str, expected: str) -> None:
    assert matcher.understand(text).faq == expected


@pytest.mark.parametrize(
    "text",
    [
        "I feel bloated",
        "can't sleep",
        "headache",
        "my heel hurts",
        "what time is it",
        "hi",
        "I have period pain",
        "so tired lately",
    ],
)
def test_symptoms_are_not_questions(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).faq is None


def test_answers_are_short_and_sourced(content: Content) -> None:
    for faq in content.faqs.values():
        assert faq.sources, faq.id
        for lang, answer in faq.answer.items():
            assert len(answer) <= ANSWER_LIMIT, (faq.id, lang, len(answer))


@pytest.mark.parametrize("faq_id", ["about-bot", "not-a-doctor", "children"])
def test_answers_never_diagnose_or_promise(content: Content, faq_id: str) -> None:
    answer = content.faqs[faq_id].answer["en"].lower()
    assert "doctor" in answer
    assert "cure" not in answer.replace("not a cure", "")


def test_opening_hours_point_to_the_clinic_contacts(content: Content) -> None:
    assert '"clinic"' in content.faqs["opening-hours"].answer["en"]
    assert "free" in content.faqs["cost"].answer["en"]
