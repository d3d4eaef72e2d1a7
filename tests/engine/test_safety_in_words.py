"""Safety stated in words at any moment, and the questions that must never be answered by accident.

Each test pins a defect a review found in the typed-answer work (none of them ever crashed: they did
the wrong thing quietly).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.engine import state as S
from bot.engine.safety import is_pregnant
from tests.engine.helpers import answer_all
from tests.flow import Flow


def _texts(flow: Flow) -> str:
    return flow.text()


def _in_session(flow: Flow, item: str) -> None:
    flow.tap(f"start:{item}")
    answer_all(flow)
    flow.control("ready")
    assert flow.state.state == S.SESSION_RUNNING


def test_saying_pregnant_during_a_forbidden_point_stops_the_session(flow: Flow) -> None:
    _in_session(flow, "EX-LE11")
    flow.say("wait, I'm pregnant")
    assert flow.state.session is None and flow.state.state == S.IDLE
    assert is_pregnant(flow.state.answers)
    assert "avoided in pregnancy" in _texts(flow)
    assert not any(t.startswith("session:") for t in flow.timers)


def test_saying_pregnant_during_an_allowed_point_goes_on_gently(flow: Flow) -> None:
    _in_session(flow, "KI1")
    flow.say("I'm pregnant actually")
    assert flow.state.session is not None and flow.state.session.light


def test_high_blood_pressure_said_during_a_session_stops_it(flow: Flow) -> None:
    _in_session(flow, "KI1")
    flow.say("I have high blood pressure")
    assert flow.state.session is None
    assert flow.state.answers["pressure"].value == "yes"


def test_someone_elses_pregnancy_rules_out_an_old_start_button(flow: Flow) -> None:
    flow.say("my wife has period cramps")
    flow.say("my wife is pregnant")
    flow.tap("start:EX-LE11")
    answer_all(flow)
    assert flow.state.session is None
    assert "avoided in pregnancy" in _texts(flow)


def test_someone_elses_pregnancy_said_during_the_questions_is_heard(flow: Flow) -> None:
    flow.say("my wife has period cramps")
    flow.tap("start:EX-LE11")
    replies = flow.say("my wife is pregnant")
    assert flow.state.others_pregnant
    assert flow.state.state == S.IDLE and "avoided in pregnancy" in "\n".join(r.text for r in replies)


@pytest.mark.parametrize(
    ("question", "typed"),
    [
        ("chronic", "no, I'm diabetic"),
        ("chronic", "no, on insulin"),
        ("pressure", "no, it's high"),
        ("pressure", "no, hypertension"),
        ("foot", "no, gout"),
        ("foot", "no, broken toe"),
        ("acute", "no, just ate"),
        ("acute", "no, feverish"),
        ("acute", "no, I had wine"),
        ("pregnancy", "no, expecting"),
        ("pregnancy", "no, 8 weeks"),
        ("pregnancy", "no 🤰"),
        ("pressure", "no?"),
    ],
)
def test_no_with_the_risk_itself_is_asked_again(flow: Flow, question: str, typed: str) -> None:
    flow.tap("start:KI1")
    while flow.state.question != question:
        answer_all_once(flow)
    flow.say(typed)
    if flow.state.state == S.IDLE:  # a concern ("broken toe": see a doctor today) ends the questions, no session
        assert flow.state.session is None and "doctor" in flow.text()
    else:
        assert flow.state.state == S.SAFETY and flow.state.question == question, flow.text()
    assert question not in flow.state.answers or flow.state.answers[question].value not in ("no", "none")


@pytest.mark.parametrize(
    ("question", "typed", "value"),
    [
        ("chronic", "I don't have diabetes", "no"),
        ("pregnancy", "I'm not pregnant", "no"),
        ("foot", "no wounds", "no"),
        ("pressure", "no I don't", "no"),
        ("acute", "nope, none", "none"),
        ("foot", "left foot", "left"),
        ("acute", "just ate", "ate"),
    ],
)
def test_plain_answers_in_words_are_taken(flow: Flow, question: str, typed: str, value: str) -> None:
    flow.tap("start:KI1")
    while flow.state.question != question:
        answer_all_once(flow)
    flow.say(typed)
    assert flow.state.answers[question].value == value, flow.text()


def answer_all_once(flow: Flow) -> None:
    safe = {"acute": "none", "pressure": "no", "pregnancy": "no", "clot": "no", "foot": "no", "chronic": "no"}
    flow.tap(f"ans:{flow.state.question}:{safe[flow.state.question]}")


def test_ok_after_emergency_advice_starts_nothing(flow: Flow) -> None:
    flow.say("show me KI1")
    flow.say("I have crushing chest pain")
    assert "998" in _texts(flow)
    flow.say("ok")
    assert flow.state.state == S.CHECK_IN and "safety questions" not in _texts(flow)


def test_ok_after_emergency_advice_does_not_answer_an_old_reminder(flow: Flow) -> None:
    flow.say("remind me every night at 22:00")
    flow.wait(2 * 3600 + 60)
    assert flow.state.due_reminder
    flow.say("I want to kill myself")
    flow.say("ok")
    assert "How do you feel tonight" not in _texts(flow) and flow.state.state == S.CHECK_IN


@pytest.mark.parametrize("chatter", ["sure", "thanks", "hi"])
def test_chatter_at_the_delete_question_asks_it_again_and_deletes_nothing(flow: Flow, chatter: str) -> None:
    flow.say("remind me every night at 22:00")
    flow.say("delete my data")
    replies = flow.say(chatter)
    assert replies[-1].text.startswith("Delete everything"), "the question is asked again, not left hanging"
    assert flow.state.reminders


@pytest.mark.parametrize("typed", ["everything?", "delete?", "yes??", "deleted?"])
def test_a_question_never_deletes(flow: Flow, typed: str) -> None:
    flow.say("remind me every night at 22:00")
    flow.say("delete my data")
    flow.say(typed)
    assert flow.state.reminders, typed


@pytest.mark.parametrize("typed", ["Yes, delete everything", "delete everything", "yes"])
def test_the_delete_buttons_words_delete(flow: Flow, typed: str) -> None:
    flow.say("remind me every night at 22:00")
    flow.say("delete my data")
    flow.say(typed)
    assert flow.state.reminders == () and "deleted" in _texts(flow)


@pytest.mark.parametrize("typed", ["share it?", "it?", "yes??"])
def test_a_question_never_gives_consent(flow: Flow, typed: str) -> None:
    for text in ("book", "dhcc", "Tuesday evening", "Sara", "this chat", typed):
        flow.say(text)
    assert flow.records == []


def test_a_reminder_waits_for_an_answer_for_hours_not_days(flow: Flow) -> None:
    flow.tap("start:zone:toes")
    answer_all(flow)
    flow.control("stop")
    flow.say("remind me every night at 22:00")
    flow.wait(2 * 3600 + 60)
    flow.now += timedelta(days=2)
    flow.say("yes")
    assert flow.state.state == S.IDLE and "safety questions" not in _texts(flow)


def test_correcting_an_answer_starts_nothing_new(flow: Flow) -> None:
    flow.tap("start:KI1")
    answer_all(flow)
    flow.control("stop")
    flow.say("I pressed no by mistake")
    flow.say("yes")
    assert flow.state.session is None


def test_a_phone_number_inside_a_sentence(flow: Flow) -> None:
    for text in ("book", "dhcc", "Tuesday evening", "Sara"):
        flow.say(text)
    flow.say("my number is +971 50 123 4567")
    assert flow.state.booking is not None and flow.state.booking.contact == "+971 50 123 4567"


def test_a_number_as_the_preferred_time_is_an_answer_not_an_old_button(flow: Flow) -> None:
    flow.say("book")
    flow.say("dhcc")
    flow.say("2")
    assert flow.state.state == S.BOOKING_NAME and flow.state.booking is not None and flow.state.booking.when == "2"


def test_no_reminder_interrupts_the_safety_questions(flow: Flow) -> None:
    flow.say("remind me every night at 22:00")
    flow.wait(2 * 3600 - 60)
    flow.tap("start:KI1")
    sent = flow.wait(120)
    assert not sent and flow.state.state == S.SAFETY


def test_not_sure_during_a_safety_question_asks_it_again(flow: Flow) -> None:
    flow.tap("start:KI1")
    flow.say("not sure")
    assert flow.state.state == S.SAFETY and flow.state.question == "acute"


def test_an_emergency_after_stop_still_gets_advice(flow: Flow) -> None:
    from bot.engine import OptOut

    flow.say("hi")
    flow.send(OptOut())
    replies = flow.say("crushing chest pain")
    assert replies and "998" in replies[0].text
