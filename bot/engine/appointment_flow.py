"""A time the clinic confirmed: the person is told (with a calendar file), reminded a day and two hours
before, and answers confirm, another time or cancel; each answer is a Record the desk shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.engine.actions import Action, CancelTimer, Choice, Record, Reply, ScheduleTimer
from bot.engine.choices import APPOINTMENT_ANSWERS, AppointmentAnswer
from bot.engine.clock_math import zone
from bot.engine.common import Turn, button, say
from bot.engine.events import AppointmentSet, TimerFired
from bot.engine.knowledge import Knowledge
from bot.engine.state import ConfirmedTime, Conversation
from bot.engine.timers import APPOINTMENT_HOURS, AppointmentDue

ANSWER_KIND = "appointment-answer"
_LABELS = {"confirm": "button.appt-confirm", "another-time": "button.appt-another", "cancel": "button.appt-cancel"}
_SAID = {
    "confirm": "appointment.confirmed",
    "another-time": "appointment.another-time",
    "cancel": "appointment.cancelled",
}


def on_set(kb: Knowledge, state: Conversation, event: AppointmentSet, now: datetime) -> Turn:
    """Tell the person the confirmed time (the calendar file attached), with the three answers, and set
    the reminders that are still ahead (an earlier time for the same request replaces its reminders)."""
    branch = kb.clinic.branch(event.branch_id)
    if branch is None:
        return state, ()
    before = state.appointment
    cancel: tuple[Action, ...] = _timers_off(before) if before is not None else ()
    confirmed = ConfirmedTime(event.ref, event.starts_at.isoformat(), branch.id)
    state = replace(state, appointment=confirmed)
    reminders = tuple(
        ScheduleTimer(str(AppointmentDue(event.ref, hours)), event.starts_at - timedelta(hours=hours))
        for hours in APPOINTMENT_HOURS
        if event.starts_at - timedelta(hours=hours) > now
    )
    text = say(kb, state, "appointment.set", ref=event.ref, **_when_where(kb, state, confirmed))
    # Days may have passed since they wrote: outside WhatsApp's window the approved template goes instead.
    reply = Reply(text, answers(kb, state, event.ref), template="appointment_confirmed", document=event.ref)
    return state, (*cancel, *reminders, reply)


def answers(kb: Knowledge, state: Conversation, ref: str) -> tuple[Choice, ...]:
    """The three answer buttons for a confirmed time."""
    return tuple(button(kb, state, AppointmentAnswer(ref, a), _LABELS[a]) for a in APPOINTMENT_ANSWERS)


def on_answer(kb: Knowledge, state: Conversation, choice: AppointmentAnswer) -> Turn:
    """Confirm, another time or cancel: a Record for the desk; cancel and another time stop the reminders."""
    current = state.appointment
    if current is None or current.ref != choice.ref or current.answer == "cancel":
        return state, (Reply(say(kb, state, "stale-button")),)
    state = replace(state, appointment=replace(current, answer=choice.answer))
    record = Record(ANSWER_KIND, (("ref", current.ref), ("answer", choice.answer)))
    off = _timers_off(current) if choice.answer != "confirm" else ()
    text = say(kb, state, _SAID[choice.answer], ref=current.ref, **_when_where(kb, state, current))
    return state, (record, *off, Reply(text))


def on_timer(kb: Knowledge, state: Conversation, event: TimerFired, timer: AppointmentDue) -> Turn:
    """A reminder a day or two hours before; marked as the "appointment_reminder" template so WhatsApp can
    send it outside the 24-hour window. Nothing for a replaced or cancelled appointment."""
    current = state.appointment
    if current is None or current.ref != timer.ref or current.answer in ("cancel", "another-time"):
        return state, ()
    key = "appointment.reminder-day" if timer.hours == 24 else "appointment.reminder-soon"
    text = say(kb, state, key, ref=current.ref, **_when_where(kb, state, current))
    choices = answers(kb, state, current.ref) if not current.answer else ()
    return state, (Reply(text, choices, template="appointment_reminder"),)


def _timers_off(confirmed: ConfirmedTime) -> tuple[Action, ...]:
    return tuple(CancelTimer(str(AppointmentDue(confirmed.ref, hours))) for hours in APPOINTMENT_HOURS)


def _when_where(kb: Knowledge, state: Conversation, confirmed: ConfirmedTime) -> dict[str, str]:
    """The date and time in the person's time zone, the branch's name and address."""
    local = datetime.fromisoformat(confirmed.starts_at).astimezone(zone(state.tz, kb.policy.default_tz))
    branch = kb.clinic.branch(confirmed.branch)
    return {
        "date": local.strftime("%Y-%m-%d"),
        "time": local.strftime("%H:%M"),
        "branch": branch.title(state.lang) if branch else confirmed.branch,
        "address": branch.address if branch else "",
    }
