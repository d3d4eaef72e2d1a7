"""The conversation as a pure function: step(kb, state, event, now) -> (state, actions).

`step` keeps only what holds in every state (opt-out, timers, red flags and concerns, global commands,
typed numbers and labels); everything else is looked up in `HANDLERS`, one row per named state
(`bot/engine/table.py`), the way h11 keeps its transitions in one table.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.engine import appointment_flow, my_data_flow, reminder_flow, retention_flow, session_flow
from bot.engine.actions import Action, Reply
from bot.engine.bidi import isolate_reply
from bot.engine.choices import AppointmentAnswer, Confirm, parse_choice
from bot.engine.common import Turn, menu_reply, say, stop_session, to_idle
from bot.engine.events import (
    AppointmentSet,
    ChoicePicked,
    DataGathered,
    Event,
    OptIn,
    OptOut,
    Reset,
    StaffHandled,
    Started,
    TextReceived,
    TimerFired,
    TimezoneSet,
    Unreachable,
)
from bot.engine.general import ALWAYS, Said, concern, emergency, on_intent, set_timezone
from bot.engine.knowledge import Knowledge
from bot.engine.offer_flow import offer
from bot.engine.safety_flow import statement_in_session
from bot.engine.state import CHECK_IN, DELETE_CONFIRM, NEW, SESSION_STATES, Conversation
from bot.engine.table import HANDLERS, anywhere_choice, typed_choice
from bot.engine.timers import (
    AppointmentDue,
    EraseNotice,
    LaterDue,
    ReminderDue,
    SessionIdle,
    SessionStep,
    parse_timer,
)
from bot.nlu import Understanding


def step(kb: Knowledge, state: Conversation, event: Event, *, now: datetime) -> Turn:
    """Advance one person's conversation by one event; never does I/O, never reads a clock."""
    state, actions = _step(kb, state, event, now)
    actions = tuple(isolate_reply(a) if isinstance(a, Reply) else a for a in actions)
    shown = next((a.choices for a in reversed(actions) if isinstance(a, Reply) and a.choices), None)
    if shown is not None and shown != state.shown:
        state = replace(state, shown=shown)  # a typed number picks from these
    return state, actions


def prompt(kb: Knowledge, state: Conversation) -> Reply:
    """The question the conversation is waiting on, asked again (also used for stale buttons)."""
    return HANDLERS[state.state].prompt(kb, state)


def _step(kb: Knowledge, state: Conversation, event: Event, now: datetime) -> Turn:
    if isinstance(event, OptIn):
        if not state.opted_out:
            return state, (menu_reply(kb, state, "optin.already"),)
        state = replace(state, opted_out=False)
        return state, (*reminder_flow.rearm(kb, state, now), menu_reply(kb, state, "optin.done"))
    if isinstance(event, OptOut):
        if state.state in SESSION_STATES:  # "stop" in a session stops the session, not every message
            state, actions = session_flow.on_control(kb, state, "stop", now)
            return state, (*actions, Reply(say(kb, state, "optout.hint")))
        quiet = replace(to_idle(state), session=None, opted_out=True)
        return quiet, (*reminder_flow.all_timers_off(state), Reply(say(kb, state, "optout.done")))
    if state.opted_out:
        if isinstance(event, TextReceived):  # after STOP we stay quiet, except to someone in danger
            understood = kb.matcher.understand(event.text, prior=state.lang)
            state = follow_language(kb, state, understood)
            if understood.red_flag:
                return emergency(kb, state, understood, now)
            if understood.concern is not None and understood.severity == "urgent":
                return concern(kb, state, understood, now)  # "see a doctor today" is said even now
        return state, ()  # nothing is sent after STOP until START
    if isinstance(event, TimerFired):
        return (state, ()) if state.unreachable else _on_timer(kb, state, event, now)
    if isinstance(event, Unreachable):
        # They blocked the bot: every timer stops; their next message brings them back (to the
        # check-in, if it is owed).
        stopped = replace(state if state.state == CHECK_IN else to_idle(state), session=None, unreachable=True)
        return stopped, reminder_flow.all_timers_off(state)
    if isinstance(event, TimezoneSet):
        return set_timezone(kb, state, event.tz, now)
    if isinstance(event, StaffHandled):
        return state, (Reply(say(kb, state, "booking.handled", ref=event.ref)),)
    if isinstance(event, AppointmentSet):
        return appointment_flow.on_set(kb, state, event, now)
    if isinstance(event, DataGathered):  # what "my data" asked for, read by the runtime
        shown = my_data_flow.summary(kb, state, event.kept, now)
        row = HANDLERS[state.state]
        if row.question:  # asked while a question waits: the summary, then the question again
            return state, (replace(shown, choices=()), row.prompt(kb, state))
        return state, (shown,)
    if isinstance(event, Reset):
        state, cancel = stop_session(state)
        state = to_idle(state)
        return state, (*cancel, menu_reply(kb, state, "start-over"))
    said = None
    if isinstance(event, TextReceived):
        if state.state == NEW and event.lang_hint in kb.content.conversing:
            state = replace(state, lang=event.lang_hint)  # their app's language, until they write in another
        understood = kb.matcher.understand(event.text, prior=state.lang)
        if not event.command:
            state = follow_language(kb, state, understood)
        said = Said.of(event.text, understood, kb.words(understood.read_as or understood.lang))
        if said.u.red_flag:
            return emergency(kb, state, said.u, now)
        if said.u.concern is not None:  # see a doctor (today): no points, from any state
            return concern(kb, replace(state, last_inbound=now.isoformat()), said.u, now)
    state = replace(state, last_inbound=now.isoformat())  # the person wrote or tapped: their window opens
    intro: tuple[Action, ...] = ()
    if state.unreachable:  # back after blocking the bot: reminders resume
        state = replace(state, unreachable=False)
        intro = reminder_flow.rearm(kb, state, now)
    if isinstance(event, Started) and not state.intro_seen and event.lang_hint in kb.content.conversing:
        state = replace(state, lang=event.lang_hint)  # their app's language, until they write in another
    if state.state == NEW or not state.intro_seen:
        state = replace(to_idle(state) if state.state == NEW else state, intro_seen=True)
        intro = (*intro, Reply(say(kb, state, "welcome") + "\n\n" + say(kb, state, "about")))
    if isinstance(event, Started):
        state, actions = _on_started(kb, state, event)
    elif isinstance(event, ChoicePicked):
        state, actions = on_choice(kb, state, event.choice_id, now)
    else:
        assert said is not None
        state, actions = _on_text(kb, state, said, now)
    return state, (*intro, *actions)


def follow_language(kb: Knowledge, state: Conversation, u: Understanding) -> Conversation:
    """The conversation in the language the person writes in, once a message says enough to tell: they
    switch, the bot switches ("ok" or "2" changes nothing). In the script they write it in, where its
    messages are written in that script: Roman Hindi/Urdu is answered in Roman letters (`hi-Latn`), which
    Urdu readers can read and Devanagari they often cannot; Arabizi gets Arabic script (`ar`)."""
    lang = u.read_as if u.read_as in kb.content.messages else u.lang
    if u.lang_sure and lang != state.lang and (lang in kb.content.messages or lang in kb.content.languages):
        return replace(state, lang=lang)
    return state


def on_choice(kb: Knowledge, state: Conversation, raw: str, now: datetime) -> Turn:
    """A tapped (or typed) button: the state's row first, then the buttons that work anywhere."""
    choice = parse_choice(raw)
    turn = None
    if isinstance(choice, AppointmentAnswer):  # answered from any state, a session's included
        return appointment_flow.on_answer(kb, state, choice)
    if choice is not None:
        row = HANDLERS[state.state]
        turn = row.on_choice(kb, state, choice, now)
        if turn is None and row.anywhere:
            turn = anywhere_choice(kb, state, choice, now)
    if turn is None:
        return state, (Reply(say(kb, state, "stale-button")), prompt(kb, state))
    return turn


def _on_started(kb: Knowledge, state: Conversation, event: Started) -> Turn:
    if not HANDLERS[state.state].anywhere:  # a session, or the check-in after an emergency: it stays
        return state, (prompt(kb, state),)
    payload = event.payload.strip()[:64]
    if payload:
        u = kb.matcher.understand(payload.replace("-", " ").replace("_", " "), state.lang)
        ids = tuple(s.id for s in u.symptoms) or ((payload,) if payload in kb.content.symptoms else ())
        if ids and not u.red_flag:
            return offer(kb, state, ids)
    return state, (menu_reply(kb, state),)


def _on_text(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    if not said.text.strip():
        return state, (Reply(say(kb, state, "empty")), prompt(kb, state))
    if state.state == DELETE_CONFIRM and said.u.intent == "delete-data" and not said.asks:
        return on_choice(kb, state, str(Confirm("delete", True)), now)  # "delete everything" to "delete?"
    if said.u.intent in ALWAYS:
        return on_intent(kb, state, said, now)
    if state.state in SESSION_STATES:  # "wait, I'm pregnant": heard before any button it may also name
        stated = statement_in_session(kb, state, said, now)
        if stated is not None:
            return stated
    row = HANDLERS[state.state]
    if said.u.intent == "help" and row.question and state.state not in SESSION_STATES:
        return state, (Reply(say(kb, state, "help")), row.prompt(kb, state))  # and the question stays
    picked = typed_choice(kb, state, said)
    if picked is not None:
        return on_choice(kb, state, str(picked), now)
    return HANDLERS[state.state].on_text(kb, state, said, now)


def _on_timer(kb: Knowledge, state: Conversation, event: TimerFired, now: datetime) -> Turn:
    timer = parse_timer(event.timer_id)
    if isinstance(timer, SessionStep | SessionIdle):
        return session_flow.on_timer(kb, state, event, timer, now)
    if isinstance(timer, ReminderDue):
        return reminder_flow.on_timer(kb, state, event, timer, now)
    if isinstance(timer, LaterDue):
        return reminder_flow.on_later(kb, state, event)
    if isinstance(timer, AppointmentDue):
        return appointment_flow.on_timer(kb, state, event, timer)
    if isinstance(timer, EraseNotice):
        return retention_flow.on_notice(kb, state, event)
    return state, ()
