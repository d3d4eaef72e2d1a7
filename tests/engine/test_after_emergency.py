"""After emergency advice: every timer stops, reminders are paused, and the next message checks in first.

"Are you safe now? Did you get help?" comes before anything else (no points, no session), answered by
button or in words; "still need help" gives the advice again; "safe" gets a warm word and, when reminders
were paused, the offer to turn them back on. A red flag also tells what it implies for the safety
questions, and someone else's emergency is spoken to the helper.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.engine import ChoicePicked, Conversation, OptOut, Reply, Reset, Started, TextReceived, Unreachable
from bot.engine import state as S
from tests.engine.helpers import REACH, answer_all
from tests.flow import Flow

CHEST = "I have chest pain"
SELF_HARM = "I want to kill myself"
DAY = 24 * 3600


def _replies(flow: Flow) -> list[Reply]:
    return [a for a in flow.last if isinstance(a, Reply)]


def _ids(flow: Flow) -> list[str]:
    return [c.id for r in _replies(flow) for c in r.choices]


def _with_reminders(flow: Flow) -> None:
    flow.say("remind me every night at 22:00")
    flow.say("remind me in 3 hours")
    assert len(flow.state.reminders) == 2


def _to_question(flow: Flow, red_flag: str = CHEST) -> None:
    flow.say(red_flag)
    flow.say("hi")
    assert _ids(flow) == ["safe:yes", "safe:no"]


# ---- every timer stops, reminders are paused --------------------------------------------------


@pytest.mark.parametrize("name", list(REACH))
def test_an_emergency_pauses_every_timer_from_every_state(flow: Flow, name: str) -> None:
    if name not in (S.CHECK_IN, S.RESUME_REMINDERS):  # those two set their own
        flow.say("remind me every night at 21:30")
    REACH[name](flow)
    assert flow.state.reminders or flow.state.paused_reminders
    reminders = (*flow.state.paused_reminders, *flow.state.reminders)
    flow.say(CHEST)
    assert flow.state.state == S.CHECK_IN
    assert flow.state.reminders == ()
    assert {r.id for r in flow.state.paused_reminders} == {r.id for r in reminders}, "paused, not deleted"
    assert flow.timers == {}, "no session step, snooze, nudge or reminder is left"
    assert flow.wait(3 * DAY) == [], "nothing is sent until they write"


def test_reminders_snoozes_and_later_nudges_all_stop(flow: Flow) -> None:
    _with_reminders(flow)
    flow.wait(2 * 3600 + 60)  # the nightly reminder at 22:00 comes due
    snooze = next(i for i in _ids(flow) if i.startswith("rem:snooze:"))
    flow.tap(snooze)
    flow.tap("start:ST44")
    answer_all(flow, {"acute": "ate"})
    flow.tap("later:ST44")
    assert len(flow.timers) == 4, "the nightly and the one-off reminder, the snooze, the hour's nudge"
    flow.say(CHEST)
    assert flow.timers == {}
    assert flow.wait(2 * DAY) == []
    assert len(flow.state.paused_reminders) == 2


def test_a_session_running_stops_and_sends_no_more_steps(flow: Flow) -> None:
    REACH[S.SESSION_RUNNING](flow)
    flow.say(CHEST)
    assert flow.state.session is None and flow.wait(600) == []


# ---- the check-in ---------------------------------------------------------------------------


@pytest.mark.parametrize("first", ["ok", "thanks", "hi", "I have a headache", "remind me at 10pm", "1", "yes", "🙂"])
def test_the_next_message_after_the_advice_asks_first(flow: Flow, first: str) -> None:
    flow.say(CHEST)
    replies = flow.say(first)
    assert flow.state.state == S.CHECK_IN, "a plain 'ok' after the advice is not 'I'm safe'"
    assert "are you safe now?" in replies[-1].text
    assert [c.id for c in replies[-1].choices] == ["safe:yes", "safe:no"]
    assert not any(c.id.startswith("start:") for r in replies for c in r.choices)
    assert flow.state.reminders == () and flow.state.offered == ()


@pytest.mark.parametrize(
    ("typed", "safe"),
    [
        ("yes", True),
        ("I'm ok", True),
        ("fine now", True),
        ("I'm fine, thanks", True),
        ("I'm safe now", True),
        ("1", True),
        ("still bad", False),
        ("no", False),
        ("not yet", False),
        ("I still need help", False),
        ("I'm not sure", False),
        ("I'm not safe now", False),
        ("not safe", False),
        ("I still need some help", False),
        ("2", False),
    ],
)
def test_the_check_in_is_answered_in_words_or_numbers(flow: Flow, typed: str, safe: bool) -> None:
    _to_question(flow)
    flow.say(typed)
    if safe:
        assert flow.state.state == S.IDLE and flow.state.emergency is None
        assert "glad" in flow.text()
    else:
        assert flow.state.state == S.CHECK_IN
        assert _replies(flow)[0].urgent and "998" in flow.text()
        assert _ids(flow) == [], "the advice stands alone"


def test_a_button_answers_it_too(flow: Flow) -> None:
    _to_question(flow)
    flow.tap("safe:no")
    assert "998" in flow.text() and flow.state.state == S.CHECK_IN
    flow.say("ok")  # after the advice again, the next message asks again
    assert _ids(flow) == ["safe:yes", "safe:no"]
    flow.tap("safe:yes")
    assert flow.state.state == S.IDLE and "glad you're safe" in flow.text()


def test_still_need_help_after_self_harm_gives_the_support_line_again(flow: Flow) -> None:
    _to_question(flow, SELF_HARM)
    flow.say("still bad")
    assert "998" in flow.text() and "800 4673" in flow.text()


def test_their_own_words_right_after_the_advice_answer_it(flow: Flow) -> None:
    flow.say(CHEST)
    flow.say("I'm safe now")
    assert flow.state.state == S.IDLE and "glad" in flow.text()


@pytest.mark.parametrize("typed", ["I'm not safe now", "I still need some help", "still bad", "what should I do"])
def test_words_right_after_the_advice_that_say_it_is_not_over_get_it_again(flow: Flow, typed: str) -> None:
    flow.say(CHEST)
    flow.say(typed)
    assert flow.state.state == S.CHECK_IN and "glad" not in flow.text()
    assert _replies(flow)[0].urgent and "998" in flow.text() and _ids(flow) == []


@pytest.mark.parametrize("typed", ["🙂👍", "I have a headache", "about", "x" * 3000])
def test_anything_else_asks_again_and_offers_nothing(flow: Flow, typed: str) -> None:
    _to_question(flow)
    flow.say(typed)
    assert flow.state.state == S.CHECK_IN and flow.state.offered == ()
    assert _ids(flow) == ["safe:yes", "safe:no"]


def test_no_point_or_session_until_it_is_answered(flow: Flow) -> None:
    flow.say("I feel bloated")
    flow.say(CHEST)
    for event in (
        ChoicePicked("start:ST44"),
        ChoicePicked("sym:bloating"),
        ChoicePicked("rem:ask"),
        Started("bloating"),
    ):
        flow.send(event)
        assert flow.state.state == S.CHECK_IN and flow.state.session is None
        assert not any(i.startswith(("start:", "sym:")) for i in _ids(flow))
    flow.say("yes")  # the question was on screen: this answers it
    assert flow.state.state == S.IDLE


def test_a_red_flag_during_the_check_in_is_an_emergency_again(flow: Flow) -> None:
    _to_question(flow)
    replies = flow.say(SELF_HARM)
    assert len(replies) == 1 and replies[0].urgent and "800 4673" in replies[0].text
    assert flow.state.state == S.CHECK_IN and flow.state.emergency is not None
    assert flow.state.emergency.kind == "self-harm"
    assert _ids(flow) == []


def test_stop_delete_and_start_over_still_work(flow: Flow) -> None:
    _with_reminders(flow)
    _to_question(flow)
    stop = flow.fork()
    stop.send(OptOut())
    assert stop.state.opted_out and stop.state.state == S.IDLE
    delete = flow.fork()
    delete.say("delete my data")
    assert delete.state.state == S.DELETE_CONFIRM
    delete.tap("delete:yes")
    assert delete.state.paused_reminders == () and delete.state.emergency is None
    over = flow.fork()
    over.say("start over")
    assert over.state.state == S.IDLE and "Starting over" in over.text()
    reset = flow.fork()
    reset.send(Reset())
    assert reset.state.state == S.IDLE


def test_after_stop_a_red_flag_still_gets_advice_and_nothing_else_is_sent(flow: Flow) -> None:
    flow.send(OptOut())
    flow.say(CHEST)
    assert "998" in flow.text() and flow.state.state == S.CHECK_IN
    assert flow.say("hi") == [], "after STOP, quiet again"


def test_blocking_the_bot_keeps_the_check_in_owed(flow: Flow) -> None:
    flow.say(CHEST)
    flow.send(Unreachable())
    assert flow.state.state == S.CHECK_IN
    flow.say("hello")
    assert _ids(flow) == ["safe:yes", "safe:no"]


# ---- the reminders, back on or not ------------------------------------------------------------


def test_safe_offers_the_paused_reminders_back(flow: Flow) -> None:
    _with_reminders(flow)
    _to_question(flow)
    flow.say("yes")
    assert flow.state.state == S.RESUME_REMINDERS
    assert "glad" in flow.text() and "every night at 22:00" in flow.text()
    assert _ids(flow) == ["resume:yes", "resume:no"]
    flow.say("yes")
    assert flow.state.state == S.IDLE and flow.state.paused_reminders == ()
    assert [r.id for r in flow.state.reminders] == [1, 2]
    assert set(flow.timers) == {"reminder:1", "reminder:2"}
    sent = flow.wait(2 * 3600 + 60)  # 22:00 in Dubai
    assert any("foot care" in s.reply.text for s in sent), "the nightly reminder rings again"


def test_no_keeps_them_paused_and_my_reminders_can_bring_them_back(flow: Flow) -> None:
    _with_reminders(flow)
    _to_question(flow)
    flow.tap("safe:yes")
    flow.tap("resume:no")
    assert flow.state.state == S.IDLE and flow.state.reminders == () and flow.timers == {}
    assert len(flow.state.paused_reminders) == 2
    assert flow.wait(DAY) == []
    flow.say("my reminders")
    assert "Paused" in flow.text() and "resume:yes" in _ids(flow)
    flow.tap("resume:yes")
    assert "back on" in flow.text() and "reminder:1" in flow.timers


def test_a_one_off_reminder_whose_time_passed_is_not_brought_back(flow: Flow) -> None:
    flow.say("remind me in 30 minutes")
    _to_question(flow)
    flow.wait(3600)
    flow.say("I'm safe now")
    flow.say("yes")
    assert flow.state.reminders == () and flow.timers == {}
    assert "passed" in flow.text()


def test_nothing_paused_means_straight_back_to_the_menu(flow: Flow) -> None:
    _to_question(flow)
    flow.tap("safe:yes")
    assert flow.state.state == S.IDLE and "sym:insomnia" in _ids(flow)


def test_a_new_request_instead_of_an_answer_leaves_them_paused(flow: Flow) -> None:
    _with_reminders(flow)
    _to_question(flow)
    flow.tap("safe:yes")
    flow.say("I feel bloated")
    assert flow.state.state == S.OFFERED and len(flow.state.paused_reminders) == 2


def test_an_old_resume_button_with_nothing_paused_says_so(flow: Flow) -> None:
    flow.say("hi")
    flow.tap("resume:yes")
    assert "no paused reminders" in flow.text()


def test_the_state_round_trips_and_old_states_still_load(flow: Flow) -> None:
    _with_reminders(flow)
    _to_question(flow)
    assert Conversation.from_json(flow.state.to_json()) == flow.state
    old = Conversation.from_json('{"state": "idle", "intro_seen": true}')
    assert old.emergency is None and old.paused_reminders == ()


# ---- what an emergency says about the safety questions ---------------------------------------


@pytest.mark.parametrize(
    ("text", "question", "value"),
    [
        ("I have crushing chest pain", "chronic", "yes"),
        ("my calf is swollen, hot and red", "clot", "yes"),
        ("I'm pregnant and bleeding", "pregnancy", "yes"),
    ],
)
def test_an_emergency_answers_the_safety_question_it_implies(flow: Flow, text: str, question: str, value: str) -> None:
    flow.tap("start:KI1")
    answer_all(flow)
    flow.control("stop")
    assert flow.state.answers[question].value == "no"
    flow.say(text)
    assert flow.state.answers[question].value == value
    assert flow.state.answers[question].at == flow.now.isoformat()


def test_after_chest_pain_a_session_is_gentle_with_a_note(flow: Flow) -> None:
    flow.tap("start:KI1")
    answer_all(flow)
    flow.control("stop")
    flow.say("I have chest pain")
    flow.say("I'm safe now")
    flow.now += timedelta(hours=2)
    flow.tap("start:KI1")
    answer_all(flow)
    assert flow.state.session is not None and flow.state.session.light
    assert "heart disease" in "\n".join(s.reply.text for s in flow.sent[-3:])


# ---- someone else's emergency -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("my husband is clutching his chest", ("998", "stay with them", "Unlock the door", "eat or drink")),
        ("mum's face went funny", ("998", "stay with them")),
        ("my son wants to kill himself", ("998", "800 4673", "Stay with them", "take away")),
    ],
)
def test_someone_elses_emergency_speaks_to_the_helper(flow: Flow, text: str, needles: tuple[str, ...]) -> None:
    flow.say(text)
    assert flow.state.emergency is not None and flow.state.emergency.for_other
    reply = _replies(flow)[0]
    assert reply.urgent and reply.choices == ()
    assert all(n in reply.text for n in needles), reply.text


def test_someone_elses_emergency_checks_in_on_everyone_and_records_nothing_about_them(flow: Flow) -> None:
    flow.say("my husband is clutching his chest")
    assert "chronic" not in flow.state.answers, "his heart is not theirs"
    flow.say("ok")
    assert "everyone safe" in flow.text()
    labels = [c.label for r in _replies(flow) for c in r.choices]
    assert labels == ["Everyone is safe now", "We still need help"]
    flow.say("we still need help")
    assert "Unlock the door" in flow.text()
    flow.say("hi")
    flow.say("everyone is fine now")
    assert flow.state.state == S.IDLE and "glad" in flow.text()


def test_someone_elses_emergency_at_the_check_in_is_answered_too(flow: Flow) -> None:
    _to_question(flow)
    flow.send(TextReceived("my husband is clutching his chest"))
    assert "Unlock the door" in flow.text() and flow.state.state == S.CHECK_IN
