"""Reminders: set, list, stop; when one fires, offer start now / snooze / skip / stop."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.engine.actions import Action, CancelTimer, Choice, Reply, ScheduleTimer
from bot.engine.clock_math import next_local, zone
from bot.engine.common import Turn, button, item_name, menu_choices, say, start_buttons, to_idle
from bot.engine.events import TimerFired
from bot.engine.knowledge import Knowledge
from bot.engine.state import REMINDER_TIME, SESSION_RUNNING, SESSION_STATES, Conversation, Reminder
from bot.nlu import When

SUGGESTED_TIMES = ((21, 0), (22, 0), (22, 30))


def ask_time(kb: Knowledge, state: Conversation) -> Turn:
    """Ask when to remind, with a few bedtime suggestions."""
    state = replace(to_idle(state), state=REMINDER_TIME)
    return state, (time_question(kb, state),)


def time_question(kb: Knowledge, state: Conversation) -> Reply:
    """The "what time?" question with suggested times."""
    choices = tuple(
        Choice(f"remat:{h:02d}:{m:02d}", say(kb, state, "button.every-night", time=f"{h:02d}:{m:02d}"))
        for h, m in SUGGESTED_TIMES
    )
    return Reply(say(kb, state, "reminder.ask-time"), choices)


def set_reminder(kb: Knowledge, state: Conversation, when: When, now: datetime) -> Turn:
    """Create a reminder from a parsed time phrase and schedule its first firing."""
    tz = zone(state.tz, kb.policy.default_tz)
    number = state.counter + 1
    if when.in_minutes is not None:
        at = now + timedelta(minutes=when.in_minutes)
        local = at.astimezone(tz)
        reminder = Reminder(number, daily=False, hour=local.hour, minute=local.minute, once_at=at.isoformat())
    elif when.hour is not None:
        minute = when.minute or 0
        at = next_local(when.hour, minute, tz, now)
        reminder = Reminder(
            number, daily=when.daily, hour=when.hour, minute=minute, once_at=None if when.daily else at.isoformat()
        )
    else:
        return ask_time(kb, state)
    if reminder.daily and any(
        r.daily and (r.hour, r.minute) == (reminder.hour, reminder.minute) for r in state.reminders
    ):
        text = say(kb, state, "reminder.exists", time=f"{reminder.hour:02d}:{reminder.minute:02d}")
        return to_idle(state), (Reply(text, (button(kb, state, "rem:list", "button.my-reminders"),)),)
    state = replace(to_idle(state), counter=number, reminders=(*state.reminders, reminder))
    key = "reminder.set-daily" if reminder.daily else "reminder.set-once"
    text = say(
        kb,
        state,
        key,
        time=f"{reminder.hour:02d}:{reminder.minute:02d}",
        tz=tz.key,
        date=at.astimezone(tz).strftime("%a %d %b"),
    )
    if state.window_hours:
        text += "\n\n" + say(kb, state, "reminder.window-note", hours=state.window_hours)
    return state, (
        ScheduleTimer(f"reminder:{number}", at),
        Reply(text, (button(kb, state, "rem:list", "button.my-reminders"), button(kb, state, "menu", "button.menu"))),
    )


def list_reminders(kb: Knowledge, state: Conversation) -> Turn:
    """Show the person's reminders, each with a stop button."""
    if not state.reminders:
        return state, (Reply(say(kb, state, "reminder.none"), (button(kb, state, "rem:ask", "menu.reminder"),)),)
    lines = [say(kb, state, "reminder.list")]
    choices: list[Choice] = []
    for r in state.reminders:
        time = f"{r.hour:02d}:{r.minute:02d}"
        lines.append(say(kb, state, "reminder.line-daily" if r.daily else "reminder.line-once", time=time))
        choices.append(button(kb, state, f"rem:stop:{r.id}", "button.stop-reminder", time=time))
    return state, (Reply("\n".join(lines), tuple(choices)),)


def stop_reminders(kb: Knowledge, state: Conversation, reminder_id: int | None = None) -> Turn:
    """Stop one reminder, or all of them."""
    gone = [r for r in state.reminders if reminder_id is None or r.id == reminder_id]
    keep = tuple(r for r in state.reminders if r not in gone)
    actions: list[Action] = []
    for r in gone:
        actions += [CancelTimer(f"reminder:{r.id}"), CancelTimer(f"snooze:{r.id}")]
    if reminder_id is None:
        actions.append(CancelTimer(LATER))
    else:
        actions.append(CancelTimer(f"snooze:{reminder_id}"))
    key = "reminder.stopped-all" if reminder_id is None else "reminder.stopped-one"
    if not gone and reminder_id is None:
        key = "reminder.none"
    return replace(state, reminders=keep), (*actions, Reply(say(kb, state, key), menu_choices(kb, state)))


def on_timer(kb: Knowledge, state: Conversation, event: TimerFired, now: datetime) -> Turn:
    """A reminder or its snooze is due: offer a session (if not too late), and schedule the next night."""
    kind, _, number = event.timer_id.partition(":")
    reminder = next((r for r in state.reminders if str(r.id) == number), None)
    if reminder is None and kind == "reminder":
        return state, ()  # stopped meanwhile (a snooze outlives a one-off reminder, on purpose)
    actions: list[Action] = []
    if kind == "reminder" and reminder is not None:
        if reminder.daily:
            tz = zone(state.tz, kb.policy.default_tz)
            actions.append(ScheduleTimer(event.timer_id, next_local(reminder.hour, reminder.minute, tz, now)))
        else:
            state = replace(state, reminders=tuple(r for r in state.reminders if r.id != reminder.id))
    too_late = now - event.due_at > timedelta(minutes=kb.policy.reminder_grace_minutes)
    if too_late or state.state == SESSION_RUNNING:
        return state, tuple(actions)
    rid = int(number) if number.isascii() and number.isdecimal() else 0
    choices = (
        button(kb, state, f"rem:start:{rid}", "button.start-now"),
        button(kb, state, f"rem:snooze:{rid}", "button.snooze", minutes=kb.policy.snooze_minutes),
        button(kb, state, f"rem:skip:{rid}", "button.skip-tonight"),
        button(kb, state, f"rem:stop:{rid}", "button.stop-reminder-short"),
    )
    key = "reminder.due" if reminder is None or reminder.daily else "reminder.due-once"
    # Marked as the "reminder" template: a channel that may only send templates outside a window uses it.
    return state, (*actions, Reply(say(kb, state, key), choices, template="reminder"))


def on_later(kb: Knowledge, state: Conversation, event: TimerFired) -> Turn:
    """The hour of "not yet" is over: offer the session that had to wait."""
    item = event.payload
    if state.state in SESSION_STATES or not item:  # never interrupt a session
        return state, ()
    text = say(kb, state, "reminder.later-due", name=item_name(kb, state, item))
    return state, (Reply(text, (*start_buttons(kb, state, (item,)), button(kb, state, "menu", "button.menu"))),)


LATER = "later"  # one "not yet, remind me later" at a time: a second tap moves it, never doubles it


def schedule_later(kb: Knowledge, state: Conversation, item: str, now: datetime) -> Turn:
    """Remind about a session that had to wait ("not yet")."""
    at = now + timedelta(minutes=kb.policy.later_minutes)
    text = say(kb, state, "reminder.later-set", minutes=kb.policy.later_minutes)
    return state, (ScheduleTimer(LATER, at, payload=item), Reply(text))


def on_reminder_button(kb: Knowledge, state: Conversation, verb: str, rid: int, now: datetime) -> Turn:
    """snooze / skip / stop from a reminder message (a one-off reminder is gone by then: that is fine)."""
    if verb == "stop":
        return stop_reminders(kb, state, rid)
    if verb == "snooze":
        at = now + timedelta(minutes=kb.policy.snooze_minutes)
        text = say(kb, state, "reminder.snoozed", minutes=kb.policy.snooze_minutes)
        return state, (ScheduleTimer(f"snooze:{rid}", at), Reply(text))
    return state, (CancelTimer(f"snooze:{rid}"), Reply(say(kb, state, "reminder.skipped")))


def rearm(kb: Knowledge, state: Conversation, now: datetime) -> tuple[Action, ...]:
    """Schedule every daily reminder's next night again (after a time zone change or a return)."""
    tz = zone(state.tz, kb.policy.default_tz)
    return tuple(
        ScheduleTimer(f"reminder:{r.id}", next_local(r.hour, r.minute, tz, now)) for r in state.reminders if r.daily
    )


def all_timers_off(state: Conversation) -> tuple[Action, ...]:
    """Cancel every timer the person has: reminders, snoozes, "later" and a session's next step."""
    session = (CancelTimer(state.session.timer_id),) if state.session and state.session.timer_id else ()
    return (*session, *quiet_timers(state), *(CancelTimer(f"reminder:{r.id}") for r in state.reminders))


def quiet_timers(state: Conversation) -> tuple[Action, ...]:
    """Cancel the nudges that are not reminders themselves: "remind me later" and every snooze."""
    return (CancelTimer(LATER), *(CancelTimer(f"snooze:{r.id}") for r in state.reminders))
