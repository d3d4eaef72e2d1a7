"""Scripts that bring a conversation into each named state, for tests that must hold in every state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.engine import ChoicePicked
from bot.engine import state as S
from tests.flow import Flow

SAFE_ANSWERS = (
    ("acute", "none"),
    ("pressure", "no"),
    ("pregnancy", "no"),
    ("clot", "no"),
    ("foot", "no"),
    ("chronic", "no"),
)


def answer_all(flow: Flow, answers: dict[str, str] | None = None) -> None:
    """Answer every safety question asked, with `answers` overriding the safe defaults."""
    wanted = dict(SAFE_ANSWERS) | (answers or {})
    while flow.state.state == S.SAFETY:
        question = flow.state.question
        flow.tap(f"ans:{question}:{wanted[question]}")


def to_offered(flow: Flow) -> None:
    flow.say("I feel bloated")


def to_safety(flow: Flow) -> None:
    to_offered(flow)
    flow.tap(f"start:{flow.state.offered[0]}")


def to_finding(flow: Flow) -> None:
    flow.tap("start:KI1")
    answer_all(flow)


def to_running(flow: Flow) -> None:
    to_finding(flow)
    flow.control("ready")


def to_paused(flow: Flow) -> None:
    to_running(flow)
    flow.control("pause")


def to_too_painful(flow: Flow) -> None:
    to_running(flow)
    flow.control("painful")


def to_feedback(flow: Flow) -> None:
    to_running(flow)
    while flow.state.state != S.FEEDBACK:
        if flow.state.state == S.SESSION_FINDING:
            flow.control("ready")
        else:
            flow.wait(30)


def to_reminder_time(flow: Flow) -> None:
    flow.say("remind me")


def to_booking(step_name: str) -> Callable[[Flow], None]:
    def go(flow: Flow) -> None:
        flow.say("book")
        if step_name == S.BOOKING_BRANCH:
            return
        flow.tap("branch:main")
        if step_name == S.BOOKING_WHEN:
            return
        flow.say("Tuesday evening")
        if step_name == S.BOOKING_NAME:
            return
        flow.say("Sara")
        if step_name == S.BOOKING_CONTACT:
            return
        flow.tap("contact-chat")

    return go


def to_timezone_ask(flow: Flow) -> None:
    flow.say("change my timezone")


def to_delete_confirm(flow: Flow) -> None:
    flow.say("delete my data")


def to_did_you_mean(flow: Flow) -> None:
    flow.say("hi")
    flow.send(ChoicePicked("sym:none"))  # stale here: answered kindly, nothing changes
    flow.state = replace(flow.state, state=S.DID_YOU_MEAN, maybe=("insomnia", "fatigue"))


def to_new(flow: Flow) -> None:
    """A conversation that never started."""


def to_idle(flow: Flow) -> None:
    flow.say("hi")


def to_check_in(flow: Flow) -> None:
    """Emergency advice given with a nightly reminder set, and the check-in asked (their next message)."""
    flow.say("remind me every night at 22:00")
    flow.say("I have chest pain")
    flow.say("hello")


def to_resume_reminders(flow: Flow) -> None:
    to_check_in(flow)
    flow.tap("safe:yes")


REACH: dict[str, Callable[[Flow], None]] = {
    S.NEW: to_new,
    S.IDLE: to_idle,
    S.OFFERED: to_offered,
    S.DID_YOU_MEAN: to_did_you_mean,
    S.SAFETY: to_safety,
    S.SESSION_FINDING: to_finding,
    S.SESSION_RUNNING: to_running,
    S.SESSION_PAUSED: to_paused,
    S.SESSION_TOO_PAINFUL: to_too_painful,
    S.FEEDBACK: to_feedback,
    S.REMINDER_TIME: to_reminder_time,
    S.BOOKING_BRANCH: to_booking(S.BOOKING_BRANCH),
    S.BOOKING_WHEN: to_booking(S.BOOKING_WHEN),
    S.BOOKING_NAME: to_booking(S.BOOKING_NAME),
    S.BOOKING_CONTACT: to_booking(S.BOOKING_CONTACT),
    S.BOOKING_CONSENT: to_booking(S.BOOKING_CONSENT),
    S.DELETE_CONFIRM: to_delete_confirm,
    S.TIMEZONE_ASK: to_timezone_ask,
    S.CHECK_IN: to_check_in,
    S.RESUME_REMINDERS: to_resume_reminders,
}
