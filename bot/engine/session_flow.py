"""Guided sessions: find the point, then timed press / rest steps, with pause, stop and "too painful"."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.engine.actions import Action, CancelTimer, Choice, Reply, ScheduleTimer
from bot.engine.common import Turn, button, feel_buttons, item_name, menu_choices, say, stop_session, to_idle
from bot.engine.events import TimerFired
from bot.engine.knowledge import Knowledge
from bot.engine.safety import Verdict
from bot.engine.session_plan import Step, StepKind, plan_session, session_seconds, technique_of
from bot.engine.state import (
    FEEDBACK,
    SESSION_FINDING,
    SESSION_PAUSED,
    SESSION_RUNNING,
    SESSION_TOO_PAINFUL,
    Conversation,
    Session,
)

CONTROLS = ("ready", "pause", "resume", "stop", "painful", "lighter")


def begin(kb: Knowledge, state: Conversation, item: str, verdict: Verdict, now: datetime) -> Turn:
    """Start a session on an item as the safety verdict allows, showing its notes first."""
    number = state.counter + 1
    session = Session(number=number, item=item, feet=verdict.feet, light=verdict.light)
    state = replace(to_idle(state), counter=number, session=session, last_item=item)
    minutes = max(1, round(session_seconds(technique_of(kb.content, item), verdict.feet) / 60))
    intro = [say(kb, state, "session.intro", name=item_name(kb, state, item), minutes=minutes)]
    intro += [say(kb, state, note) for note in verdict.notes]
    state, actions = _show_step(kb, state, 0, now)
    return state, _with_intro(actions, "\n\n".join(intro))


def on_control(kb: Knowledge, state: Conversation, control: str, now: datetime) -> Turn:
    """A session button or its typed equivalent."""
    session = state.session
    if session is None:
        return state, ()
    if control == "stop":
        state, cancel = stop_session(state)
        return to_idle(state), (*cancel, Reply(say(kb, state, "session.stopped"), menu_choices(kb, state)))
    if control == "ready" and state.state == SESSION_FINDING:
        return _show_step(kb, state, session.step + 1, now)
    if control == "pause" and state.state == SESSION_RUNNING:
        return _halt(kb, state, SESSION_PAUSED, "session.paused", ("resume", "stop"), now)
    if control == "painful" and state.state in (SESSION_RUNNING, SESSION_FINDING, SESSION_PAUSED):
        return _halt(kb, state, SESSION_TOO_PAINFUL, "session.too-painful", ("lighter", "stop"), now)
    if control == "lighter" and state.state in (SESSION_TOO_PAINFUL, SESSION_PAUSED):
        state = replace(state, session=replace(session, light=True))
        return _resume(kb, state, now, "session.lighter")
    if control == "resume" and state.state in (SESSION_PAUSED, SESSION_TOO_PAINFUL):
        return _resume(kb, state, now, "session.resumed")
    return state, (reprompt(kb, state),)


def on_timer(kb: Knowledge, state: Conversation, event: TimerFired, now: datetime) -> Turn:
    """The next step of a session is due; a stale one ends the session with a short notice."""
    session = state.session
    if session is None or session.timer_id != event.timer_id:
        return state, ()  # a timer of a session that was stopped, paused or replaced
    if event.timer_id.endswith(":idle"):
        item = session.item
        state, _ = stop_session(state)
        text = say(kb, state, "session.closed-idle", name=item_name(kb, state, item))
        return to_idle(state), (Reply(text, (button(kb, state, f"start:{item}", "button.start-again"),)),)
    if now - event.due_at > timedelta(seconds=kb.policy.stale_step_seconds):
        item = session.item
        state, _ = stop_session(state)
        text = say(kb, state, "session.interrupted", name=item_name(kb, state, item))
        return to_idle(state), (Reply(text, (button(kb, state, f"start:{item}", "button.start-again"),)),)
    return _show_step(kb, state, session.step + 1, now)


def reprompt(kb: Knowledge, state: Conversation) -> Reply:
    """Where the session stands, with the buttons that work now."""
    if state.state == SESSION_PAUSED:
        return Reply(say(kb, state, "session.paused"), _buttons(kb, state, ("resume", "stop")))
    if state.state == SESSION_TOO_PAINFUL:
        return Reply(say(kb, state, "session.too-painful"), _buttons(kb, state, ("lighter", "stop")))
    if state.state == SESSION_FINDING:
        return Reply(say(kb, state, "session.waiting-ready"), _buttons(kb, state, ("ready", "painful", "stop")))
    return Reply(say(kb, state, "session.in-progress"), _buttons(kb, state, ("pause", "painful", "stop")))


def _halt(
    kb: Knowledge, state: Conversation, to: str, message_id: str, controls: tuple[str, ...], now: datetime
) -> Turn:
    session = state.session
    assert session is not None
    actions: tuple[Action, ...] = (CancelTimer(session.timer_id),) if session.timer_id else ()
    idle = _idle_timer(kb, session, now)
    state = replace(state, state=to, session=replace(session, timer_id=idle.timer_id))
    return state, (*actions, idle, Reply(say(kb, state, message_id), _buttons(kb, state, controls)))


def _idle_timer(kb: Knowledge, session: Session, now: datetime) -> ScheduleTimer:
    """Closes a session left waiting (find the point, paused) so it cannot linger for days."""
    return ScheduleTimer(f"session:{session.number}:idle", now + timedelta(minutes=kb.policy.idle_session_minutes))


def _resume(kb: Knowledge, state: Conversation, now: datetime, message_id: str) -> Turn:
    session = state.session
    assert session is not None
    state, actions = _show_step(kb, state, session.step, now)
    return state, _with_intro(actions, say(kb, state, message_id))


def _with_intro(actions: tuple[Action, ...], intro: str) -> tuple[Action, ...]:
    """Put `intro` at the top of the first reply among the actions."""
    index = next(i for i, a in enumerate(actions) if isinstance(a, Reply))
    first = actions[index]
    assert isinstance(first, Reply)
    return (*actions[:index], replace(first, text=f"{intro}\n\n{first.text}"), *actions[index + 1 :])


def _show_step(kb: Knowledge, state: Conversation, index: int, now: datetime) -> Turn:
    session = state.session
    assert session is not None
    plan = plan_session(technique_of(kb.content, session.item), session.feet, state.per_round)
    step = plan[min(index, len(plan) - 1)]
    # A waiting session has an idle timer; a timed step replaces it.
    waiting: tuple[Action, ...] = ()
    if session.timer_id and session.timer_id.endswith(":idle"):
        waiting = (CancelTimer(session.timer_id),)
    if step.kind is StepKind.DONE:
        done = replace(state, session=None, state=FEEDBACK)
        return done, (*waiting, Reply(say(kb, state, "session.done"), feel_buttons(kb, state)))
    text = _step_text(kb, state, session, step, first_foot=index == 0)
    if step.kind is StepKind.FIND:
        session = replace(session, step=index)
        idle = _idle_timer(kb, session, now)
        state = replace(state, state=SESSION_FINDING, session=replace(session, timer_id=idle.timer_id))
        return state, (*waiting, idle, Reply(text, _buttons(kb, state, ("ready", "painful", "stop"))))
    timer_id = f"session:{session.number}:{index + 1}"
    state = replace(state, state=SESSION_RUNNING, session=replace(session, step=index, timer_id=timer_id))
    return state, (
        *waiting,
        Reply(text, _buttons(kb, state, ("pause", "painful", "stop")), card=f"session:{session.number}"),
        ScheduleTimer(timer_id, now + timedelta(seconds=step.seconds)),
    )


def _step_text(kb: Knowledge, state: Conversation, session: Session, step: Step, *, first_foot: bool) -> str:
    foot = say(kb, state, f"foot.{step.foot}")
    rounds = say(kb, state, "session.round", round=step.round, rounds=step.rounds) if step.rounds > 1 else ""
    gently = say(kb, state, "session.gently") if session.light else ""
    if step.kind is StepKind.FIND:
        where = _where(kb, state, session.item)
        key = "session.find" if first_foot else "session.find-next"
        if session.item.startswith("zone:"):
            key += "-zone"
        inline = say(kb, state, f"foot.{step.foot}.inline")
        return say(kb, state, key, foot=foot, foot_inline=inline, name=item_name(kb, state, session.item), where=where)
    if step.kind is StepKind.PRESS:
        tool = technique_of(kb.content, session.item).tool
        key = f"session.press.{tool}" if f"session.press.{tool}" in kb.content.messages["en"] else "session.press"
        return say(kb, state, key, rep=step.rep, reps=step.reps, seconds=step.seconds, rounds=rounds, gently=gently)
    if step.kind is StepKind.ROUND:
        t = technique_of(kb.content, session.item)
        timing = (
            say(kb, state, "session.round-timing", press=t.press_seconds, rest=t.rest_seconds, reps=t.reps)
            if t.rest_seconds
            else say(kb, state, "session.round-timing-quick", reps=t.reps)
        )
        return say(
            kb,
            state,
            "session.whole-round",
            round=step.round,
            rounds=step.rounds,
            timing=timing,
            seconds=step.seconds,
            gently=gently,
        )
    if step.kind is StepKind.PRESS_SET:
        return say(kb, state, "session.press-set", reps=step.reps, rounds=rounds, gently=gently)
    if step.kind is StepKind.REST:
        return say(kb, state, "session.rest", seconds=step.seconds)
    return say(kb, state, "session.round-rest", seconds=step.seconds, next=step.round + 1)


def _where(kb: Knowledge, state: Conversation, item: str) -> str:
    if item.startswith("zone:"):
        zone = kb.content.zones[item.removeprefix("zone:")]
        ztext = zone.text.get(state.lang, zone.text["en"])
        return f"{ztext.location}\n{ztext.how}"
    point = kb.content.point(item)
    assert point is not None
    ptext = point.text.get(state.lang, point.text["en"])
    return f"{ptext.location}\n{ptext.how}"


def _buttons(kb: Knowledge, state: Conversation, controls: tuple[str, ...]) -> tuple[Choice, ...]:
    """Session buttons carry the session number (and Ready its step), so an old button cannot act."""
    session = state.session
    assert session is not None
    return tuple(
        button(kb, state, f"{control}:{session.number}:{session.step}", f"button.{control}") for control in controls
    )


def is_current(state: Conversation, control: str, rest: str) -> bool:
    """True when a tapped session button belongs to the running session (Ready: to its current step)."""
    session = state.session
    number, _, step = rest.partition(":")
    if session is None or number != str(session.number):
        return False
    return control != "ready" or step == str(session.step)
