"""The conversation as a pure function: step(kb, state, event, now) -> (state, actions).

Order of concerns on every message: red flags first (in any state), then the question the person is
answering, then global commands, then symptoms, questions and the menu.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.engine import booking_flow, reminder_flow, safety_flow, session_flow
from bot.engine.actions import Action, CancelTimer, Forget, Record, Reply
from bot.engine.clock_math import zone
from bot.engine.common import (
    Turn,
    button,
    feel_buttons,
    menu_choices,
    say,
    start_buttons,
    stop_session,
    to_idle,
)
from bot.engine.events import (
    ChoicePicked,
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
from bot.engine.knowledge import Knowledge
from bot.engine.offer_flow import did_you_mean, offer
from bot.engine.safety import HEDGES, OPTIONS, answers_after_red_flag, is_pregnant, says_pregnant, typed_answer
from bot.engine.state import (
    BOOKING_BRANCH,
    BOOKING_CONSENT,
    BOOKING_NAME,
    BOOKING_WHEN,
    DELETE_CONFIRM,
    DID_YOU_MEAN,
    FEEDBACK,
    IDLE,
    NEW,
    OFFERED,
    REMINDER_TIME,
    SAFETY,
    SESSION_STATES,
    Conversation,
    Feedback,
    SafetyAnswer,
)
from bot.nlu import Understanding, When
from bot.nlu.labels import match_label

# Intents that give way when the same message names a symptom ("hi, I feel bloated").
WEAK_INTENTS = frozenset(
    {
        "greeting",
        "thanks",
        "yes",
        "no",
        "ready",
        "better",
        "same",
        "worse",
        "stop",
        "pause",
        "resume",
        "skip",
        "snooze",
        "too-painful",
    }
)
# Commands that work even while a free-text answer or a session is expected.
ALWAYS = frozenset({"help", "start-over", "about", "delete-data"})
SESSION_INTENTS = {"ready": "ready", "pause": "pause", "resume": "resume", "stop": "stop", "too-painful": "painful"}
FEELINGS = ("better", "same", "worse")
# States that wait for an answer: an unrelated message gets the question again, not the menu.
QUESTION_STATES = frozenset({DID_YOU_MEAN, REMINDER_TIME, BOOKING_BRANCH, BOOKING_CONSENT, DELETE_CONFIRM})


def step(kb: Knowledge, state: Conversation, event: Event, *, now: datetime) -> Turn:
    """Advance one person's conversation by one event; never does I/O, never reads a clock."""
    if isinstance(event, OptIn):
        if not state.opted_out:
            return state, (Reply(say(kb, state, "optin.already"), menu_choices(kb, state)),)
        state = replace(state, opted_out=False)
        welcome = Reply(say(kb, state, "optin.done"), menu_choices(kb, state))
        return state, (*reminder_flow.rearm(kb, state, now), welcome)
    if isinstance(event, OptOut):
        if state.state in SESSION_STATES:  # "stop" in a session stops the session, not every message
            state, actions = session_flow.on_control(kb, state, "stop", now)
            return state, (*actions, Reply(say(kb, state, "optout.hint")))
        quiet = replace(to_idle(state), session=None, opted_out=True)
        return quiet, (*reminder_flow.all_timers_off(state), Reply(say(kb, state, "optout.done")))
    if state.opted_out:
        return state, ()  # nothing is sent after STOP until START
    if isinstance(event, TimerFired):
        if state.unreachable:
            return state, ()
        return _on_timer(kb, state, event, now)
    if isinstance(event, Unreachable):
        # They blocked the bot: every timer stops; their next message brings them back.
        stopped = replace(to_idle(state), session=None, unreachable=True)
        return stopped, reminder_flow.all_timers_off(state)
    if isinstance(event, TimezoneSet):
        return _set_timezone(kb, state, event.tz, now)
    if isinstance(event, StaffHandled):
        return state, (Reply(say(kb, state, "booking.handled", ref=event.ref)),)
    if isinstance(event, Reset):
        state, cancel = stop_session(state)
        state = to_idle(state)
        return state, (*cancel, Reply(say(kb, state, "start-over"), menu_choices(kb, state)))
    understanding = None
    if isinstance(event, TextReceived):
        understanding = kb.matcher.understand(event.text, state.lang)
        if understanding.red_flag:
            return _emergency(kb, state, understanding, now)
    state = replace(state, last_inbound=now.isoformat())  # the person wrote or tapped: their window opens
    intro: tuple[Action, ...] = ()
    if state.unreachable:  # back after blocking the bot: reminders resume
        state = replace(state, unreachable=False)
        intro = reminder_flow.rearm(kb, state, now)
    if state.state == NEW or not state.intro_seen:
        state = replace(state, state=IDLE if state.state == NEW else state.state, intro_seen=True)
        intro = (*intro, Reply(say(kb, state, "welcome") + "\n\n" + say(kb, state, "about")))
    if isinstance(event, Started):
        state, actions = _on_started(kb, state, event)
    elif isinstance(event, ChoicePicked):
        state, actions = _on_choice(kb, state, event.choice_id.strip()[:64], now)
    else:
        assert understanding is not None
        state, actions = _on_text(kb, state, event.text, understanding, now)
    return state, (*intro, *actions)


def prompt(kb: Knowledge, state: Conversation) -> Reply:
    """The question the conversation is waiting on, asked again (also used for stale buttons)."""
    if state.state == SAFETY and state.question:
        return safety_flow.question_reply(kb, state)
    if state.state in SESSION_STATES and state.session is not None:
        return session_flow.reprompt(kb, state)
    if state.state == FEEDBACK:
        return Reply(say(kb, state, "session.how-now"), feel_buttons(kb, state))
    if state.state == REMINDER_TIME:
        return reminder_flow.time_question(kb, state)
    if state.state in (BOOKING_BRANCH, BOOKING_WHEN, BOOKING_NAME, BOOKING_CONSENT):
        return booking_flow.prompt(kb, state)
    if state.state == DELETE_CONFIRM:
        return _delete_question(kb, state)
    if state.state == DID_YOU_MEAN:
        return did_you_mean(kb, state, state.maybe)[1][0]  # type: ignore[return-value]
    if state.state == OFFERED and state.offered:
        return Reply(say(kb, state, "offer.pick"), start_buttons(kb, state, state.offered))
    return Reply(say(kb, state, "menu"), menu_choices(kb, state))


def _emergency(kb: Knowledge, state: Conversation, u: Understanding, now: datetime) -> Turn:
    """Emergency advice and nothing else: every session and nudge stops, and what it revealed is kept."""
    kind = u.red_flag_kind or "emergency"
    state, cancel = stop_session(state)
    answers = answers_after_red_flag(kind, state.answers, now)
    state = replace(to_idle(state), intro_seen=True, answers=answers)
    text = say(kb, state, f"emergency.{kind}")
    return state, (*cancel, *reminder_flow.quiet_timers(state), Reply(text, urgent=True))


def _on_started(kb: Knowledge, state: Conversation, event: Started) -> Turn:
    payload = event.payload.strip()[:64]
    if payload:
        u = kb.matcher.understand(payload.replace("-", " ").replace("_", " "), state.lang)
        ids = tuple(s.id for s in u.symptoms) or ((payload,) if payload in kb.content.symptoms else ())
        if ids and not u.red_flag:
            return offer(kb, state, ids)
    return state, (Reply(say(kb, state, "menu"), menu_choices(kb, state)),)


def _on_text(kb: Knowledge, state: Conversation, text: str, u: Understanding, now: datetime) -> Turn:
    if not text.strip():
        return state, (Reply(say(kb, state, "empty")), prompt(kb, state))
    intent = u.intent
    if intent in ALWAYS:
        return _on_intent(kb, state, u, now)
    current = prompt(kb, state)
    words = u.text.split()
    if state.state in SESSION_STATES:
        if intent in SESSION_INTENTS:
            return session_flow.on_control(kb, state, SESSION_INTENTS[intent], now)
        return state, (current,)
    if state.state not in (IDLE, NEW) and current.choices:
        # Deleting everything takes words or the button itself: never a bare number.
        numbers_ok = state.state != DELETE_CONFIRM
        picked = match_label(text, [c.label for c in current.choices]) if numbers_ok or words else None
        if picked is not None and (numbers_ok or not text.strip().isdecimal()):
            return _on_choice(kb, state, current.choices[picked].id, now)
    if state.state == SAFETY:
        if intent == "stop":
            state = to_idle(state)
            return state, (Reply(say(kb, state, "safety.cancelled"), menu_choices(kb, state)),)
        answer = typed_answer(state.question, words, intent)
        if answer is not None:
            return safety_flow.on_answer(kb, state, state.question, answer, now)
        return state, (Reply(say(kb, state, "safety.please-answer")), current)
    if state.state in (BOOKING_WHEN, BOOKING_NAME):
        return booking_flow.on_text(kb, state, text)
    # Consent and deletion take a plain yes/no in words: never an emoji, never a hedged sentence.
    plain = intent in ("yes", "no") and len(words) <= 3 and not HEDGES & set(words)
    plain = plain and any(ch.isalpha() for ch in text)
    if state.state == BOOKING_CONSENT and plain:
        return booking_flow.on_consent(kb, state, intent == "yes", now)
    if state.state == DELETE_CONFIRM and plain:
        return _on_choice(kb, state, f"delete:{intent}", now)
    if state.state == REMINDER_TIME and u.when is not None:
        when = u.when if u.when.in_minutes is not None else replace(u.when, daily=True)  # a bedtime habit
        return reminder_flow.set_reminder(kb, state, when, now)
    if state.state == FEEDBACK and intent in FEELINGS:
        return _feedback(kb, state, intent, now)
    if intent is not None and not (u.symptoms and intent in WEAK_INTENTS):
        return _on_intent(kb, state, u, now)
    if says_pregnant(words) and not is_pregnant(state.answers):
        # "I'm pregnant and my back aches": remembered before anything is offered.
        answers = {**state.answers, "pregnancy": SafetyAnswer("yes", now.isoformat())}
        state = replace(state, answers=answers)
    if u.symptoms:
        return offer(kb, state, tuple(s.id for s in u.symptoms), u.negated)
    if u.maybe:
        return did_you_mean(kb, state, tuple(s.id for s in u.maybe))
    if u.faq is not None:
        return state, (_faq_answer(kb, state, u.faq),)
    if state.state in QUESTION_STATES:
        return state, (Reply(say(kb, state, "please-pick")), current)
    return state, (Reply(say(kb, state, "offtopic"), menu_choices(kb, state)),)


def _on_intent(kb: Knowledge, state: Conversation, u: Understanding, now: datetime) -> Turn:
    intent = u.intent or ""
    if intent == "start-over":
        state, cancel = stop_session(state)
        state = to_idle(state)
        cancel = (*cancel, CancelTimer(reminder_flow.LATER))
        return state, (*cancel, Reply(say(kb, state, "start-over"), menu_choices(kb, state)))
    if intent == "delete-data":
        state, cancel = stop_session(state)
        state = replace(to_idle(state), state=DELETE_CONFIRM)
        return state, (*cancel, _delete_question(kb, state))
    if intent == "remind":
        if u.when is not None:
            return reminder_flow.set_reminder(kb, state, u.when, now)
        return reminder_flow.ask_time(kb, state)
    if intent == "reminders-list":
        return reminder_flow.list_reminders(kb, state)
    if intent == "reminders-stop":
        return reminder_flow.stop_reminders(kb, state)
    if intent == "book":
        return booking_flow.start(kb, state)
    if intent == "clinic":
        return booking_flow.show_clinic(kb, state)
    if intent == "language":
        return state, (_languages(kb, state),)
    simple = {"help": "help", "about": "about", "greeting": "greeting", "thanks": "thanks"}
    key = simple.get(intent, "nothing-running" if intent in SESSION_INTENTS or intent in ("skip", "snooze") else "menu")
    return state, (Reply(say(kb, state, key), menu_choices(kb, state)),)


def _on_choice(kb: Knowledge, state: Conversation, choice_id: str, now: datetime) -> Turn:
    head, _, rest = choice_id.partition(":")
    in_session = state.state in SESSION_STATES
    if head in session_flow.CONTROLS and in_session and session_flow.is_current(state, head, rest):
        return session_flow.on_control(kb, state, head, now)
    if head == "ans" and state.state == SAFETY:
        question, _, value = rest.partition(":")
        if question == state.question and value in OPTIONS.get(question, ()):
            return safety_flow.on_answer(kb, state, question, value, now)
    elif head == "feel" and state.state == FEEDBACK and rest in FEELINGS:
        return _feedback(kb, state, rest, now)
    elif head == "branch" and state.state == BOOKING_BRANCH:
        return booking_flow.on_branch(kb, state, rest)
    elif head == "consent" and state.state == BOOKING_CONSENT and rest in ("yes", "no"):
        return booking_flow.on_consent(kb, state, rest == "yes", now)
    elif head == "delete" and state.state == DELETE_CONFIRM and rest in ("yes", "no"):
        if rest == "yes":
            fresh = Conversation(state=IDLE, lang=state.lang, intro_seen=True)
            return fresh, (Forget(), Reply(say(kb, fresh, "delete.done")))
        state = to_idle(state)
        return state, (Reply(say(kb, state, "delete.kept"), menu_choices(kb, state)),)
    elif head == "sym" and rest == "none" and state.state == DID_YOU_MEAN:
        state = to_idle(state)
        return state, (Reply(say(kb, state, "did-you-mean.none"), menu_choices(kb, state)),)
    elif head == "sym" and rest in kb.content.symptoms and not in_session:
        return offer(kb, state, (rest,))
    elif head == "start" and safety_flow.is_item(kb, rest) and not in_session:
        return safety_flow.request_start(kb, state, rest, now)
    elif head == "later" and safety_flow.is_item(kb, rest) and not in_session:
        return reminder_flow.schedule_later(kb, state, rest, now)
    elif head == "remat" and not in_session:
        return _remind_at(kb, state, rest, now)
    elif head == "rem" and not in_session:
        return _reminder_button(kb, state, rest, now)
    elif head == "lang" and rest in kb.content.languages:
        state = replace(state, lang=rest)
        return state, (Reply(say(kb, state, "language.set"), menu_choices(kb, state)),)
    elif choice_id in ("menu", "help") and not in_session:
        state = to_idle(state)
        return state, (Reply(say(kb, state, choice_id), menu_choices(kb, state)),)
    elif choice_id == "book" and not in_session:
        return booking_flow.start(kb, state)
    elif choice_id == "clinic" and not in_session:
        return booking_flow.show_clinic(kb, state)
    return state, (Reply(say(kb, state, "stale-button")), prompt(kb, state))


def _reminder_button(kb: Knowledge, state: Conversation, rest: str, now: datetime) -> Turn:
    if rest == "ask":
        return reminder_flow.ask_time(kb, state)
    if rest == "list":
        return reminder_flow.list_reminders(kb, state)
    verb, _, number = rest.partition(":")
    if verb not in ("start", "snooze", "skip", "stop") or not (number.isascii() and number.isdecimal()):
        return state, (Reply(say(kb, state, "stale-button")), prompt(kb, state))
    if verb == "start":
        if state.last_item and safety_flow.is_item(kb, state.last_item):
            return safety_flow.request_start(kb, state, state.last_item, now)
        return to_idle(state), (Reply(say(kb, state, "reminder.how-feel"), menu_choices(kb, state)),)
    return reminder_flow.on_reminder_button(kb, state, verb, int(number), now)


def _set_timezone(kb: Knowledge, state: Conversation, tz: str, now: datetime) -> Turn:
    if zone(tz, "").key != tz:
        return state, (Reply(say(kb, state, "timezone.unknown")),)
    state = replace(state, tz=tz)
    return state, (*reminder_flow.rearm(kb, state, now), Reply(say(kb, state, "timezone.set", tz=tz)))


def _remind_at(kb: Knowledge, state: Conversation, rest: str, now: datetime) -> Turn:
    hour, _, minute = rest.partition(":")
    digits = hour.isascii() and hour.isdecimal() and minute.isascii() and minute.isdecimal()
    if not (digits and len(hour + minute) <= 4 and int(hour) < 24 and int(minute) < 60):
        return state, (Reply(say(kb, state, "stale-button")), prompt(kb, state))
    when = When(daily=True, hour=int(hour), minute=int(minute), in_minutes=None)
    return reminder_flow.set_reminder(kb, state, when, now)


def _feedback(kb: Knowledge, state: Conversation, feeling: str, now: datetime) -> Turn:
    item = state.last_item
    history = (*state.history, Feedback(item, feeling, now.isoformat()))[-50:]
    state = replace(to_idle(state), history=history)
    record = Record("feedback", (("item", item), ("feeling", feeling), ("at", now.isoformat())))
    choices = start_buttons(kb, state, tuple(i for i in state.offered if i != item))[:2]
    if feeling == "worse":
        choices = (*choices, button(kb, state, "book", "button.book"))
    choices = (*choices, button(kb, state, "rem:ask", "menu.reminder"))
    return state, (record, Reply(say(kb, state, f"feedback.{feeling}"), choices))


def _faq_answer(kb: Knowledge, state: Conversation, faq_id: str) -> Reply:
    faq = kb.content.faqs[faq_id]
    return Reply(faq.answer.get(state.lang, faq.answer["en"]), menu_choices(kb, state))


def _languages(kb: Knowledge, state: Conversation) -> Reply:
    choices = tuple(button(kb, state, f"lang:{code}", f"language.name.{code}") for code in kb.content.languages)
    return Reply(say(kb, state, "language.choose"), choices)


def _delete_question(kb: Knowledge, state: Conversation) -> Reply:
    choices = (button(kb, state, "delete:yes", "button.delete-yes"), button(kb, state, "delete:no", "button.delete-no"))
    return Reply(say(kb, state, "delete.confirm"), choices)


def _on_timer(kb: Knowledge, state: Conversation, event: TimerFired, now: datetime) -> Turn:
    kind = event.timer_id.partition(":")[0]
    if kind == "session":
        return session_flow.on_timer(kb, state, event, now)
    if kind in ("reminder", "snooze"):
        return reminder_flow.on_timer(kb, state, event, now)
    if kind == "later":
        return reminder_flow.on_later(kb, state, event)
    return state, ()
