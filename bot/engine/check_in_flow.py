"""After emergency advice: "are you safe now?" before anything else, then the paused reminders.

An emergency (`general.emergency`) stops every timer, pauses the reminders and leaves the person in
`check-in`. Their next message, whatever it says, is met with the question ("is everyone safe now?"
when the emergency was someone else's), and nothing else is offered until it is answered. "I still need
help" gives the advice again; "I'm safe now" gets a warm word and, when reminders were paused, the
question whether to turn them back on (`check-in.reminders`); only then the usual conversation.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.engine import reminder_flow
from bot.engine.actions import Reply
from bot.engine.choices import Confirm
from bot.engine.clock_math import zone
from bot.engine.common import Turn, button, menu_reply, say, to_idle
from bot.engine.knowledge import Knowledge
from bot.engine.state import RESUME_REMINDERS, Conversation, Emergency
from bot.nlu import normalise

if TYPE_CHECKING:  # the reader of messages imports this module
    from bot.engine.general import Said

SAFE = Confirm("safe", True)
NEED_HELP = Confirm("safe", False)

# The intents that answer it (the words are in content/languages/<lang>.toml, [conversation] safe/not_safe).
SAFE_INTENTS = frozenset({"yes", "better"})
NOT_SAFE_INTENTS = frozenset({"no", "worse", "same", "help"})


def say_either(kb: Knowledge, state: Conversation, message_id: str, fallback: str) -> str:
    """The message `message_id`, or `fallback` when there is no such message ("emergency-other.dvt")."""
    known = kb.content.messages.get("en", {})
    return say(kb, state, message_id if message_id in known else fallback)


def advice(kb: Knowledge, state: Conversation) -> Reply:
    """The emergency advice for the emergency on record: to the person, or to the one helping someone."""
    emergency = state.emergency or Emergency("emergency")
    family = "emergency-other" if emergency.for_other else "emergency"
    return Reply(say_either(kb, state, f"{family}.{emergency.kind}", f"{family}.emergency"), urgent=True)


def question(kb: Knowledge, state: Conversation) -> Reply:
    """Are you safe now? Did you get help? (Is everyone safe now?, when it was someone else.)"""
    safe, need_help = _label_ids(state)
    choices = (button(kb, state, SAFE, safe), button(kb, state, NEED_HELP, need_help))
    return Reply(say(kb, state, "check-in.ask-other" if _for_other(state) else "check-in.ask"), choices)


def asked(state: Conversation) -> bool:
    """True when the question is on screen: its buttons were the last shown (emergency advice clears them)."""
    return any(choice.id == str(SAFE) for choice in state.shown)


def read_answer(said: Said) -> bool | None:
    """A typed answer: True for safe ("yes", "I'm ok", "fine now"), False for not ("no", "still bad",
    "I need help", "not sure"), None for anything else (asked again)."""
    if not any(ch.isalpha() for ch in said.text):
        return None  # "👍", "1" (a number picks a button, or nothing): no answer to this question
    words = set(said.words)
    if said.u.intent in NOT_SAFE_INTENTS or words & said.w.not_safe:
        return False
    if said.u.intent in SAFE_INTENTS or words & said.w.safe:
        return True
    return None


def on_text(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    """A message while the check-in is owed.

    Before the question was asked, any message asks it ("ok" after the advice is not "I'm safe"), except
    its own words ("I'm safe now", "I still need help") and words that say it is not over ("still bad",
    "what should I do", "I'm not safe"), which get the advice again. Once
    asked, a typed answer answers it; anything else (symptoms too: no points now) asks it again.
    Labels count only word for word, never by a close spelling: "I'm not safe now" is close to "I'm
    safe now" (the row is `careful` for the same reason).
    """
    if not asked(state):
        typed = " ".join(said.words)
        labels = [" ".join(w for w in normalise(say(kb, state, i)).split() if w != ",") for i in _label_ids(state)]
        if typed in labels:
            return answer(kb, state, labels.index(typed) == 0, now)
        if read_answer(said) is False:
            return answer(kb, state, False, now)
        return state, (question(kb, state),)
    reading = read_answer(said)
    if reading is None:
        return state, (Reply(say(kb, state, "check-in.again")), question(kb, state))
    return answer(kb, state, reading, now)


def answer(kb: Knowledge, state: Conversation, safe: bool, now: datetime) -> Turn:
    """Safe: a warm word, then the paused reminders (if any), then the usual menu; not safe: the advice again."""
    if not safe:
        state = replace(state, shown=())  # the advice stands alone; their next message asks again
        return state, (advice(kb, state),)
    ack = "check-in.safe-other" if _for_other(state) else "check-in.safe"
    state = replace(to_idle(state), emergency=None)
    if state.paused_reminders:
        state = replace(state, state=RESUME_REMINDERS)
        return state, (Reply(say(kb, state, ack)), resume_question(kb, state))
    return state, (menu_reply(kb, state, ack),)


def resume_question(kb: Knowledge, state: Conversation) -> Reply:
    """I paused your reminders (every night at 22:00): turn them back on?"""
    tz = zone(state.tz, kb.policy.default_tz).key
    which = "; ".join(reminder_flow.describe(kb, state, r, tz) for r in state.paused_reminders)
    choices = (
        button(kb, state, Confirm("resume", True), "button.resume-yes"),
        button(kb, state, Confirm("resume", False), "button.resume-no"),
    )
    return Reply(say(kb, state, "check-in.resume", reminders=which), choices)


def on_resume(kb: Knowledge, state: Conversation, yes: bool, now: datetime) -> Turn:
    """Yes: the paused reminders back on, as they were; no: they stay paused (shown in "my reminders")."""
    state = to_idle(state)
    if not state.paused_reminders:  # an old button: nothing is paused now
        return state, (menu_reply(kb, state, "check-in.nothing-paused"),)
    if not yes:
        return state, (menu_reply(kb, state, "check-in.reminders-off"),)
    before = {r.id for r in state.reminders}
    state, schedule = reminder_flow.resume_paused(kb, state, now)
    back = [r for r in state.reminders if r.id not in before]
    if not back:
        return state, (*schedule, menu_reply(kb, state, "check-in.reminders-passed"))
    tz = zone(state.tz, kb.policy.default_tz).key
    which = "; ".join(reminder_flow.describe(kb, state, r, tz) for r in back)
    return state, (*schedule, menu_reply(kb, state, "check-in.reminders-on", reminders=which))


def _for_other(state: Conversation) -> bool:
    return state.emergency is not None and state.emergency.for_other


def _label_ids(state: Conversation) -> tuple[str, str]:
    """The labels of "safe" and "still need help", for the person or for the one helping someone."""
    if _for_other(state):
        return "button.safe-other", "button.need-help-other"
    return "button.safe", "button.need-help"
