"""Guided sessions: find the point, then timed press / rest steps, with pause, stop and "too painful"."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.engine.actions import Action, CancelTimer, Choice, Reply, ScheduleTimer
from bot.engine.choices import Control, StartItem
from bot.engine.common import Turn, button, feel_buttons, item_name, menu_reply, say, stop_session, to_idle
from bot.engine.events import TimerFired
from bot.engine.knowledge import Knowledge
from bot.engine.safety import Verdict
from bot.engine.session_plan import Step, StepKind, paced, plan_session, session_seconds
from bot.engine.state import (
    FEEDBACK,
    SESSION_FINDING,
    SESSION_PAUSED,
    SESSION_RUNNING,
    SESSION_TOO_PAINFUL,
    Conversation,
    Session,
)
from bot.engine.timers import SessionIdle, SessionStep, parse_timer

if TYPE_CHECKING:  # the reader of messages imports this module
    from bot.engine.general import Said

# Typed commands a session understands, and the control each one is.
SESSION_INTENTS = {
    "ready": "ready",
    "pause": "pause",
    "resume": "resume",
    "stop": "stop",
    "too-painful": "painful",
    "lighter": "lighter",
    "slower": "slower",
    "faster": "faster",
    "longer-rest": "slower",
}
MIN_PACE, MAX_PACE = -2, 3


def begin(kb: Knowledge, state: Conversation, item: str, verdict: Verdict, now: datetime) -> Turn:
    """Start a session on an item as the safety verdict allows, showing its notes first."""
    number = state.counter + 1
    session = Session(number=number, item=item, feet=verdict.feet, light=verdict.light)
    state = replace(to_idle(state), counter=number, session=session, last_item=item)
    minutes = max(1, round(session_seconds(kb.items[item].technique, verdict.feet) / 60))
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
        return to_idle(state), (*cancel, menu_reply(kb, state, "session.stopped"))
    if control in ("slower", "faster"):
        return _repace(kb, state, 1 if control == "slower" else -1)
    if control == "ready" and state.state == SESSION_FINDING:
        return _show_step(kb, state, session.step + 1, now)
    if control == "pause" and state.state == SESSION_RUNNING:
        return _halt(kb, state, SESSION_PAUSED, "session.paused", ("resume", "stop"), now)
    if control == "painful" and state.state in (SESSION_RUNNING, SESSION_FINDING, SESSION_PAUSED):
        return _halt(kb, state, SESSION_TOO_PAINFUL, "session.too-painful", ("lighter", "stop"), now)
    if control == "lighter" and state.state == SESSION_RUNNING:
        state = replace(state, session=replace(session, light=True))
        return state, (Reply(say(kb, state, "session.lighter")),)
    if control == "lighter" and state.state in (SESSION_TOO_PAINFUL, SESSION_PAUSED, SESSION_FINDING):
        state = replace(state, session=replace(session, light=True))
        return _resume(kb, state, now, "session.lighter")
    if control == "resume" and state.state in (SESSION_PAUSED, SESSION_TOO_PAINFUL):
        return _resume(kb, state, now, "session.resumed")
    return state, (reprompt(kb, state),)


def on_text(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    """A message during a session: a control in words, or a question answered without leaving it.

    A question while steps are running pauses the session first, so no step arrives while the
    person reads the answer; Resume picks up where they were.
    """
    u = said.u
    intent = u.intent
    if intent in SESSION_INTENTS:
        return on_control(kb, state, SESSION_INTENTS[intent], now)
    session = state.session
    assert session is not None
    answer: str | None = None
    image: str | None = None
    if intent == "help":
        answer = say(kb, state, "session.help")
    elif intent in ("item-why", "item-where"):
        shown = item_answer(kb, state, session.item, intent)
        answer, image = shown.text, shown.image
    elif u.faq is not None:
        faq = kb.content.faqs[u.faq]
        answer = faq.answer.get(state.lang) or faq.answer["en"]
    if answer is None:
        return state, (reprompt(kb, state),)
    if state.state == SESSION_RUNNING:
        state, actions = _halt(kb, state, SESSION_PAUSED, "session.paused-for-answer", ("resume", "stop"), now)
        return state, _with_intro(actions, answer, image)
    current = reprompt(kb, state)
    return state, (replace(current, text=f"{answer}\n\n{current.text}", image=image),)


def item_answer(kb: Knowledge, state: Conversation, key: str, intent: str) -> Reply:
    """What an item is for, or where it is (with its picture: the foot being worked on, in a session)."""
    item = kb.items[key]
    text = item.localized(state.lang)
    if intent == "item-where":
        body = say(kb, state, "offer.where", where=text.location) + "\n" + say(kb, state, "offer.how", how=text.how)
        foot = _plan(kb, state)[state.session.step].foot if state.session and state.session.item == key else "right"
        return Reply(f"{item.title(state.lang)}\n{body}", image=item.picture(foot or "right"))
    why_key = "offer.why-zone" if item.is_zone else "offer.why"
    body = say(kb, state, why_key, why=text.why, areas=text.why)
    return Reply(f"{item.title(state.lang)}\n{body}")


def _repace(kb: Knowledge, state: Conversation, change: int) -> Turn:
    """Longer or shorter rests from the next step on, within safe bounds."""
    session = state.session
    assert session is not None
    pace = max(MIN_PACE, min(MAX_PACE, session.pace + change))
    state = replace(state, session=replace(session, pace=pace))
    technique = paced(kb.items[session.item].technique, pace, kb.policy.min_rest_seconds, kb.policy.max_rest_seconds)
    key = "session.pace-same" if pace == session.pace else ("session.slower" if change > 0 else "session.faster")
    return state, (Reply(say(kb, state, key, rest=technique.rest_seconds or technique.round_rest_seconds)),)


def on_timer(
    kb: Knowledge, state: Conversation, event: TimerFired, timer: SessionStep | SessionIdle, now: datetime
) -> Turn:
    """The next step of a session is due; a stale one ends the session with a short notice."""
    session = state.session
    if session is None or session.timer_id != event.timer_id:
        return state, ()  # a timer of a session that was stopped, paused or replaced
    if isinstance(timer, SessionIdle):
        item = session.item
        state, _ = stop_session(state)
        text = say(kb, state, "session.closed-idle", name=item_name(kb, state, item))
        return to_idle(state), (Reply(text, (button(kb, state, StartItem(item), "button.start-again"),)),)
    if now - event.due_at > timedelta(seconds=kb.policy.stale_step_seconds):
        item = session.item
        state, _ = stop_session(state)
        text = say(kb, state, "session.interrupted", name=item_name(kb, state, item))
        return to_idle(state), (Reply(text, (button(kb, state, StartItem(item), "button.start-again"),)),)
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
    return ScheduleTimer(str(SessionIdle(session.number)), now + timedelta(minutes=kb.policy.idle_session_minutes))


def _resume(kb: Knowledge, state: Conversation, now: datetime, message_id: str) -> Turn:
    session = state.session
    assert session is not None
    state, actions = _show_step(kb, state, session.step, now)
    return state, _with_intro(actions, say(kb, state, message_id))


def _with_intro(actions: tuple[Action, ...], intro: str, image: str | None = None) -> tuple[Action, ...]:
    """Put `intro` at the top of the first reply among the actions (and `image` on it, if given)."""
    index = next(i for i, a in enumerate(actions) if isinstance(a, Reply))
    first = actions[index]
    assert isinstance(first, Reply)
    first = replace(first, text=f"{intro}\n\n{first.text}", image=image or first.image)
    return (*actions[:index], first, *actions[index + 1 :])


def _show_step(kb: Knowledge, state: Conversation, index: int, now: datetime) -> Turn:
    session = state.session
    assert session is not None
    plan = _plan(kb, state)
    step = plan[min(index, len(plan) - 1)]
    # A waiting session has an idle timer; a timed step replaces it.
    waiting: tuple[Action, ...] = ()
    if session.timer_id and isinstance(parse_timer(session.timer_id), SessionIdle):
        waiting = (CancelTimer(session.timer_id),)
    if step.kind is StepKind.DONE:
        done = replace(state, session=None, state=FEEDBACK)
        return done, (*waiting, Reply(say(kb, state, "session.done"), feel_buttons(kb, state)))
    text = _step_text(kb, state, session, step, first_foot=index == 0)
    if step.kind is StepKind.FIND:
        session = replace(session, step=index)
        idle = _idle_timer(kb, session, now)
        state = replace(state, state=SESSION_FINDING, session=replace(session, timer_id=idle.timer_id))
        picture = kb.items[session.item].picture(step.foot)
        return state, (*waiting, idle, Reply(text, _buttons(kb, state, ("ready", "painful", "stop")), image=picture))
    timer_id = str(SessionStep(session.number, index + 1))
    state = replace(state, state=SESSION_RUNNING, session=replace(session, step=index, timer_id=timer_id))
    return state, (
        *waiting,
        Reply(text, _buttons(kb, state, ("pause", "painful", "stop")), card=f"session:{session.number}"),
        ScheduleTimer(timer_id, now + timedelta(seconds=step.seconds), priority=0),
    )


def _plan(kb: Knowledge, state: Conversation) -> tuple[Step, ...]:
    session = state.session
    assert session is not None
    technique = kb.items[session.item].technique
    if session.pace:
        technique = paced(technique, session.pace, kb.policy.min_rest_seconds, kb.policy.max_rest_seconds)
    return plan_session(technique, session.feet, state.per_round)


def _step_text(kb: Knowledge, state: Conversation, session: Session, step: Step, *, first_foot: bool) -> str:
    foot = say(kb, state, f"foot.{step.foot}")
    rounds = say(kb, state, "session.round", round=step.round, rounds=step.rounds) if step.rounds > 1 else ""
    gently = say(kb, state, "session.gently") if session.light else ""
    if step.kind is StepKind.FIND:
        where = _where(kb, state, session.item)
        key = "session.find" if first_foot else "session.find-next"
        if kb.items[session.item].is_zone:
            key += "-zone"
        inline = say(kb, state, f"foot.{step.foot}.inline")
        return say(kb, state, key, foot=foot, foot_inline=inline, name=item_name(kb, state, session.item), where=where)
    if step.kind is StepKind.PRESS:
        tool = kb.items[session.item].technique.tool
        key = f"session.press.{tool}" if f"session.press.{tool}" in kb.content.messages["en"] else "session.press"
        return say(kb, state, key, rep=step.rep, reps=step.reps, seconds=step.seconds, rounds=rounds, gently=gently)
    if step.kind is StepKind.ROUND:
        t = kb.items[session.item].technique
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


def _where(kb: Knowledge, state: Conversation, key: str) -> str:
    text = kb.items[key].localized(state.lang)
    return f"{text.location}\n{text.how}"


def _buttons(kb: Knowledge, state: Conversation, controls: tuple[str, ...]) -> tuple[Choice, ...]:
    """Session buttons carry the session number (and Ready its step), so an old button cannot act."""
    session = state.session
    assert session is not None
    return tuple(
        button(kb, state, Control(control, session.number, session.step), f"button.{control}") for control in controls
    )


def is_current(state: Conversation, control: Control) -> bool:
    """True when a tapped session button belongs to the running session (Ready: to its current step)."""
    session = state.session
    if session is None or control.session != session.number:
        return False
    return control.control != "ready" or control.step == session.step
