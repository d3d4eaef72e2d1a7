""" "My data" in the pure engine: the words that ask for it (every language), the GatherData it gives, and
the summary DataGathered gives, in the person's language, with the file named."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.engine import DataGathered, GatherData, Kept, KeptBooking, Knowledge, Reply, TextReceived
from bot.engine import state as S
from bot.engine.documents import CalendarFile, DataFile, parse_document
from bot.engine.state import Feedback
from tests.conftest import T0
from tests.engine.helpers import answer_all
from tests.flow import Flow

BOOKED = KeptBooking("RB-AB12-1", T0.isoformat(), "dhcc", "contacted", "2026-11-25T06:00:00+00:00")


def _lived(flow: Flow) -> None:
    """Safety answers, a session's feedback, a reminder: what the person has done."""
    flow.say("I feel bloated")
    flow.tap("start:KI1")
    answer_all(flow)
    flow.control("stop")
    flow.say("remind me at 10pm every night")


def _kept() -> Kept:
    return Kept((Feedback("KI1", "better", T0.isoformat()), Feedback("zone:arch", "worse", T0.isoformat())), (BOOKED,))


def _plain(text: str) -> str:
    return text.replace("\u2066", "").replace("\u2069", "")


@pytest.mark.parametrize(
    "typed",
    [
        "my data",
        "My data please",
        "what do you know about me",
        "export my data",
        "download my data",
        "can you send me my data",
        "بياناتي",
        "وش تعرف عني",
        "ارسل لي بياناتي",
        "мои данные",
        "что вы знаете обо мне",
        "покажи мои данные",
        "bayanati",
    ],
)
def test_the_words_that_ask_for_it(flow: Flow, typed: str) -> None:
    flow.say("hi")
    assert flow.say(typed) == [] and flow.last == (GatherData(),), "the runtime reads the store first"


@pytest.mark.parametrize("typed", ["what do you keep about me", "privacy", "delete my data", "who sees my data"])
def test_words_that_are_not_it(flow: Flow, typed: str) -> None:
    flow.say("hi")
    flow.say(typed)
    assert GatherData() not in flow.last


def test_the_summary_in_english(flow: Flow, kb: Knowledge) -> None:
    _lived(flow)
    (reply,) = flow.send(DataGathered(_kept()))
    text = reply.text
    assert text.startswith("Here is what I keep about you. Language: English. Time zone: Asia/Dubai.")
    assert "• not pregnant (answered Nov 21, 2026)" in text and "• blood pressure not high" in text
    assert "Reminders (Asia/Dubai time):\n• every night at 22:00" in text
    assert "Arch, felt worse after it" in text and "KI1 Yongquan (Bubbling Spring), felt better after it" in text
    assert text.index("Arch") < text.index("KI1 Yongquan"), "latest first"
    assert (
        "RB-AB12-1 at DHCC Branch" in text
        and ": the clinic has been in touch (appointment Nov 25, 2026 at 10:00)" in text
    )
    assert text.endswith("is in the file reflexbot-my-data-2026-11-21.json.")
    assert reply.choices, "the menu follows"


def test_the_summary_in_arabic(flow: Flow, kb: Knowledge) -> None:
    flow.say("عندي انتفاخ")
    assert flow.state.lang == "ar"
    flow.tap(f"start:{flow.state.offered[0]}")
    answer_all(flow)
    flow.control("stop")
    flow.say("ذكرني الساعة ١٠ بالليل كل يوم")
    flow.say("بياناتي")
    (reply,) = flow.send(DataGathered(_kept()))
    text = _plain(reply.text)
    for message_id in ("my-data.safety", "my-data.reminders", "my-data.sessions", "my-data.bookings"):
        heading = kb.content.message("ar", message_id, tz="Asia/Dubai")
        assert heading in text, message_id
    assert "اللغة: العربية" in text and "لا حمل (أجبت في" in text
    assert "كل ليلة الساعة 22:00" in text
    assert kb.content.message("ar", "my-data.status.contacted") in text and "RB-AB12-1" in text
    assert "reflexbot-my-data-2026-11-21.json" in text
    assert "\u2066RB-AB12-1\u2069" in reply.text, "Latin runs isolated in Arabic"


def test_the_summary_in_russian(flow: Flow, kb: Knowledge) -> None:
    flow.say("у меня вздутие")
    assert flow.state.lang == "ru"
    flow.tap(f"start:{flow.state.offered[0]}")
    answer_all(flow)
    flow.control("stop")
    flow.say("напоминай мне каждый вечер в 22:00")
    flow.say("мои данные")
    (reply,) = flow.send(DataGathered(_kept()))
    text = reply.text
    assert text.startswith("Вот что я храню о вас. Язык: Русский.")
    assert "• беременности нет (ответ от 21 нояб. 2026\u202fг.)" in text
    assert "• каждый вечер в 22:00" in text
    assert "после этого — лучше" in text and "RB-AB12-1, Филиал в Dubai Healthcare City (DHCC)" in text
    assert "клиника связалась с вами (приём 25 нояб. 2026\u202fг. в 10:00)" in text


def test_nothing_kept_yet_says_so(flow: Flow) -> None:
    flow.say("hi")
    (reply,) = flow.send(DataGathered(Kept()))
    assert "Nothing else yet" in reply.text and "reflexbot-my-data-2026-11-21.json" in reply.text


def test_the_file_is_named_by_the_instant_in_the_persons_zone(flow: Flow) -> None:
    flow.now = datetime(2026, 11, 21, 21, 30, tzinfo=UTC)  # already the 22nd in Dubai (01:30)
    flow.say("hi")
    (reply,) = flow.send(DataGathered(Kept()))
    assert reply.document is not None
    document = parse_document(reply.document)
    assert isinstance(document, DataFile)
    assert document.at == flow.now and document.at.utcoffset() == timedelta(hours=4)
    assert document.file_name == "reflexbot-my-data-2026-11-22.json"


def test_more_than_five_sessions_are_counted_not_listed(flow: Flow) -> None:
    flow.say("hi")
    sessions = tuple(Feedback("KI1", "same", (T0 + timedelta(days=d)).isoformat()) for d in range(8))
    (reply,) = flow.send(DataGathered(Kept(sessions)))
    assert reply.text.count("KI1 Yongquan") == 5 and "• and 3 more, in the file" in reply.text


def test_asked_while_a_question_waits_the_question_comes_again_after(flow: Flow) -> None:
    flow.say("book")
    assert flow.state.state == S.BOOKING_BRANCH
    flow.say("my data")
    assert flow.last == (GatherData(),), "no question yet: it comes after the summary"
    summary, question = flow.send(DataGathered(Kept()))
    assert summary.choices == () and "Here is what I keep" in summary.text
    assert question.choices and flow.state.state == S.BOOKING_BRANCH


def test_the_privacy_notice_says_how_to_see_it_in_each_language(kb: Knowledge) -> None:
    for lang in ("en", "ar", "ru"):
        notice = kb.content.message(lang, "privacy")
        quoted = re.findall(r'"([^"]+)"|«([^»]+)»', notice)
        phrases = [a or b for a, b in quoted]
        intents = {kb.matcher.understand(p, prior=lang).intent for p in phrases}
        assert "my-data" in intents and "delete-data" in intents, (lang, phrases)


def test_document_ids_round_trip() -> None:
    at = datetime(2026, 11, 21, 20, 0, tzinfo=UTC).astimezone(datetime.now(UTC).astimezone().tzinfo)
    assert parse_document(str(DataFile(at))) == DataFile(at)
    assert parse_document("RB-1A2B3C-1") == CalendarFile("RB-1A2B3C-1"), "booking refs kept in outboxes"
    assert parse_document("my-data@yesterday") == CalendarFile("my-data@yesterday")
    assert str(CalendarFile("RB-1A2B3C-1")) == "RB-1A2B3C-1"


def test_a_stored_reply_keeps_its_document(flow: Flow) -> None:
    flow.say("hi")
    (reply,) = flow.send(DataGathered(Kept()))
    assert isinstance(reply, Reply) and reply.document is not None
    assert reply.document.startswith("my-data@2026-11-21T20:00:00+04:00")


def test_a_command_in_another_language_answers_in_the_persons(flow: Flow) -> None:
    flow.say("عندي صداع")
    flow.send(TextReceived("my data", command=True))
    assert flow.last == (GatherData(),) and flow.state.lang == "ar"
    (reply,) = flow.send(DataGathered(Kept()))
    assert "هذا ما أحتفظ به عنك" in reply.text


def test_the_summary_reads_the_state_not_the_kept_for_answers(flow: Flow) -> None:
    _lived(flow)
    flow.state = replace(flow.state, answers={})
    (reply,) = flow.send(DataGathered(_kept()))
    assert "safety questions" not in reply.text


def test_a_language_answered_in_english_is_still_named_in_its_own(flow: Flow) -> None:
    flow.say("hi")
    flow.state = replace(flow.state, lang="hi")  # Hindi: emergencies in Hindi, the rest in English
    (reply,) = flow.send(DataGathered(Kept()))
    assert reply.text.startswith("Here is what I keep about you. Language: हिन्दी.")
