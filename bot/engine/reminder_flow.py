"""Reminders: set, list, stop; when one fires, offer start now / snooze / skip / stop."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

from babel.dates import format_date
from babel.lists import format_list

from bot.engine.actions import Action, CancelTimer, Reply, ScheduleTimer
from bot.engine.choices import (
    ASK_REMINDER,
    LIST_REMINDERS,
    SUGGESTED_TIMES,
    Command,
    Confirm,
    RemindAt,
    ReminderReply,
)
from bot.engine.clock_math import next_local, zone
from bot.engine.common import Turn, button, item_name, locale_of, menu_reply, say, start_buttons, to_idle
from bot.engine.events import TimerFired
from bot.engine.knowledge import Knowledge
from bot.engine.state import CHECK_IN, REMINDER_TIME, SAFETY, SESSION_STATES, Conversation, Reminder
from bot.engine.timers import LATER, ReminderDue
from bot.nlu import When

WEEKDAYS = (0, 1, 2, 3, 4)
WEEKEND = (5, 6)


def ask_time(kb: Knowledge, state: Conversation) -> Turn:
    """Ask when to remind, with a few bedtime suggestions."""
    state = replace(to_idle(state), state=REMINDER_TIME)
    return state, (time_question(kb, state),)


def time_question(kb: Knowledge, state: Conversation) -> Reply:
    """The "what time?" question with suggested times."""
    choices = tuple(
        button(kb, state, RemindAt(h, m), "button.every-night", time=f"{h:02d}:{m:02d}") for h, m in SUGGESTED_TIMES
    )
    return Reply(say(kb, state, "reminder.ask-time"), choices)


def on_time_answer(
    kb: Knowledge, state: Conversation, when: When, now: datetime, *, once: bool = False, tomorrow: bool = False
) -> Turn:
    """An answer to "what time?": a clock time alone means every night (a bedtime habit), unless
    the words say once ("just tomorrow at 7")."""
    if when.in_minutes is None and not when.daily and not when.recurrence_unclear and not once:
        when = replace(when, daily=True)
    return set_reminder(kb, state, when, now, tomorrow=tomorrow)


def set_reminder(kb: Knowledge, state: Conversation, when: When, now: datetime, *, tomorrow: bool = False) -> Turn:
    """Create a reminder from a parsed time phrase and schedule its first firing.

    A repeat that could not be read ("every nite") is asked about, never made a one-off; a
    reminder that repeats one already there (same time and days) is merged into it, and said so.
    `tomorrow` ("remind me tomorrow at 10pm"): a one-off clock time falls on the next day, even when
    that time has not come yet today.
    """
    tz = zone(state.tz, kb.policy.default_tz)
    number = state.counter + 1
    if when.in_minutes is not None:
        at = now + timedelta(minutes=when.in_minutes)
        local = at.astimezone(tz)
        reminder = Reminder(number, daily=False, hour=local.hour, minute=local.minute, once_at=at.isoformat())
    elif when.hour is not None and when.recurrence_unclear:
        return _ask_repeat(kb, state, when)
    elif when.hour is not None:
        minute = when.minute or 0
        days = tuple(sorted(when.days)) if when.daily else ()
        days = () if len(days) == 7 else days
        after = now
        if tomorrow and not when.daily:  # from the first instant of tomorrow, local time
            local = now.astimezone(tz)
            after = max(now, datetime.combine(local.date() + timedelta(days=1), time(0, 0), tz) - timedelta(seconds=1))
        at = next_local(when.hour, minute, tz, after, days)
        reminder = Reminder(
            number,
            daily=when.daily,
            hour=when.hour,
            minute=minute,
            once_at=None if when.daily else at.isoformat(),
            days=days,
        )
    else:
        return ask_time(kb, state)
    same = next((r for r in state.reminders if _same_slot(r, reminder)), None)
    if same is not None:
        text = say(kb, state, "reminder.exists", when=describe(kb, state, same, tz.key))
        return to_idle(state), (Reply(text, (button(kb, state, LIST_REMINDERS, "button.my-reminders"),)),)
    state = replace(to_idle(state), counter=number, reminders=(*state.reminders, reminder))
    text = say(kb, state, "reminder.set", when=describe(kb, state, reminder, tz.key), tz=tz.key)
    if state.window_hours:
        text += "\n\n" + say(kb, state, "reminder.window-note", hours=state.window_hours)
    buttons = (
        button(kb, state, LIST_REMINDERS, "button.my-reminders"),
        button(kb, state, Command("menu"), "button.menu"),
    )
    return state, (ScheduleTimer(str(ReminderDue(number)), at), Reply(text, buttons))


def _same_slot(old: Reminder, new: Reminder) -> bool:
    """Two reminders that would ring at the same moments."""
    if (old.hour, old.minute, old.daily) != (new.hour, new.minute, new.daily):
        return False
    return old.days == new.days if old.daily else old.once_at == new.once_at


def _ask_repeat(kb: Knowledge, state: Conversation, when: When) -> Turn:
    """The time was clear, how often was not: offer every night at that time (or type another)."""
    time = f"{when.hour:02d}:{(when.minute or 0):02d}"
    state = replace(to_idle(state), state=REMINDER_TIME)
    choice = button(kb, state, RemindAt(when.hour or 0, when.minute or 0), "button.every-night", time=time)
    return state, (Reply(say(kb, state, "reminder.ask-repeat", time=time), (choice,)),)


def describe(kb: Knowledge, state: Conversation, reminder: Reminder, tz_name: str) -> str:
    """ "every night at 22:00", "weekdays at 07:00", "once, at 21:00 on Tue 01 Dec"."""
    time = f"{reminder.hour:02d}:{reminder.minute:02d}"
    if not reminder.daily:
        at = datetime.fromisoformat(reminder.once_at) if reminder.once_at else None
        date = (
            format_date(
                at.astimezone(zone(tz_name, "UTC")), "EEE d MMM", locale=locale_of(kb, state, "reminder.when-once")
            )
            if at
            else ""
        )
        return say(kb, state, "reminder.when-once", time=time, date=date)
    if reminder.days == WEEKDAYS:
        return say(kb, state, "reminder.when-weekdays", time=time)
    if reminder.days == WEEKEND:
        return say(kb, state, "reminder.when-weekend", time=time)
    if reminder.days:
        days = [say(kb, state, f"weekday.{d}") for d in reminder.days]
        names = format_list(days, locale=locale_of(kb, state, "reminder.when-days"))
        return say(kb, state, "reminder.when-days", time=time, days=names)
    return say(kb, state, "reminder.when-daily", time=time)


def list_reminders(kb: Knowledge, state: Conversation) -> Turn:
    """Show the person's reminders, each with a stop button, and those an emergency paused."""
    if not state.reminders and not state.paused_reminders:
        return state, (Reply(say(kb, state, "reminder.none"), (button(kb, state, ASK_REMINDER, "menu.reminder"),)),)
    tz = zone(state.tz, kb.policy.default_tz).key
    lines = [say(kb, state, "reminder.list")] if state.reminders else []
    lines += [f"{n}. {describe(kb, state, r, tz)}" for n, r in enumerate(state.reminders, start=1)]
    choices = tuple(
        button(kb, state, ReminderReply("stop", r.id), "button.stop-reminder-n", n=n)
        for n, r in enumerate(state.reminders, start=1)
    )
    if state.paused_reminders:
        lines += ["", say(kb, state, "reminder.paused-list")] if lines else [say(kb, state, "reminder.paused-list")]
        lines += [f"• {describe(kb, state, r, tz)}" for r in state.paused_reminders]
        choices = (*choices, button(kb, state, Confirm("resume", True), "button.resume-reminders"))
    return state, (Reply("\n".join(lines), choices),)


def stop_reminders(kb: Knowledge, state: Conversation, reminder_id: int | None = None) -> Turn:
    """Stop one reminder, or all of them."""
    gone = [r for r in state.reminders if reminder_id is None or r.id == reminder_id]
    keep = tuple(r for r in state.reminders if r not in gone)
    actions: list[Action] = []
    for r in gone:
        actions += [CancelTimer(str(ReminderDue(r.id))), CancelTimer(str(ReminderDue(r.id, snoozed=True)))]
    if reminder_id is None:
        actions.append(CancelTimer(str(LATER)))
    else:
        actions.append(CancelTimer(str(ReminderDue(reminder_id, snoozed=True))))
    key = "reminder.stopped-all" if reminder_id is None else "reminder.stopped-one"
    if not gone and reminder_id is None:
        key = "reminder.none"
    state = replace(
        state, reminders=keep, due_reminder=0 if reminder_id in (None, state.due_reminder) else state.due_reminder
    )
    return state, (*actions, menu_reply(kb, state, key))


def on_timer(kb: Knowledge, state: Conversation, event: TimerFired, timer: ReminderDue, now: datetime) -> Turn:
    """A reminder or its snooze is due: offer a session (if not too late), and schedule the next night."""
    reminder = next((r for r in state.reminders if r.id == timer.reminder), None)
    if reminder is None and not timer.snoozed:
        return state, ()  # stopped meanwhile (a snooze outlives a one-off reminder, on purpose)
    actions: list[Action] = []
    if not timer.snoozed and reminder is not None:
        if reminder.daily:
            tz = zone(state.tz, kb.policy.default_tz)
            at = next_local(reminder.hour, reminder.minute, tz, now, reminder.days)
            actions.append(ScheduleTimer(event.timer_id, at))
        else:
            state = replace(state, reminders=tuple(r for r in state.reminders if r.id != reminder.id))
    too_late = now - event.due_at > timedelta(minutes=kb.policy.reminder_grace_minutes)
    if too_late or state.state in SESSION_STATES or state.state in (SAFETY, CHECK_IN):
        return state, tuple(actions)  # never in the middle of a session, its questions, or after an emergency
    rid = timer.reminder
    state = replace(state, due_reminder=rid, due_reminder_at=now.isoformat())
    choices = (
        button(kb, state, ReminderReply("start", rid), "button.start-now"),
        button(kb, state, ReminderReply("snooze", rid), "button.snooze", minutes=kb.policy.snooze_minutes),
        button(kb, state, ReminderReply("skip", rid), "button.skip-tonight"),
        button(kb, state, ReminderReply("stop", rid), "button.stop-reminder-short"),
    )
    key = "reminder.due" if reminder is not None and reminder.daily else "reminder.due-once"
    # Marked as the "reminder" template: a channel that may only send templates outside a window uses it.
    return state, (*actions, Reply(say(kb, state, key), choices, template="reminder"))


def on_later(kb: Knowledge, state: Conversation, event: TimerFired) -> Turn:
    """The hour of "not yet" is over: offer the session that had to wait."""
    item = event.payload
    if state.state in SESSION_STATES or state.state == CHECK_IN or not item:  # never a session, nor after an emergency
        return state, ()
    text = say(kb, state, "reminder.later-due", name=item_name(kb, state, item))
    return state, (
        Reply(text, (*start_buttons(kb, state, (item,)), button(kb, state, Command("menu"), "button.menu"))),
    )


def schedule_later(kb: Knowledge, state: Conversation, item: str, now: datetime) -> Turn:
    """Remind about a session that had to wait ("not yet")."""
    at = now + timedelta(minutes=kb.policy.later_minutes)
    text = say(kb, state, "reminder.later-set", minutes=kb.policy.later_minutes)
    return state, (ScheduleTimer(str(LATER), at, payload=item), Reply(text))


def on_reminder_reply(kb: Knowledge, state: Conversation, verb: str, rid: int, now: datetime) -> Turn:
    """Start now / snooze / skip / stop, answering a reminder (tapped or typed).

    Only the reminder that is waiting for an answer can be snoozed, skipped or started from; an old
    button says so instead of pretending ("Skipping tonight" with nothing to skip).
    """
    if verb == "stop":
        return stop_reminders(kb, state, rid)
    if not rid or rid != waiting(kb, state, now):
        return state, (menu_reply(kb, state, "reminder.nothing-due"),)
    if verb == "start":
        return start_now(kb, state, now)
    state = replace(state, due_reminder=0)
    if verb == "snooze":
        at = now + timedelta(minutes=kb.policy.snooze_minutes)
        text = say(kb, state, "reminder.snoozed", minutes=kb.policy.snooze_minutes)
        return state, (ScheduleTimer(str(ReminderDue(rid, snoozed=True)), at), Reply(text))
    return state, (CancelTimer(str(ReminderDue(rid, snoozed=True))), Reply(say(kb, state, "reminder.skipped")))


def waiting(kb: Knowledge, state: Conversation, now: datetime) -> int:
    """The reminder waiting for an answer (start now, snooze, skip), or 0: one that came due in the
    last `reminder_grace_minutes` and was not answered."""
    if not state.due_reminder or not state.due_reminder_at:
        return 0
    since = now - datetime.fromisoformat(state.due_reminder_at)
    return state.due_reminder if since <= timedelta(minutes=kb.policy.reminder_grace_minutes) else 0


def start_now(kb: Knowledge, state: Conversation, now: datetime) -> Turn:
    """ "Start now" from a reminder: the point that helped last time, or what they used last."""
    from bot.engine.safety_flow import request_start

    state = replace(state, due_reminder=0)
    helped = next((f.item for f in reversed(state.history) if f.feeling == "better" and f.item in kb.items), "")
    item = helped or (state.last_item if state.last_item in kb.items else "")
    if item:
        state, actions = request_start(kb, state, item, now)
        key = "reminder.starting-helped" if helped else "reminder.starting-last"
        intro = say(kb, state, key, name=item_name(kb, state, item))
        first = next(i for i, a in enumerate(actions) if isinstance(a, Reply))
        reply = actions[first]
        assert isinstance(reply, Reply)
        return state, (*actions[:first], replace(reply, text=f"{intro}\n\n{reply.text}"), *actions[first + 1 :])
    return to_idle(state), (menu_reply(kb, state, "reminder.how-feel"),)


def rearm(kb: Knowledge, state: Conversation, now: datetime) -> tuple[Action, ...]:
    """Schedule every daily reminder's next night again (after a time zone change or a return)."""
    tz = zone(state.tz, kb.policy.default_tz)
    return tuple(
        ScheduleTimer(str(ReminderDue(r.id)), next_local(r.hour, r.minute, tz, now, r.days))
        for r in state.reminders
        if r.daily
    )


def all_timers_off(state: Conversation) -> tuple[Action, ...]:
    """Cancel every timer the person has: reminders, snoozes, "later" and a session's next step."""
    session = (CancelTimer(state.session.timer_id),) if state.session and state.session.timer_id else ()
    return (*session, *quiet_timers(state), *(CancelTimer(str(ReminderDue(r.id))) for r in state.reminders))


def pause_all(state: Conversation) -> tuple[Conversation, tuple[Action, ...]]:
    """Every timer off (an emergency): session step, snoozes, "later", and the reminders themselves,
    which are kept aside (`paused_reminders`), not deleted, to be turned back on when the person is safe."""
    paused = tuple({r.id: r for r in (*state.paused_reminders, *state.reminders)}.values())
    quiet = replace(state, reminders=(), paused_reminders=paused, due_reminder=0, due_reminder_at="")
    return quiet, all_timers_off(state)


def resume_paused(kb: Knowledge, state: Conversation, now: datetime) -> tuple[Conversation, tuple[Action, ...]]:
    """The paused reminders back on, as they were: a repeating one at its next time, a one-off one at its
    instant if still ahead (one whose moment passed meanwhile is dropped, as is one set again meanwhile)."""
    tz = zone(state.tz, kb.policy.default_tz)
    back: list[Reminder] = []
    actions: list[Action] = []
    for reminder in state.paused_reminders:
        if reminder.daily:
            at = next_local(reminder.hour, reminder.minute, tz, now, reminder.days)
        elif reminder.once_at and datetime.fromisoformat(reminder.once_at) > now:
            at = datetime.fromisoformat(reminder.once_at)
        else:
            continue
        if any(_same_slot(other, reminder) for other in (*state.reminders, *back)):
            continue
        back.append(reminder)
        actions.append(ScheduleTimer(str(ReminderDue(reminder.id)), at))
    return replace(state, reminders=(*state.reminders, *back), paused_reminders=()), tuple(actions)


def quiet_timers(state: Conversation) -> tuple[Action, ...]:
    """Cancel the nudges that are not reminders themselves: "remind me later" and every snooze."""
    return (CancelTimer(str(LATER)), *(CancelTimer(str(ReminderDue(r.id, snoozed=True))) for r in state.reminders))
