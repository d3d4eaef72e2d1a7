"""Before a guided session: ask the due contraindication questions, then start, adapt or decline."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.engine.actions import Reply
from bot.engine.common import Turn, button, iso, item_name, say, start_buttons, to_idle
from bot.engine.knowledge import Knowledge
from bot.engine.safety import OPTIONS, assess, due_questions
from bot.engine.session_flow import begin
from bot.engine.state import SAFETY, Conversation, SafetyAnswer


def is_item(kb: Knowledge, item: str) -> bool:
    """True for a known point code (or alias) or "zone:<id>"."""
    if item.startswith("zone:"):
        return item.removeprefix("zone:") in kb.content.zones
    return kb.content.point(item) is not None


def request_start(kb: Knowledge, state: Conversation, item: str, now: datetime) -> Turn:
    """The person wants a guided session on `item`: ask what is due, or go straight to the verdict."""
    point = None if item.startswith("zone:") else kb.content.point(item)
    if point is not None:
        item = point.code  # store and show the WHO code, whatever alias was used
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
    state = replace(state, answers=answers)
    item = state.pending_item
    verdict = assess(kb, answers, item)
    remaining = [q for q in due_questions(kb, answers, now) if q != question]
    if verdict.stop or verdict.not_yet or not remaining:
        return _conclude(kb, to_idle(state), item, now)
    state = replace(state, question=remaining[0])
    return state, (question_reply(kb, state),)


def question_reply(kb: Knowledge, state: Conversation) -> Reply:
    """The current safety question with its answer buttons."""
    question = state.question
    choices = tuple(
        button(kb, state, f"ans:{question}:{value}", f"safety.{question}.{value}") for value in OPTIONS[question]
    )
    return Reply(say(kb, state, f"safety.{question}.ask"), choices)


def _conclude(kb: Knowledge, state: Conversation, item: str, now: datetime) -> Turn:
    verdict = assess(kb, state.answers, item)
    clinic = (button(kb, state, "book", "button.book"), button(kb, state, "clinic", "button.clinic"))
    if verdict.stop:
        return state, (Reply(say(kb, state, f"safety.stop.{verdict.stop}"), clinic),)
    if verdict.not_yet:
        text = say(kb, state, f"safety.not-yet.{verdict.not_yet}", minutes=kb.policy.later_minutes)
        later = button(kb, state, f"later:{item}", "button.later", minutes=kb.policy.later_minutes)
        return state, (Reply(text, (later, button(kb, state, "menu", "button.menu"))),)
    if verdict.forbidden:
        choices = start_buttons(kb, state, tuple(i for i in state.offered if i != item))
        text = say(kb, state, "safety.forbidden-pregnancy", name=item_name(kb, state, item))
        return state, (Reply(text, (*choices[:3], *clinic)),)
    return begin(kb, state, item, verdict, now)
