"""What a message means outside any question: commands, symptoms, lookups, questions, the fallback.

Also the pieces every state shares: emergencies, the FAQ answer, time zones, feedback, deletion.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.engine import booking_flow, reminder_flow, safety_flow, session_flow
from bot.engine.actions import Action, CancelTimer, Record, Reply
from bot.engine.choices import Command, Confirm, PickLanguage
from bot.engine.clock_math import zone
from bot.engine.common import (
    Turn,
    button,
    feel_buttons,
    menu_reply,
    say,
    start_buttons,
    stop_session,
    to_idle,
)
from bot.engine.knowledge import Knowledge
from bot.engine.offer_flow import did_you_mean, offer, offer_choices, offer_items
from bot.engine.safety import answers_after_red_flag, pregnancy_subject, stated_answers
from bot.engine.state import (
    DELETE_CONFIRM,
    FEEDBACK,
    OFFERED,
    SESSION_STATES,
    TIMEZONE_ASK,
    Conversation,
    Feedback,
    SafetyAnswer,
)
from bot.engine.timers import LATER
from bot.engine.words import EngineWords
from bot.nlu import Understanding

CHILDREN_FAQ = "children"
# Commands that work in every state, even while a free-text answer or a session is expected.
ALWAYS = frozenset({"start-over", "delete-data", "about"})
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
        "lighter",
        "slower",
        "faster",
        "longer-rest",
    }
)
SESSION_ONLY = frozenset({"ready", "pause", "resume", "too-painful", "lighter", "slower", "faster", "longer-rest"})


@dataclass(frozen=True, slots=True)
class Said:
    """A message as the engine reads it: the raw text, what the matcher understood, its words."""

    text: str
    u: Understanding
    words: tuple[str, ...]
    w: EngineWords  # the engine's words in the message's language

    @classmethod
    def of(cls, text: str, u: Understanding, w: EngineWords) -> Said:
        """Wrap a text, its understanding and the words of its language."""
        return cls(text, u, tuple(word for word in u.text.split() if word != ","), w)

    @property
    def asks(self) -> bool:
        """True when the message reads as a question ("how long does it take?")."""
        return self.text.rstrip().endswith(("?", "؟")) or (bool(self.words) and self.words[0] in self.w.question_words)


def emergency(kb: Knowledge, state: Conversation, u: Understanding, now: datetime) -> Turn:
    """Emergency advice and nothing else: every session and nudge stops, and what it revealed is kept."""
    kind = u.red_flag_kind or "emergency"
    state, cancel = stop_session(state)
    answers = answers_after_red_flag(kind, state.answers, now)
    # Nothing from before stays answerable: an "ok" after emergency advice starts nothing.
    state = replace(to_idle(state), intro_seen=True, answers=answers, shown=(), offered=(), due_reminder=0)
    text = say(kb, state, f"emergency.{kind}")
    return state, (*cancel, *reminder_flow.quiet_timers(state), Reply(text, urgent=True))


def general_text(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    """A message that answers no question: a command, symptoms, an item, a question, or the fallback."""
    u = said.u
    intent = u.intent
    if intent is not None and not (u.symptoms and intent in WEAK_INTENTS):
        return on_intent(kb, state, said, now)
    state, noted = remember_statements(kb, state, said, now)
    if u.symptoms and said.w.children & set(said.words) and CHILDREN_FAQ in kb.content.faqs:
        return state, (*noted, faq_answer(kb, state, CHILDREN_FAQ))  # no points guided for a child
    if u.symptoms:
        state, actions = offer(kb, state, tuple(s.id for s in u.symptoms), u.negated)
        return state, (*noted, *actions)
    items = kb.items.find(u.text)
    if items:
        return offer_items(kb, state, items)
    if noted:
        return state, (*noted, menu_reply(kb, state))
    if u.maybe:
        return did_you_mean(kb, state, tuple(s.id for s in u.maybe))
    if u.faq is not None:
        return state, (faq_answer(kb, state, u.faq),)
    if said.w.place_cues & set(said.words) and kb.places.find(u.text):
        return ask_timezone(kb, state, said, now)  # "I'm in London now"
    key = "question-unknown" if said.asks else "offtopic"
    if state.state == FEEDBACK:  # the question on screen stays answerable
        return state, (Reply(say(kb, state, key), feel_buttons(kb, state)),)
    if state.state == OFFERED and state.offered:
        return state, (Reply(say(kb, state, key), offer_choices(kb, state, state.offered)),)
    return state, (menu_reply(kb, state, key),)


def remember_statements(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    """Safety facts stated in passing: "I'm pregnant and...", "my wife is pregnant", "my BP is normal now"."""
    words = list(said.words)
    subject = pregnancy_subject(words, said.w)
    notes: list[Action] = []
    if subject == "self" and state.answers.get("pregnancy", SafetyAnswer("", "")).value != "yes":
        state = replace(state, answers={**state.answers, "pregnancy": SafetyAnswer("yes", now.isoformat())})
    elif subject == "other" and not state.others_pregnant:
        state = replace(state, others_pregnant=True)
        notes.append(Reply(say(kb, state, "safety.other-pregnant")))
    for question, value in stated_answers(words, said.w):
        if question == "pregnancy":
            continue  # handled above, with who is meant
        if value == "yes":  # a risk stated is recorded at once
            state = replace(state, answers={**state.answers, question: SafetyAnswer(value, now.isoformat())})
            notes.append(Reply(say(kb, state, f"safety.noted.{question}")))
    return state, tuple(notes)


def on_intent(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    """A command or a short answer said outside any question that takes it."""
    u = said.u
    intent = u.intent or ""
    if intent == "privacy":
        return state, (menu_reply(kb, state, "privacy"),)
    if intent == "about" and u.faq is not None:
        return state, (faq_answer(kb, state, u.faq),)  # "are you a doctor?" has its own answer
    if intent == "start-over":
        state, cancel = stop_session(state)
        state = to_idle(state)
        cancel = (*cancel, CancelTimer(str(LATER)))
        return state, (*cancel, menu_reply(kb, state, "start-over"))
    if intent == "delete-data":
        state, cancel = stop_session(state)
        state = replace(to_idle(state), state=DELETE_CONFIRM)
        return state, (*cancel, delete_question(kb, state))
    if state.state in SESSION_STATES:
        return session_flow.on_text(kb, state, said, now)
    if intent == "remind":
        if u.when is not None:
            return reminder_flow.set_reminder(kb, state, u.when, now)
        return reminder_flow.ask_time(kb, state)
    if intent == "reminders-list":
        return reminder_flow.list_reminders(kb, state)
    if intent == "reminders-stop":
        return reminder_flow.stop_reminders(kb, state)
    waiting = reminder_flow.waiting(kb, state, now)
    if intent in ("snooze", "skip") and waiting:
        return reminder_flow.on_reminder_reply(kb, state, intent, waiting, now)
    if intent in ("snooze", "skip"):
        return state, (menu_reply(kb, state, "reminder.nothing-due"),)
    if intent in ("ready", "yes") and waiting:
        return reminder_flow.start_now(kb, state, now)
    if intent == "book":
        return booking_flow.start(kb, state)
    if intent == "clinic":
        return booking_flow.show_clinic(kb, state)
    if intent == "language":
        return state, (languages(kb, state),)
    if intent == "change-answers":
        return safety_flow.change_answers(kb, state, said, now)
    if intent == "timezone":
        return ask_timezone(kb, state, said, now)
    if intent == "more-options" and state.state == OFFERED:
        return offer_items(kb, state, state.offered, full=True)
    if intent in ("item-why", "item-where") and state.last_item:
        return state, (session_flow.item_answer(kb, state, state.last_item, intent),)
    if said.u.faq is not None:
        return state, (faq_answer(kb, state, said.u.faq),)
    simple = {"help": "help", "about": "about", "greeting": "greeting", "thanks": "thanks", "privacy": "privacy"}
    key = simple.get(intent, "nothing-running" if intent in SESSION_ONLY or intent == "stop" else "menu")
    return state, (menu_reply(kb, state, key),)


def ask_timezone(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    """ "I'm in London now" sets the zone; "change my timezone" asks where they are."""
    found = kb.places.find(said.u.text)
    if found is not None:
        return set_timezone(kb, to_idle(state), found, now)
    state = replace(to_idle(state), state=TIMEZONE_ASK)
    return state, (timezone_question(kb, state),)


def timezone_question(kb: Knowledge, state: Conversation) -> Reply:
    """Which city are you in?"""
    current = zone(state.tz, kb.policy.default_tz).key
    return Reply(say(kb, state, "timezone.ask", tz=current), (button(kb, state, Command("menu"), "button.menu"),))


def on_timezone_text(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    """An answer to "which city are you in?"."""
    found = kb.places.find(said.u.text)
    if found is not None:
        return set_timezone(kb, to_idle(state), found, now)
    if said.u.intent not in (None, "yes", "no") or said.u.symptoms:
        return general_text(kb, to_idle(state), said, now)
    return state, (Reply(say(kb, state, "timezone.unknown")), timezone_question(kb, state))


def set_timezone(kb: Knowledge, state: Conversation, tz: str, now: datetime) -> Turn:
    """Use a new time zone; every daily reminder moves to the new local time."""
    if zone(tz, "").key != tz:
        return state, (Reply(say(kb, state, "timezone.unknown")),)
    state = replace(state, tz=tz)
    return state, (*reminder_flow.rearm(kb, state, now), Reply(say(kb, state, "timezone.set", tz=tz)))


def feedback(kb: Knowledge, state: Conversation, feeling: str, now: datetime) -> Turn:
    """Better / same / worse after a session: stored; the next step depends on it."""
    item = state.last_item
    history = (*state.history, Feedback(item, feeling, now.isoformat()))[-50:]
    state = replace(to_idle(state), history=history)
    record = Record("feedback", (("item", item), ("feeling", feeling), ("at", now.isoformat())))
    choices = start_buttons(kb, state, tuple(i for i in state.offered if i != item))[:2]
    if feeling == "worse":
        choices = (*choices, button(kb, state, Command("book"), "button.book"))
    choices = (*choices, button(kb, state, Command("rem:ask"), "menu.reminder"))
    return state, (record, Reply(say(kb, state, f"feedback.{feeling}"), choices))


def faq_answer(kb: Knowledge, state: Conversation, faq_id: str) -> Reply:
    """A FAQ's answer in the person's language, with the menu."""
    faq = kb.content.faqs[faq_id]
    return Reply(faq.answer.get(state.lang) or faq.answer["en"], menu_reply(kb, state).choices)


def languages(kb: Knowledge, state: Conversation) -> Reply:
    """Which language?"""
    choices = tuple(button(kb, state, PickLanguage(code), f"language.name.{code}") for code in kb.content.languages)
    return Reply(say(kb, state, "language.choose"), choices)


def delete_question(kb: Knowledge, state: Conversation) -> Reply:
    """Delete everything? Yes / no."""
    choices = (
        button(kb, state, Confirm("delete", True), "button.delete-yes"),
        button(kb, state, Confirm("delete", False), "button.delete-no"),
    )
    return Reply(say(kb, state, "delete.confirm"), choices)


def feedback_prompt(kb: Knowledge, state: Conversation) -> Reply:
    """How do you feel now?"""
    return Reply(say(kb, state, "session.how-now"), feel_buttons(kb, state))
