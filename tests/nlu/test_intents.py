"""Global commands: whole short messages, close spellings, and commands that lead a sentence."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("help", "help"),
        ("helpp", "help"),
        ("HELP!!!", "help"),
        ("menu", "help"),
        ("what can you do?", "help"),
        ("start over please", "start-over"),
        ("reset", "start-over"),
        ("who are you", "about"),
        ("delete my data", "delete-data"),
        ("please forget me", "delete-data"),
        ("erase all my data", "delete-data"),
        ("change language", "language"),
        ("arabic please", "language-ar"),
        ("по-русски", "language-ru"),
        ("English please", "language-en"),
        ("remind me at 10pm every night", "remind"),
        ("set a reminder for 9pm", "remind"),
        ("can you remind me tomorrow at 7am", "remind"),
        ("how do I set a reminder", "remind"),
        ("my reminders", "reminders-list"),
        ("show my reminders", "reminders-list"),
        ("stop reminders", "reminders-stop"),
        ("no more reminders please", "reminders-stop"),
        ("I want to book an appointment", "book"),
        ("can I talk to a doctor", "book"),
        ("I'd like to see a doctor", "book"),
        ("book a session for tomorrow", "book"),
        ("clinic", "clinic"),
        ("clinic address", "clinic"),
        ("what's your phone number", "clinic"),
        ("where are you", "clinic"),
        ("stop", "stop"),
        ("please stop", "stop"),
        ("pause", "pause"),
        ("hold on", "pause"),
        ("resume", "resume"),
        ("continue", "resume"),
        ("too painful", "too-painful"),
        ("it hurts too much", "too-painful"),
        ("ouch!!", "too-painful"),
        ("better", "better"),
        ("much better thanks", "better"),
        ("same", "same"),
        ("no change", "same"),
        ("worse", "worse"),
        ("it got worse", "worse"),
        ("yes", "yes"),
        ("yep", "yes"),
        ("yeah sure", "yes"),
        ("👍", "yes"),
        ("no", "no"),
        ("nope", "no"),
        ("no thanks", "no"),
        ("ready", "ready"),
        ("I'm ready", "ready"),
        ("let's go", "ready"),
        ("hi", "greeting"),
        ("hello", "greeting"),
        ("good morning", "greeting"),
        ("salam", "greeting"),
        ("thank you", "thanks"),
        ("thanks!", "thanks"),
        ("shukran", "thanks"),
        ("skip", "skip"),
        ("next", "skip"),
        ("snooze", "snooze"),
        ("not now", "snooze"),
        ("remind me later", "snooze"),
        ("hi, I need help", "help"),
    ],
)
def test_intents(matcher: Matcher, text: str, intent: str) -> None:
    assert matcher.understand(text).intent == intent


@pytest.mark.parametrize(
    "text",
    [
        "I can't stop thinking about work",
        "the pain won't stop in my back",
        "I stopped taking my meds",
        "I need to stop eating junk food because of my bloating",
        "help me sleep",
        "I'm not sleeping well",
        "what time is it",
        "qwerty",
    ],
)
def test_sentences_are_not_commands(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).intent is None


@pytest.mark.parametrize("text", ["hi I have a headache", "thanks, my back hurts", "hello, what is reflexology"])
def test_greeting_gives_way_to_content(matcher: Matcher, text: str) -> None:
    u = matcher.understand(text)
    assert u.intent is None
    assert u.symptoms or u.faq


def test_answer_and_symptom_together(matcher: Matcher) -> None:
    u = matcher.understand("yes, I have a headache")
    assert u.intent == "yes"
    assert [s.id for s in u.symptoms] == ["headache"]


def test_reminder_with_time(matcher: Matcher) -> None:
    u = matcher.understand("remind me at 10pm every night")
    assert u.intent == "remind"
    assert u.when is not None and (u.when.daily, u.when.hour, u.when.minute) == (True, 22, 0)


# Roman Hindi / Urdu and Tagalog (content/text/hi-Latn/intents.toml, tl/intents.toml): answers and commands typed
# in the languages the conversation is offered in English to
@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("haan", "yes"),
        ("nahi", "no"),
        ("nahi chahiye", "no"),
        ("shukriya", "thanks"),
        ("mujhe roz raat 10 baje remind karna", "remind"),
        ("raat 10 baje yaad dila dena", "remind"),
        ("thoda ruko", "pause"),
        ("oo", "yes"),
        ("opo", "yes"),
        ("salamat po", "thanks"),
        ("tama na", "stop"),
        ("paalalahanan mo ako mamayang 10pm", "remind"),
        ("gumaan ang pakiramdam ko", "better"),
    ],
)
def test_intents_in_roman_hindi_and_tagalog(matcher: Matcher, text: str, intent: str) -> None:
    assert matcher.understand(text).intent == intent


@pytest.mark.parametrize(
    ("text", "lang", "intent"),
    [("hindi po", "tl", "no"), ("masakit po", "tl", "too-painful"), ("ji haan", "hi", "yes"), ("hindi", "en", None)],
)
def test_short_answers_whose_words_english_shares(matcher: Matcher, text: str, lang: str, intent: str | None) -> None:
    """ "hindi po": "hindi" is an English word too, but only Tagalog holds both words."""
    understood = matcher.understand(text)
    assert (understood.lang, understood.intent) == (lang, intent)
