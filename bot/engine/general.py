"""What a message means outside any question: commands, symptoms, lookups, questions, the fallback.

Also the pieces every state shares: emergencies, the FAQ answer, time zones, feedback, deletion.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.engine import booking_flow, check_in_flow, my_data_flow, reminder_flow, safety_flow, session_flow
from bot.engine.actions import Action, CancelTimer, Record, Reply
from bot.engine.choices import Command, Confirm, PickLanguage
from bot.engine.clock_math import zone
from bot.engine.common import (
    Turn,
    button,
    feel_buttons,
    menu_choices,
    menu_reply,
    say,
    start_buttons,
    stop_session,
    to_idle,
)
from bot.engine.knowledge import Knowledge
from bot.engine.offer_flow import did_you_mean, offer, offer_choices, offer_items
from bot.engine.retention_flow import privacy_text
from bot.engine.safety import allowed_items, answers_after_red_flag, has_fever, is_pregnant, pregnancy_subject
from bot.engine.state import (
    CHECK_IN,
    DELETE_CONFIRM,
    FEEDBACK,
    OFFERED,
    SESSION_STATES,
    TIMEZONE_ASK,
    Conversation,
    Emergency,
    Feedback,
    SafetyAnswer,
)
from bot.engine.statements import learn, read_statements
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
# English words for a long story ("for 3 weeks", "for months", "since last year", "every day for weeks"):
# a unit of weeks or more, with a cue among the three words before it ("I'm 40 years old" has none).
# To move to the language file (content/languages/en.toml, [conversation]).


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

    @property
    def tomorrow(self) -> bool:
        """True when the message says tomorrow ("remind me tomorrow at 10pm", "завтра", "بكرة")."""
        return bool(self.w.tomorrow & set(self.words))


# What a red flag says about the safety questions by its id, beside what its kind says
# (bot/engine/safety.py RED_FLAG_ANSWERS): chest pain may be the heart, so "heart disease" is a yes.
RED_FLAG_ID_ANSWERS: dict[str, dict[str, str]] = {
    "chest-pain": {"chronic": "yes"},
}


def emergency(kb: Knowledge, state: Conversation, u: Understanding, now: datetime) -> Turn:
    """Emergency advice and nothing else: every timer stops (reminders are paused, not deleted), what the
    red flag revealed is kept, and the next message is met with "are you safe now?" (`check-in`)."""
    kind = u.red_flag_kind or "emergency"
    state, cancel = stop_session(state)
    state, quiet = reminder_flow.pause_all(state)
    if u.for_other:  # someone else's emergency tells nothing about this person's health
        state = replace(state, others_pregnant=state.others_pregnant or kind == "pregnancy")
    else:
        learned = RED_FLAG_ID_ANSWERS.get(u.red_flag or "", {})
        answers = answers_after_red_flag(kind, state.answers, now)
        answers |= {q: SafetyAnswer(v, now.isoformat()) for q, v in learned.items()}
        state = replace(state, answers=answers)
    # Nothing from before stays answerable: an "ok" after emergency advice starts nothing.
    state = replace(
        to_idle(state),
        state=CHECK_IN,
        intro_seen=True,
        shown=(),
        offered=(),
        emergency=Emergency(kind, u.for_other, now.isoformat()),
    )
    return state, (*cancel, *quiet, red_flag_record(kind, "emergency"), check_in_flow.advice(kb, state))


def concern(kb: Knowledge, state: Conversation, u: Understanding, now: datetime) -> Turn:
    """A sign to have seen by a doctor (today, or soon), not an emergency: said plainly, with no points
    and no buttons; a running session stops first. Someone owed a check-in is asked it again after it."""
    severity = u.severity if u.severity in ("urgent", "not-self-care") else "not-self-care"
    state, cancel = stop_session(state)
    text = check_in_flow.say_either(kb, state, f"{severity}.{u.concern_kind}", f"{severity}.general")
    reply = Reply(text, urgent=severity == "urgent")
    noted = (red_flag_record(u.concern_kind or "general", severity),) if severity == "urgent" else ()
    if state.state == CHECK_IN:
        ask = () if state.opted_out else (check_in_flow.question(kb, state),)
        return state, (*cancel, *noted, reply, *ask)
    # Nothing on screen stays answerable (an "ok" starts no point), and no nudge offers one later.
    state = replace(to_idle(state), shown=(), offered=(), due_reminder=0)
    return state, (*cancel, *noted, CancelTimer(str(LATER)), reply)


def red_flag_record(kind: str, severity: str) -> Record:
    """The fact that a sign of this kind and severity was met, for the clinic's counts: never the words."""
    return Record("red-flag", (("kind", kind), ("severity", severity)))


def general_text(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    """A message that answers no question: a command, symptoms, an item, a question, or the fallback."""
    u = said.u
    intent = u.intent
    if intent is not None and not (u.symptoms and intent in WEAK_INTENTS):
        return on_intent(kb, state, said, now)
    state, noted = remember_statements(kb, state, said, now)
    if u.symptoms and said.w.children & set(said.words) and CHILDREN_FAQ in kb.content.faqs:
        return state, (*noted, faq_answer(kb, state, CHILDREN_FAQ))  # no points guided for a child
    if u.symptoms and not has_fever(kb, state.answers, now):  # "fever 39 and a headache": no points today
        state, actions = offer(kb, state, tuple(s.id for s in u.symptoms), u.negated)
        if state.state == OFFERED and long_story(said.words, said.w):  # weeks of it: a doctor should know
            actions = tuple(_signposted(kb, state, a) for a in actions)
        if state.state == OFFERED and is_pregnant(state.answers) and BELLY & {s.id for s in u.symptoms}:
            # a belly ache in pregnancy: when it is for the midwife (NHS: stomach pain in pregnancy)
            actions = tuple(_signposted(kb, state, a, "offer.pregnant-belly") for a in actions)
        return state, (*noted, *actions)
    items = kb.items.find(u.text)
    if items:
        return offer_items(kb, state, items)
    if noted and state.state == OFFERED and state.offered and u.faq is None:
        kept = allowed_items(kb, state.answers, state.offered, others_pregnant=state.others_pregnant)
        if kept != state.offered:  # "I'm pregnant" after an offer: the offer again, without the points avoided then
            state, actions = offer_items(kb, state, state.offered)
            return state, (*noted, *actions)
    if noted and u.faq is not None and said.asks:  # "I'm pregnant, is it safe?": noted, and answered
        return state, (*noted, faq_answer(kb, state, u.faq))
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


BELLY = frozenset({"indigestion", "bloating", "constipation"})
"""Symptoms of the belly: in pregnancy, the offer says when a belly ache is for the midwife."""


def long_story(words: tuple[str, ...], w: EngineWords) -> bool:
    """True when a message tells of weeks or more of it ("for 3 weeks", "since last year", "for a long time")."""
    for index, word in enumerate(words):
        if word in w.long_units and set(words[max(0, index - 3) : index]) & w.long_cues:
            return True
    return any(tuple(words[i : i + len(p)]) == p for p in w.long_time for i in range(len(words)))


def _signposted(kb: Knowledge, state: Conversation, action: Action, line: str = "offer.long-story") -> Action:
    """The offer with a plain line under it: "see a doctor if it goes on", or when to call the midwife."""
    if not isinstance(action, Reply) or not action.choices:
        return action
    return replace(action, text=f"{action.text}\n\n{say(kb, state, line)}")


def remember_statements(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    """Safety facts stated in passing, recorded at once with their date (bot/engine/statements.py):
    "I'm pregnant and...", "my wife is pregnant", "fever 39", "I'm on warfarin", "a cut on my left foot".
    A denial ("no fever", "my BP is normal now") lowers nothing."""
    words = list(said.words)
    subject = pregnancy_subject(words, said.w, asks=said.asks)
    if not subject and any(word.isdigit() for word in words):  # "im 30 weeks and bloated", "я на 30 неделе"
        subject = pregnancy_subject(list(kb.matcher.gestation_read(said.u)), said.w, asks=said.asks)
    notes: list[Action] = []
    if subject == "self" and state.answers.get("pregnancy", SafetyAnswer("", "")).value != "yes":
        state = replace(state, answers={**state.answers, "pregnancy": SafetyAnswer("yes", now.isoformat())})
        notes.append(Reply(say(kb, state, "safety.noted.pregnancy")))
    elif subject == "other" and not state.others_pregnant:
        state = replace(state, others_pregnant=True)
        notes.append(Reply(say(kb, state, "safety.other-pregnant")))
    stated = read_statements(said.u.text.split(), said.w)
    if state.question and words and words[0] in said.w.negations | (said.w.nothing & said.w.plain_no):
        # "no, I'm diabetic" to the question on screen: neither yes nor no, so it is asked again
        stated = tuple(s for s in stated if s.question != state.question)
    answers, learned = learn(state.answers, stated, now)
    if said.u.symptoms and has_fever(kb, answers, now) and "safety.noted.fever" not in learned:
        learned = (*learned, "safety.noted.fever")  # "a headache" with a fever on record: no points today
    if answers != state.answers:
        state = replace(state, answers=answers)
    notes += [Reply(say(kb, state, note)) for note in dict.fromkeys(learned)]
    return state, tuple(notes)


def on_intent(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    """A command or a short answer said outside any question that takes it."""
    u = said.u
    intent = u.intent or ""
    if intent == "start-over":
        state, cancel = stop_session(state)
        state = to_idle(state)
        cancel = (*cancel, CancelTimer(str(LATER)))
        return state, (*cancel, menu_reply(kb, state, "start-over"))
    if intent == "delete-data":
        state, cancel = stop_session(state)
        state = replace(to_idle(state), state=DELETE_CONFIRM)
        return state, (*cancel, delete_question(kb, state))
    if state.state == CHECK_IN:  # "are you safe now?" comes before "about"
        return check_in_flow.on_text(kb, state, said, now)
    if intent == "privacy":
        return state, (Reply(privacy_text(kb, state.lang), menu_choices(kb, state)),)
    if intent == "my-data":
        return my_data_flow.ask(state)
    if intent == "about" and u.faq is not None:
        return state, (faq_answer(kb, state, u.faq),)  # "are you a doctor?" has its own answer
    if state.state in SESSION_STATES:
        return session_flow.on_text(kb, state, said, now)
    if intent == "remind":
        if u.when is not None:
            return reminder_flow.set_reminder(kb, state, u.when, now, tomorrow=said.tomorrow)
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
    if intent.startswith("language-"):  # "English please", "بالعربي"
        code = intent.removeprefix("language-")
        if code not in kb.content.conversing:
            return state, (languages(kb, state),)
        state = replace(state, lang=code)
        return state, (menu_reply(kb, state, "language.set"),)
    if intent == "change-answers":
        return safety_flow.change_answers(kb, state, said, now)
    if intent == "timezone":
        return ask_timezone(kb, state, said, now)
    if intent == "more-options" and state.state == OFFERED:
        return offer_items(kb, state, state.offered, full=True)
    shown = state.offered[0] if state.state == OFFERED and state.offered else state.last_item
    if intent in ("item-why", "item-where") and shown:
        return state, (session_flow.item_answer(kb, state, shown, intent),)
    if said.u.faq is not None:
        return state, (faq_answer(kb, state, said.u.faq),)
    simple = {"help": "help", "about": "about", "greeting": "greeting", "thanks": "thanks", "privacy": "privacy"}
    if intent == "stop":  # "stop", "bye", "thanks bye" with nothing running: a kind goodbye, not "nothing is running"
        return state, (menu_reply(kb, state, "stopped-idle"),)
    key = simple.get(intent, "nothing-running" if intent in SESSION_ONLY else "menu")
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
    if feeling == "worse":  # stop advice, and no other point to press beside it
        return state, (
            record,
            Reply(say(kb, state, "feedback.worse"), (button(kb, state, Command("clinic"), "button.clinic"),)),
        )
    choices = start_buttons(kb, state, tuple(i for i in state.offered if i != item))[:2]
    choices = (*choices, button(kb, state, Command("rem:ask"), "menu.reminder"))
    return state, (record, Reply(say(kb, state, f"feedback.{feeling}"), choices))


def faq_answer(kb: Knowledge, state: Conversation, faq_id: str) -> Reply:
    """A FAQ's answer in the person's language, with the menu."""
    faq = kb.content.faqs[faq_id]
    return Reply(faq.answer.get(state.lang) or faq.answer["en"], menu_reply(kb, state).choices)


def languages(kb: Knowledge, state: Conversation) -> Reply:
    """Which language?"""
    choices = tuple(button(kb, state, PickLanguage(code), f"language.name.{code}") for code in kb.content.conversing)
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
