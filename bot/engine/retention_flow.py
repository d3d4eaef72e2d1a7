"""Keeping only what is needed: a person who has not written for a long time is told, a week ahead and in
their language, the day their data will be erased, and that writing anything keeps it. The store's sweep
sets the notice timer and does the erase; the engine only words the notice."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date

from bot.engine.actions import Reply
from bot.engine.clock_math import zone
from bot.engine.common import Turn, locale_of, say
from bot.engine.events import TimerFired
from bot.engine.knowledge import Knowledge
from bot.engine.state import Conversation

TEMPLATE = "erase_notice"
"""The approved WhatsApp template sent instead outside the 24-hour window (its wording is fixed there)."""


def on_notice(kb: Knowledge, state: Conversation, event: TimerFired) -> Turn:
    """The notice, with the day of the erase in the person's time zone (the timer's payload is its instant);
    nothing if they have written since the notice was set (their data stay)."""
    if state.last_inbound and datetime.fromisoformat(state.last_inbound) >= event.due_at:
        return state, ()
    try:
        erase_at = datetime.fromisoformat(event.payload)
    except ValueError:
        return state, ()
    local = erase_at.astimezone(zone(state.tz, kb.policy.default_tz))
    day = format_date(local.date(), "long", locale=locale_of(kb, state, "retention.notice"))
    return state, (Reply(say(kb, state, "retention.notice", date=day), template=TEMPLATE),)


def privacy_text(kb: Knowledge, lang: str) -> str:
    """The privacy notice in plain words, with how long data are kept without a message."""
    kept = kb.content.message(lang, "privacy.retention", days=kb.policy.retain_days)
    return kb.content.message(lang, "privacy") + "\n" + kept
