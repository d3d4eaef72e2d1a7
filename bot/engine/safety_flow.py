"""Before a guided session: ask the due contraindication questions, then start, adapt or decline."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.engine.actions import Reply
from bot.engine.choices import Answer, Command, LaterItem
from bot.engine.common import (
    Turn,
    button,
    iso,
    item_name,
    menu_reply,
    say,
    start_buttons,
    stop_session,
    to_idle,
    without_buttons,
)
from bot.engine.knowledge import Knowledge
from bot.engine.safety import OPTIONS, assess, due_questions, ruled_out, stated_answers, typed_answer
from bot.engine.session_flow import begin, reprompt
from bot.engine.state import IDLE, SAFETY, Conversation, SafetyAnswer
from bot.nlu.answers import label_typed

if TYPE_CHECKING:  # the reader of messages imports this module
    from bot.engine.general import Said


def request_start(kb: Knowledge, state: Conversation, key: str, now: datetime) -> Turn:
    """The person wants a guided session on an item: refuse up front if a stored answer rules it out,
    else ask what is due, or go straight to the verdict."""
    item = kb.items[key].key  # store and show the WHO code, whatever alias was used
    if ruled_out(kb, state.answers, item, now, others_pregnant=state.others_pregnant) is not None:
        return _conclude(kb, to_idle(state), item, now)
    due = due_questions(kb, state.answers, now)
    if due:
        state = replace(to_idle(state), state=SAFETY, pending_item=item, question=due[0])
        intro = say(kb, state, "safety.intro")
        question = question_reply(kb, state)
        return state, (replace(question, text=f"{intro}\n\n{question.text}"),)
    return _conclude(kb, to_idle(state), item, now)


def on_answer(kb: Knowledge, state: Conversation, question: str, value: str, now: datetime) -> Turn:
    """Store one answer with its date; stop at the first answer that rules the session out."""
    answers = {**state.answers, question: SafetyAnswer(value, iso(now))}
    state = replace(state, answers=answers, last_answered=question)
    item = state.pending_item
    if item not in kb.items:  # a correction with no session in view
        state = to_idle(state)
        return state, (menu_reply(kb, state, "safety.updated"),)
    verdict = assess(kb, answers, item, others_pregnant=state.others_pregnant)
    remaining = [q for q in due_questions(kb, answers, now) if q != question]
    if verdict.stop or verdict.not_yet or verdict.forbidden or not remaining:
        return _conclude(kb, to_idle(state), item, now)
    state = replace(state, question=remaining[0])
    return state, (question_reply(kb, state),)


def on_text(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    """A typed answer to the safety question on screen (a hedged one is asked again)."""
    from bot.engine.general import WEAK_INTENTS, general_text, remember_statements

    before = state
    state, noted = remember_statements(kb, state, said, now)
    if state.answers != before.answers or state.others_pregnant != before.others_pregnant:
        # "I'm pregnant", "my wife is pregnant", "yes, I have diabetes" said mid-questions
        answered = state.answers.get(state.question)
        if answered is not None and answered != before.answers.get(state.question):
            return on_answer(kb, state, state.question, answered.value, now)
        if ruled_out(kb, state.answers, state.pending_item, now, others_pregnant=state.others_pregnant):
            return _conclude(kb, to_idle(state), state.pending_item, now)  # says why, once
        return state, (*noted, question_reply(kb, state))
    intent = said.u.intent
    if intent == "change-answers":
        return change_answers(kb, state, said, now)
    if intent == "stop":
        state = to_idle(state)
        return state, (menu_reply(kb, state, "safety.cancelled"),)
    answer = None
    if _plain(said.text):  # "no 🤰" is no plain "no"
        answer = _label_typed(kb, state, said) or typed_answer(state.question, said.u.text, intent, said.w)
    if answer is not None:
        return on_answer(kb, state, state.question, answer, now)
    if said.u.faq is not None and intent is None and not said.u.symptoms:  # answered; the question stays
        faq = kb.content.faqs[said.u.faq]
        return state, (Reply(faq.answer.get(state.lang) or faq.answer["en"]), question_reply(kb, state))
    named = kb.items.find(said.u.text)
    if intent in ASIDE and not named and not said.u.symptoms:
        # "remind me at 10pm", "where is the clinic?" between two answers: done, and the question stays
        after, actions = general_text(kb, state, said, now)
        if after.state not in (IDLE, SAFETY):  # it asks something of its own ("at what time?")
            return after, actions
        after = replace(
            after, state=SAFETY, question=state.question, pending_item=state.pending_item, maybe=state.maybe
        )
        return after, (*without_buttons(actions), question_reply(kb, after))
    if named or said.u.symptoms or (intent is not None and intent not in WEAK_INTENTS):
        return general_text(kb, to_idle(state), said, now)
    # Chatter, or words about another question ("no diabetes" while the feet are asked about: that question
    # comes in its turn, and a denial lowers nothing): the question on screen is asked again.
    return state, (Reply(say(kb, state, "safety.please-answer")), question_reply(kb, state))


def _label_typed(kb: Knowledge, state: Conversation, said: Said) -> str | None:
    """The answer whose button label the message spells out ("لا شيء مما سبق", "Только что поел(а)"), in
    the conversation's language or the message's."""
    question = state.question
    for lang in dict.fromkeys((state.lang, said.u.lang)):
        labels = [kb.content.message(lang, f"safety.{question}.{value}") for value in OPTIONS[question]]
        found = label_typed(said.text, labels)
        if found is not None:
            return OPTIONS[question][found]
    return None


# What may be asked between two answers and leaves the question on screen: a reminder, the clinic, the privacy
# notice; what starts something else (a symptom, another point, the menu) leaves the questions.
ASIDE = frozenset({"remind", "reminders-list", "clinic", "privacy", "about", "help", "timezone"})
_PLAIN_MARKS = frozenset(" .,!'’-،()°")  # the Arabic comma too; a label's "Только что поел(а)", "38 °C"


def _plain(text: str) -> bool:
    """Letters, digits and plain punctuation only: "no?" or "no 🤰" is not a plain answer."""
    return all(ch.isalnum() or ch in _PLAIN_MARKS or ch.isspace() for ch in text.strip())


def question_reply(kb: Knowledge, state: Conversation) -> Reply:
    """The current safety question with its answer buttons."""
    question = state.question
    choices = tuple(
        button(kb, state, Answer(question, value), f"safety.{question}.{value}") for value in OPTIONS[question]
    )
    return Reply(say(kb, state, f"safety.{question}.ask"), choices)


def change_answers(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    """ "I pressed yes by mistake", "my blood pressure is normal now", "change my answers"."""
    topics = [q for q, _ in stated_answers(said.words, said.w) if q in OPTIONS]
    question = topics[0] if topics else state.last_answered
    mistake = bool(said.w.mistake & set(said.words)) and not topics and bool(state.last_answered)
    if question and (topics or mistake):
        # Ask that one question again: the person corrects it with a button, and the rest stands.
        # Only an item the answers had ruled out goes on afterwards: a correction starts nothing new.
        state = replace(to_idle(state), state=SAFETY, question=question, pending_item=state.pending_item)
        asked = question_reply(kb, state)
        return state, (replace(asked, text=say(kb, state, "safety.ask-again") + "\n\n" + asked.text),)
    return clear_answers(kb, state, now)


def clear_answers(kb: Knowledge, state: Conversation, now: datetime) -> Turn:
    """Forget every safety answer: they are asked again before the next session."""
    state = replace(to_idle(state), answers={}, last_answered="")
    return state, (menu_reply(kb, state, "safety.answers-cleared"),)


def _conclude(kb: Knowledge, state: Conversation, item: str, now: datetime) -> Turn:
    verdict = assess(kb, state.answers, item, others_pregnant=state.others_pregnant)
    clinic = (button(kb, state, Command("book"), "button.book"), button(kb, state, Command("clinic"), "button.clinic"))
    change = button(kb, state, Command("answers-change"), "button.change-answers")
    if verdict.stop:
        state = replace(state, pending_item=item)  # kept so a corrected answer can go on with it
        return state, (Reply(say(kb, state, f"safety.stop.{verdict.stop}"), (*clinic, change)),)
    if verdict.not_yet:
        text = say(kb, state, f"safety.not-yet.{verdict.not_yet}", minutes=kb.policy.later_minutes)
        later = button(kb, state, LaterItem(item), "button.later", minutes=kb.policy.later_minutes)
        return state, (Reply(text, (later, button(kb, state, Command("menu"), "button.menu"))),)
    if verdict.forbidden:
        choices = start_buttons(kb, state, tuple(i for i in state.offered if i != item))
        text = say(kb, state, "safety.forbidden-pregnancy", name=item_name(kb, state, item))
        return state, (Reply(text, (*choices[:3], *clinic)),)
    return begin(kb, state, item, verdict, now)


def statement_in_session(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn | None:
    """ "Wait, I'm pregnant" (or "my BP is high") during a session: recorded, and the session stops
    when the item is now ruled out, or goes on gently; None when the message states nothing new."""
    from bot.engine.general import remember_statements

    before = state
    state, noted = remember_statements(kb, state, said, now)
    session = state.session
    if session is None or (state.answers == before.answers and state.others_pregnant == before.others_pregnant):
        return None
    verdict = assess(kb, state.answers, session.item, others_pregnant=state.others_pregnant)
    if verdict.stop or verdict.forbidden:
        state, cancel = stop_session(state)
        state, actions = _conclude(kb, to_idle(state), session.item, now)
        return state, (*cancel, *actions)
    if verdict.light and not session.light:
        state = replace(state, session=replace(session, light=True))
        return state, (*noted, Reply(say(kb, state, "session.lighter")), reprompt(kb, state))
    return state, (*noted, reprompt(kb, state))
