"""Guided sessions on a fake clock: exact press/rest instants, pause/resume/stop, too painful."""

from __future__ import annotations

from datetime import timedelta

from bot.engine import TimerFired
from bot.engine import state as S
from bot.engine.session_plan import StepKind, plan_session
from tests.engine.helpers import answer_all
from tests.flow import Flow


def running(flow: Flow, item: str) -> None:
    flow.tap(f"start:{item}")
    answer_all(flow)
    flow.control("ready")


def test_st44_press_five_rest_two_exactly(flow: Flow) -> None:
    technique = flow.kb.items["ST44"].technique
    assert (technique.press_seconds, technique.rest_seconds) == (5, 2)
    assert 10 <= technique.reps <= 15
    running(flow, "ST44")
    t0 = flow.now
    assert "Press 1 of" in flow.text()
    sent = flow.wait(5 + 2 + 5 + 2)
    offsets = [(s.at - t0).total_seconds() for s in sent]
    assert offsets == [5, 7, 12, 14]
    assert sent[0].reply.text.startswith("Rest 2")
    assert "Press 2 of" in sent[1].reply.text


def test_sp1_press_ten_rest_five_three_rounds(flow: Flow) -> None:
    technique = flow.kb.items["SP1"].technique
    assert (technique.reps, technique.round_rest_seconds, technique.rounds) == (10, 5, 3)
    plan = plan_session(technique, ("left",))
    kinds = [s.kind for s in plan]
    assert kinds.count(StepKind.PRESS_SET) == 3 and kinds.count(StepKind.ROUND_REST) == 2


def test_whole_session_left_then_right_then_feedback(flow: Flow) -> None:
    running(flow, "ST44")
    flow.wait(600)
    assert flow.state.state == S.SESSION_FINDING
    assert flow.state.session is not None and flow.state.session.step > 0
    assert "right foot" in flow.sent[-1].reply.text
    flow.control("ready")
    flow.wait(600)
    assert flow.state.state == S.FEEDBACK
    assert "How do you feel now?" in flow.sent[-1].reply.text
    flow.tap("feel:better")
    assert flow.records[-1].kind == "feedback"
    flow.say("I feel bloated")
    assert "felt better" in flow.text()


def test_pause_resume_keeps_the_step(flow: Flow) -> None:
    running(flow, "ST44")
    flow.wait(5)  # rest 1
    flow.control("pause")
    assert list(flow.timers) == ["session:1:idle"], "only the idle timer that closes a forgotten session"
    assert flow.wait(600) == []
    flow.control("resume")
    assert "Rest 2" in flow.text()
    t = flow.now
    sent = flow.wait(2)
    assert sent[0].at == t + timedelta(seconds=2) and "Press 2 of" in sent[0].reply.text


def test_stop_ends_without_more_messages(flow: Flow) -> None:
    running(flow, "ST44")
    flow.control("stop")
    assert flow.state.state == S.IDLE and flow.state.session is None
    assert flow.timers == {}
    assert flow.wait(3600) == []


def test_too_painful_offers_lighter_or_stop(flow: Flow) -> None:
    running(flow, "ST44")
    flow.say("ouch too painful")
    assert flow.state.state == S.SESSION_TOO_PAINFUL
    assert {c.split(":")[0] for c in flow.choice_ids()} == {"lighter", "stop"}
    assert flow.wait(600) == []
    flow.control("lighter")
    assert flow.state.session is not None and flow.state.session.light
    assert "gently" in flow.text()


def test_stale_session_step_is_dropped_with_a_notice(flow: Flow) -> None:
    running(flow, "ST44")
    ((timer_id, (at, _)),) = flow.timers.items()
    del flow.timers[timer_id]  # as the runtime does when it fires a timer
    flow.now = at + timedelta(hours=3)
    replies = flow.send(TimerFired(timer_id, at))
    assert len(replies) == 1 and "interrupted" in replies[0].text
    assert flow.state.session is None and flow.timers == {}


def test_old_session_button_is_stale(flow: Flow) -> None:
    running(flow, "ST44")
    pause = next(c for c in flow.choice_ids() if c.startswith("pause:"))
    flow.control("stop")
    replies = flow.tap(pause)
    assert "passed" in replies[0].text


def test_an_old_ready_cannot_skip_finding_the_next_foot(flow: Flow) -> None:
    flow.tap("start:ST44")
    answer_all(flow)
    first_ready = next(c for c in flow.choice_ids() if c.startswith("ready:"))
    flow.tap(first_ready)
    flow.wait(600)
    assert flow.state.state == S.SESSION_FINDING  # the right foot
    flow.tap(first_ready)
    assert flow.state.state == S.SESSION_FINDING, "the left foot's Ready does not start the right foot"


def test_a_stop_from_an_earlier_session_does_not_stop_this_one(flow: Flow) -> None:
    running(flow, "ST44")
    old_stop = next(c for c in flow.choice_ids() if c.startswith("stop:"))
    flow.control("stop")
    running(flow, "ST44")
    flow.tap(old_stop)
    assert flow.state.state == S.SESSION_RUNNING


def test_a_session_left_waiting_closes_itself(flow: Flow) -> None:
    flow.tap("start:ST44")
    answer_all(flow)
    sent = flow.wait(flow.kb.policy.idle_session_minutes * 60)
    assert len(sent) == 1 and "closed" in sent[0].reply.text
    assert flow.state.session is None and flow.timers == {}


def test_a_paused_session_closes_itself_too(flow: Flow) -> None:
    running(flow, "ST44")
    flow.control("pause")
    flow.wait(flow.kb.policy.idle_session_minutes * 60)
    assert flow.state.session is None and flow.timers == {}


def test_per_round_pacing_is_one_message_a_round(flow: Flow) -> None:
    from dataclasses import replace

    flow.state = replace(flow.state, per_round=True)
    running(flow, "SP1")
    assert "Round 1 of 3: press 10 times" in flow.text()
    t0 = flow.now
    sent = flow.wait(10 + 5)
    assert [(s.at - t0).total_seconds() for s in sent] == [10, 15]
    assert sent[0].reply.text == "Rest 5 s before round 2."
    assert sent[1].reply.text.startswith("Round 2 of 3: press 10 times")
