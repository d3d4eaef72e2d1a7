"""The table of states: for each named state, how it asks its question, reads a message and a button.

`HANDLERS[state]` is the only place that says what a state does; `arrows` list where it can go, and
`docs/conversation.md` is drawn from them (a test keeps the two equal, another checks that every
transition the engine makes is one of the arrows).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from bot.engine import booking_flow, check_in_flow, reminder_flow, safety_flow, session_flow
from bot.engine.actions import Forget, GatherData, Reply
from bot.engine.choices import (
    Answer,
    AppointmentAnswer,
    ChoiceId,
    Command,
    Confirm,
    Control,
    Feel,
    LaterItem,
    PickBranch,
    PickLanguage,
    PickSymptom,
    RemindAt,
    ReminderReply,
    StartItem,
    parse_choice,
)
from bot.engine.common import Turn, menu_reply, say, to_idle, without_buttons
from bot.engine.general import (
    Said,
    delete_question,
    faq_answer,
    feedback,
    feedback_prompt,
    general_text,
    on_timezone_text,
    timezone_question,
)
from bot.engine.knowledge import Knowledge
from bot.engine.offer_flow import did_you_mean, offer, offer_choices, offer_items
from bot.engine.state import (
    BOOKING_BRANCH,
    BOOKING_CONSENT,
    BOOKING_CONTACT,
    BOOKING_NAME,
    BOOKING_WHEN,
    CHECK_IN,
    DELETE_CONFIRM,
    DID_YOU_MEAN,
    FEEDBACK,
    IDLE,
    NEW,
    OFFERED,
    REMINDER_TIME,
    RESUME_REMINDERS,
    SAFETY,
    SESSION_FINDING,
    SESSION_PAUSED,
    SESSION_RUNNING,
    SESSION_STATES,
    SESSION_TOO_PAINFUL,
    TIMEZONE_ASK,
    Conversation,
)
from bot.nlu import normalise
from bot.nlu.answers import match_choice
from bot.nlu.when import When

Prompt = Callable[[Knowledge, Conversation], Reply]
OnText = Callable[[Knowledge, Conversation, Said, datetime], Turn]
OnChoice = Callable[[Knowledge, Conversation, ChoiceId, datetime], Turn | None]


@dataclass(frozen=True, slots=True)
class Handlers:
    """One row of the table: what a state does."""

    prompt: Prompt  # the question it waits on, asked again
    on_text: OnText  # a message that no button of the question took
    on_choice: OnChoice  # a button; None: not for this state (the buttons that work anywhere are tried)
    arrows: tuple[tuple[str, str], ...] = ()  # (next state, why): the drawing in docs/conversation.md
    numbers: bool = True  # a bare typed number picks one of the buttons last shown
    careful: bool = False  # deleting, sharing: only the exact label or a plain yes / no, never a question
    question: bool = True  # the prompt's buttons are the answers it waits for (typed labels pick them)
    general: bool = True  # a new request (symptoms, a command) is read as in idle, and goes where idle goes
    anywhere: bool = True  # the buttons that work in every state (an offer, a reminder, the menu) work here


# What holds in every state, drawn once: a red flag gives emergency advice and waits for the check-in;
# a concern (see a doctor), "start over", STOP go to idle; "delete my data" asks.
GLOBAL_ARROWS = (
    (CHECK_IN, "red flag: emergency advice, then are you safe now?"),
    (IDLE, "a concern (see a doctor, no points), start over, STOP"),
    (DELETE_CONFIRM, "delete my data"),
)


# ---- prompts ------------------------------------------------------------------------------------


def _menu_prompt(kb: Knowledge, state: Conversation) -> Reply:
    return menu_reply(kb, state)


def _offered_prompt(kb: Knowledge, state: Conversation) -> Reply:
    if not state.offered:
        return menu_reply(kb, state)
    return Reply(say(kb, state, "offer.pick"), offer_choices(kb, state, state.offered))


def _did_you_mean_prompt(kb: Knowledge, state: Conversation) -> Reply:
    return did_you_mean(kb, state, state.maybe)[1][0]  # type: ignore[return-value]


# ---- messages -----------------------------------------------------------------------------------


def _question_text(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    """A question state got words that answer nothing: a command or symptom leaves it, else ask again.
    "No" or "stop" to a question that starts something (which branch? what time?) drops it."""
    u = said.u
    row = HANDLERS[state.state]
    dropped = _DROPPED.get(state.state)
    if dropped is not None and u.intent in ("stop", "no") and len(said.words) <= 3 and not u.symptoms:
        state = to_idle(state)
        return state, (menu_reply(kb, state, dropped),)
    if state.state == REMINDER_TIME and u.intent == "reminders-stop":  # "stop all reminders" instead of a time
        return general_text(kb, to_idle(state), said, now)
    if u.faq is not None and u.intent is None and not u.symptoms:  # answered, and the question stays
        return state, (Reply(faq_answer(kb, state, u.faq).text), row.prompt(kb, state))
    if u.intent is not None or u.symptoms or kb.items.find(u.text):
        after, actions = general_text(kb, state, said, now)
        if any(isinstance(a, GatherData) for a in actions):  # "my data": the summary asks again, after it
            return after, actions
        if after.state == state.state:  # "thanks", "hi": answered, and the question is asked again
            return after, (*without_buttons(actions), row.prompt(kb, after))
        return after, actions
    return state, (Reply(say(kb, state, "please-pick")), row.prompt(kb, state))


_DROPPED = {BOOKING_BRANCH: "booking.cancelled", REMINDER_TIME: "question.dropped"}
"""The questions a plain "no" or "stop" drops, with what is said then."""


def _reminder_time_text(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    when = said.u.when
    if when is not None:
        once = bool(said.w.once & set(said.words))
        return reminder_flow.on_time_answer(kb, state, when, now, once=once, tomorrow=said.tomorrow)
    return _question_text(kb, state, said, now)


def _feedback_text(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    if said.u.intent in ("better", "same", "worse", "lighter"):
        return feedback(kb, state, "better" if said.u.intent == "lighter" else said.u.intent, now)
    if said.u.intent is None and not said.asks and not said.u.symptoms:  # "a bit better I think", "worse actually"
        feeling = kb.matcher.feeling(said.u)
        if feeling is not None:
            return feedback(kb, state, feeling, now)
    return general_text(kb, state, said, now)


def _plain_yes_no(said: Said) -> bool | None:
    """True / False for a plain yes or no in words; None for anything else (an emoji, a hedge, a question)."""
    plain = said.u.intent in ("yes", "no") and len(said.words) <= 3 and not said.w.hedges & set(said.words)
    plain = plain and "?" not in said.text and "؟" not in said.text
    if not plain or not any(ch.isalpha() for ch in said.text):
        return None
    return said.u.intent == "yes"


def _consent_text(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    answer = _plain_yes_no(said)
    if answer is not None:
        return booking_flow.on_consent(kb, state, answer, now)
    return _question_text(kb, state, said, now)


def _delete_text(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    answer = _plain_yes_no(said)
    if answer is not None:
        return _delete(kb, state, answer)
    return _question_text(kb, state, said, now)


def _resume_text(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    answer = _plain_yes_no(said)
    if answer is not None:
        return check_in_flow.on_resume(kb, state, answer, now)
    return _question_text(kb, state, said, now)


def _booking_text(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    if said.u.intent in ("stop", "no") and len(said.words) <= 3:
        state = to_idle(state)
        return state, (menu_reply(kb, state, "booking.cancelled"),)
    return booking_flow.on_text(kb, state, said.text)


# ---- buttons ------------------------------------------------------------------------------------


def _none(kb: Knowledge, state: Conversation, choice: ChoiceId, now: datetime) -> Turn | None:
    return None


def _safety_choice(kb: Knowledge, state: Conversation, choice: ChoiceId, now: datetime) -> Turn | None:
    if isinstance(choice, Answer) and choice.question == state.question:
        return safety_flow.on_answer(kb, state, choice.question, choice.value, now)
    return None


def _session_choice(kb: Knowledge, state: Conversation, choice: ChoiceId, now: datetime) -> Turn | None:
    if isinstance(choice, Control) and session_flow.is_current(state, choice):
        return session_flow.on_control(kb, state, choice.control, now)
    return None


def _feedback_choice(kb: Knowledge, state: Conversation, choice: ChoiceId, now: datetime) -> Turn | None:
    return feedback(kb, state, choice.feeling, now) if isinstance(choice, Feel) else None


def _check_in_choice(kb: Knowledge, state: Conversation, choice: ChoiceId, now: datetime) -> Turn | None:
    if isinstance(choice, Confirm) and choice.topic == "safe":
        return check_in_flow.answer(kb, state, choice.yes, now)
    return None


def _did_you_mean_choice(kb: Knowledge, state: Conversation, choice: ChoiceId, now: datetime) -> Turn | None:
    if isinstance(choice, PickSymptom) and not choice.symptom:
        state = to_idle(state)
        return state, (menu_reply(kb, state, "did-you-mean.none"),)
    return None


def _branch_choice(kb: Knowledge, state: Conversation, choice: ChoiceId, now: datetime) -> Turn | None:
    return booking_flow.on_branch(kb, state, choice.branch) if isinstance(choice, PickBranch) else None


def _contact_choice(kb: Knowledge, state: Conversation, choice: ChoiceId, now: datetime) -> Turn | None:
    if choice == Command("contact-chat"):
        return booking_flow.on_contact(kb, state, "chat")
    return None


def _consent_choice(kb: Knowledge, state: Conversation, choice: ChoiceId, now: datetime) -> Turn | None:
    if isinstance(choice, Confirm) and choice.topic == "consent":
        return booking_flow.on_consent(kb, state, choice.yes, now)
    return None


def _resume_choice(kb: Knowledge, state: Conversation, choice: ChoiceId, now: datetime) -> Turn | None:
    if isinstance(choice, Confirm) and choice.topic == "resume":
        return check_in_flow.on_resume(kb, state, choice.yes, now)
    return None


def _delete_choice(kb: Knowledge, state: Conversation, choice: ChoiceId, now: datetime) -> Turn | None:
    if isinstance(choice, Confirm) and choice.topic == "delete":
        return _delete(kb, state, choice.yes)
    return None


def _delete(kb: Knowledge, state: Conversation, confirmed: bool) -> Turn:
    if confirmed:
        fresh = Conversation(state=IDLE, lang=state.lang, intro_seen=True)
        return fresh, (Forget(), Reply(say(kb, fresh, "delete.done")))
    state = to_idle(state)
    return state, (menu_reply(kb, state, "delete.kept"),)


def anywhere_choice(kb: Knowledge, state: Conversation, choice: ChoiceId, now: datetime) -> Turn | None:
    """The buttons that work in every state outside a session (an offer, a reminder, the menu)."""
    if isinstance(choice, PickSymptom) and choice.symptom in kb.content.symptoms:
        return offer(kb, state, (choice.symptom,))
    if isinstance(choice, StartItem) and choice.item in kb.items:
        return safety_flow.request_start(kb, state, choice.item, now)
    if isinstance(choice, LaterItem) and choice.item in kb.items:
        return reminder_flow.schedule_later(kb, state, choice.item, now)
    if isinstance(choice, RemindAt):
        return reminder_flow.set_reminder(kb, state, When(True, choice.hour, choice.minute, None), now)
    if isinstance(choice, ReminderReply):
        return reminder_flow.on_reminder_reply(kb, state, choice.verb, choice.reminder, now)
    if isinstance(choice, Confirm) and choice.topic == "resume":  # "my reminders" shows the paused ones
        return check_in_flow.on_resume(kb, state, choice.yes, now)
    if isinstance(choice, PickLanguage) and choice.code in kb.content.conversing:
        state = replace(state, lang=choice.code)
        return state, (menu_reply(kb, state, "language.set"),)
    if isinstance(choice, Command):
        return _command(kb, state, choice, now)
    return None


def _command(kb: Knowledge, state: Conversation, command: Command, now: datetime) -> Turn | None:
    name = command.name
    if name in ("menu", "help"):
        state = to_idle(state)
        return state, (menu_reply(kb, state, name),)
    if name == "book":
        return booking_flow.start(kb, state)
    if name == "clinic":
        return booking_flow.show_clinic(kb, state)
    if name == "rem:ask":
        return reminder_flow.ask_time(kb, state)
    if name == "rem:list":
        return reminder_flow.list_reminders(kb, state)
    if name == "more" and state.offered:
        return offer_items(kb, state, state.offered, full=True)
    if name == "answers-change":
        return safety_flow.clear_answers(kb, state, now)
    return None


# ---- typed answers to the buttons on screen ------------------------------------------------------

# Intents that pick a button of a given kind when exactly one such button is on screen.
_INTENT_PICKS: dict[str, tuple[type, str]] = {
    "lighter": (Control, "lighter"),
    "slower": (Control, "slower"),
    "resume": (Control, "resume"),
    "pause": (Control, "pause"),
    "ready": (Control, "ready"),
    "too-painful": (Control, "painful"),
    "stop": (Control, "stop"),
    "better": (Feel, "better"),
    "same": (Feel, "same"),
    "worse": (Feel, "worse"),
    "snooze": (ReminderReply, "snooze"),
    "skip": (ReminderReply, "skip"),
    "reminders-stop": (ReminderReply, "stop"),
    "more-options": (Command, "more"),
    "yes": (AppointmentAnswer, "confirm"),  # "yes" to a confirmed time (only when its buttons are shown)
}
# In the "too painful" question, "go on" / "continue" means "go on, lighter".
# "продолжить" and "легче" ("better", also "lighter") to "go on lighter or stop?"
_SYNONYMS = {("resume", SESSION_TOO_PAINFUL): "lighter", ("better", SESSION_TOO_PAINFUL): "lighter"}


def _kind_and_value(choice: ChoiceId) -> tuple[type, str]:
    if isinstance(choice, Control):
        return Control, choice.control
    if isinstance(choice, Feel):
        return Feel, choice.feeling
    if isinstance(choice, ReminderReply):
        return ReminderReply, choice.verb
    if isinstance(choice, Command):
        return Command, choice.name
    if isinstance(choice, AppointmentAnswer):
        return AppointmentAnswer, choice.answer
    return type(choice), ""


def typed_choice(kb: Knowledge, state: Conversation, said: Said) -> ChoiceId | None:
    """The button a typed message picks: its number, its label (or a close spelling or key word of
    it), or a command that means it ("go on" to "Go on, lighter", "skip" to "Skip tonight")."""
    row = HANDLERS[state.state]
    typed = said.text.strip().rstrip(".)")
    number = int(typed) if typed.isdecimal() and len(typed) <= 2 else None
    if number is None and state.state not in SESSION_STATES:  # "one second" there is a wait, not a button
        number = _place(said)
    if number is not None:
        if not row.numbers:
            return None
        return parse_choice(state.shown[number - 1].id) if 1 <= number <= len(state.shown) else None
    choices = row.prompt(kb, state).choices if row.question else state.shown
    if not choices:
        return None
    parsed = [parse_choice(c.id) for c in choices]
    intent = said.u.intent
    if intent is not None:
        intent = _SYNONYMS.get((intent, state.state), intent)
        wanted = _INTENT_PICKS.get(intent)
        if wanted is not None:
            hits = [p for p in parsed if p is not None and _kind_and_value(p) == wanted]
            if len(hits) == 1:
                return hits[0]
        if intent in ("ready", "yes") and not row.question and any(ch.isalpha() for ch in said.text):
            starts = [p for p in parsed if isinstance(p, StartItem | ReminderReply) and _starts(p)]
            if len(starts) == 1 or (starts and state.state == OFFERED):
                return starts[0]  # "yes" / "let's go" to an offer starts its best item
    if state.state == SAFETY:
        return None  # safety answers are read with their own care (hedges, "maybe" = yes)
    if row.careful:  # the exact label only ("Yes, delete everything"); plain yes / no are read apart
        if said.asks:
            return None
        typed = " ".join(said.words)
        exact = [p for p, c in zip(parsed, choices, strict=True) if _words_of(c.label) == typed]
        return exact[0] if len(exact) == 1 else None
    index = match_choice(said.u.text, [c.label for c in choices], said.w.answer_filler)
    return parsed[index] if index is not None else None


MAX_PICK_WORDS = 6


def _place(said: Said) -> int | None:
    """The number of the button a message names by its place, and nothing else: "the first one", "number 2",
    "let's do the second", "давай первую", "الثاني"."""
    if len(said.words) > MAX_PICK_WORDS:
        return None
    rest = " ".join(word for word in said.words if word not in said.w.pick_words and word not in said.w.answer_filler)
    if rest.isdecimal() and len(rest) <= 2:
        return int(rest)
    return said.w.ordinals.get(rest)


def _words_of(label: str) -> str:
    return " ".join(word for word in normalise(label).split() if word != ",")


def _starts(choice: ChoiceId) -> bool:
    return isinstance(choice, StartItem) or (isinstance(choice, ReminderReply) and choice.verb == "start")


# ---- the table ----------------------------------------------------------------------------------

_SESSION = Handlers(
    prompt=session_flow.reprompt,
    on_text=session_flow.on_text,
    on_choice=_session_choice,
    general=False,  # in a session, words are controls or questions; nothing else leaves it
    anywhere=False,  # an old offer's Start or a reminder's buttons wait until the session ends
)

HANDLERS: dict[str, Handlers] = {
    NEW: Handlers(_menu_prompt, general_text, _none, ((IDLE, "first message: welcome, once"),), question=False),
    IDLE: Handlers(
        _menu_prompt,
        general_text,
        _none,
        (
            (OFFERED, "symptoms, or an item named"),
            (DID_YOU_MEAN, "unsure match"),
            (SAFETY, "start (from a reminder)"),
            (REMINDER_TIME, "remind me (no time given)"),
            (BOOKING_BRANCH, "book"),
            (DELETE_CONFIRM, "delete my data"),
            (TIMEZONE_ASK, "change my time zone"),
        ),
        question=False,
    ),
    OFFERED: Handlers(
        _offered_prompt,
        general_text,
        _none,
        (
            (SAFETY, "start ITEM (questions due)"),
            (SESSION_FINDING, "start ITEM (answers still valid)"),
            (IDLE, "ruled out up front, or not yet"),
        ),
        question=False,
    ),
    DID_YOU_MEAN: Handlers(
        _did_you_mean_prompt,
        _question_text,
        _did_you_mean_choice,
        ((OFFERED, "a symptom picked"), (IDLE, "none of these")),
    ),
    SAFETY: Handlers(
        safety_flow.question_reply,
        safety_flow.on_text,
        _safety_choice,
        (
            (SAFETY, "answer, next question due; a correction; an aside (a reminder, the clinic)"),
            (IDLE, "stop / not yet / ruled out (clinic offered)"),
            (SESSION_FINDING, "all answered, allowed (maybe lighter, one foot)"),
        ),
    ),
    SESSION_FINDING: replace(
        _SESSION,
        arrows=((SESSION_RUNNING, "ready"), (SESSION_TOO_PAINFUL, "too painful"), (IDLE, "stop, or left waiting")),
    ),
    SESSION_RUNNING: replace(
        _SESSION,
        arrows=(
            (SESSION_RUNNING, "timer: press, rest; slower / faster"),
            (SESSION_FINDING, "timer: next foot"),
            (SESSION_PAUSED, "pause, or a question (answered, then resume)"),
            (SESSION_TOO_PAINFUL, "too painful"),
            (FEEDBACK, "last step"),
            (IDLE, "stop, or a stale step after a restart"),
        ),
    ),
    SESSION_PAUSED: replace(
        _SESSION,
        arrows=(
            (SESSION_RUNNING, "resume (repeats the step)"),
            (SESSION_FINDING, "resume while finding"),
            (SESSION_TOO_PAINFUL, "too painful"),
            (IDLE, "stop, or left waiting"),
        ),
    ),
    SESSION_TOO_PAINFUL: replace(
        _SESSION,
        arrows=(
            (SESSION_RUNNING, "lighter / go on"),
            (SESSION_FINDING, "lighter while finding"),
            (IDLE, "stop, or left waiting"),
        ),
    ),
    FEEDBACK: Handlers(
        feedback_prompt,
        _feedback_text,
        _feedback_choice,
        ((IDLE, "better / same / worse (stored)"), (OFFERED, "new symptoms")),
    ),
    REMINDER_TIME: Handlers(
        reminder_flow.time_question,
        _reminder_time_text,
        _none,
        ((IDLE, "a time (recurring or once)"), (REMINDER_TIME, "how often? (unclear repeat)")),
    ),
    BOOKING_BRANCH: Handlers(
        booking_flow.prompt, _question_text, _branch_choice, ((BOOKING_WHEN, "branch"), (IDLE, "menu"))
    ),
    BOOKING_WHEN: Handlers(
        booking_flow.prompt,
        _booking_text,
        _none,
        ((BOOKING_NAME, "free text"), (IDLE, "cancel")),
        general=False,
        numbers=False,  # free text: "2" is an answer here, not an old button
    ),
    BOOKING_NAME: Handlers(
        booking_flow.prompt,
        _booking_text,
        _none,
        ((BOOKING_CONTACT, "free text"), (IDLE, "cancel")),
        general=False,
        numbers=False,
    ),
    BOOKING_CONTACT: Handlers(
        booking_flow.prompt,
        booking_flow.on_contact_text,
        _contact_choice,
        ((BOOKING_CONSENT, "a phone number, or this chat"), (IDLE, "cancel")),
    ),
    BOOKING_CONSENT: Handlers(
        booking_flow.prompt,
        _consent_text,
        _consent_choice,
        ((IDLE, "yes (stored with a reference) / no (nothing stored)"),),
        careful=True,
    ),
    DELETE_CONFIRM: Handlers(
        delete_question,
        _delete_text,
        _delete_choice,
        ((IDLE, "yes (every row and timer removed) / no"),),
        numbers=False,  # deleting everything takes words or the button itself, never a bare number
        careful=True,
    ),
    TIMEZONE_ASK: Handlers(timezone_question, on_timezone_text, _none, ((IDLE, "a city or country (reminders move)"),)),
    CHECK_IN: Handlers(
        check_in_flow.question,
        check_in_flow.on_text,
        _check_in_choice,
        (
            (CHECK_IN, "any message asks; still need help (the advice again)"),
            (RESUME_REMINDERS, "safe now, reminders were paused"),
            (IDLE, "safe now, nothing paused"),
        ),
        question=False,  # its typed answers count once it was asked (its buttons shown), not before
        careful=True,  # a label word for word only: "I'm not safe now" is a close spelling of "I'm safe now"
        general=False,  # no points, no menu, until they say they are safe
        anywhere=False,
    ),
    RESUME_REMINDERS: Handlers(
        check_in_flow.resume_question,
        _resume_text,
        _resume_choice,
        ((IDLE, "yes (rescheduled as they were) / no (they stay paused)"),),
    ),
}

__all__ = ["GLOBAL_ARROWS", "HANDLERS", "Handlers", "anywhere_choice", "faq_answer", "typed_choice"]
