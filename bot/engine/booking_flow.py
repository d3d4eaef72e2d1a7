"""The clinic: branch details, and a booking request shared only with explicit consent."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import datetime
from urllib.parse import quote

from bot.engine.actions import Choice, Record, Reply
from bot.engine.common import Turn, button, item_name, menu_choices, say, to_idle
from bot.engine.knowledge import Branch, Knowledge
from bot.engine.state import (
    BOOKING_BRANCH,
    BOOKING_CONSENT,
    BOOKING_NAME,
    BOOKING_WHEN,
    BookingDraft,
    Conversation,
)

MAX_FIELD = 120


def show_clinic(kb: Knowledge, state: Conversation) -> Turn:
    """Every branch with phone, WhatsApp, map and hours, and a button to request a booking."""
    blocks = [say(kb, state, "clinic.intro", clinic=kb.clinic.name)]
    blocks += [branch_card(kb, state, b) for b in kb.clinic.branches]
    choices = (button(kb, state, "book", "button.book"), button(kb, state, "menu", "button.menu"))
    return state, (Reply("\n\n".join(blocks), choices),)


def branch_card(kb: Knowledge, state: Conversation, branch: Branch) -> str:
    """One branch as a few lines of text."""
    lines = [
        branch.name,
        branch.address,
        say(kb, state, "clinic.phone", phone=branch.phone),
        say(kb, state, "clinic.whatsapp", link=branch.whatsapp),
    ]
    if branch.map_url:
        lines.append(say(kb, state, "clinic.map", link=branch.map_url))
    if branch.hours:
        lines.append(say(kb, state, "clinic.hours", hours=branch.hours))
    return "\n".join(line for line in lines if line)


def start(kb: Knowledge, state: Conversation) -> Turn:
    """Begin a booking request: which branch?"""
    state = replace(to_idle(state), state=BOOKING_BRANCH, booking=BookingDraft())
    return state, (prompt(kb, state),)


def prompt(kb: Knowledge, state: Conversation) -> Reply:
    """The booking question for the current state."""
    if state.state == BOOKING_BRANCH:
        choices = tuple(Choice(f"branch:{b.id}", b.name) for b in kb.clinic.branches)
        return Reply(say(kb, state, "booking.ask-branch"), choices)
    if state.state == BOOKING_WHEN:
        return Reply(say(kb, state, "booking.ask-when"))
    if state.state == BOOKING_NAME:
        return Reply(say(kb, state, "booking.ask-name"))
    consent = (
        button(kb, state, "consent:yes", "button.consent-yes"),
        button(kb, state, "consent:no", "button.consent-no"),
    )
    draft = state.booking or BookingDraft()
    branch = kb.clinic.branch(draft.branch)
    text = say(
        kb,
        state,
        "booking.ask-consent",
        branch=branch.name if branch else "",
        name=draft.name,
        when=draft.when,
        summary=summary(kb, state),
    )
    return Reply(text, consent)


def on_branch(kb: Knowledge, state: Conversation, branch_id: str) -> Turn:
    """A branch was picked."""
    if kb.clinic.branch(branch_id) is None or state.booking is None:
        return state, (prompt(kb, state),)
    state = replace(state, state=BOOKING_WHEN, booking=replace(state.booking, branch=branch_id))
    return state, (prompt(kb, state),)


def on_text(kb: Knowledge, state: Conversation, text: str) -> Turn:
    """Free text for the preferred time or the name (control characters dropped, length capped)."""
    printable = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
    value = " ".join(printable.split())[:MAX_FIELD]
    draft = state.booking
    if not value or draft is None:
        return state, (prompt(kb, state),)
    if state.state == BOOKING_WHEN:
        state = replace(state, state=BOOKING_NAME, booking=replace(draft, when=value))
    else:
        state = replace(state, state=BOOKING_CONSENT, booking=replace(draft, name=value))
    return state, (prompt(kb, state),)


def on_consent(kb: Knowledge, state: Conversation, agreed: bool, now: datetime) -> Turn:
    """Store and hand off the request only with consent; without it, give the direct contacts."""
    draft = state.booking
    branch = kb.clinic.branch(draft.branch) if draft else None
    if draft is None or branch is None:
        return to_idle(state), (Reply(say(kb, state, "booking.lost"), menu_choices(kb, state)),)
    if not agreed:
        text = say(kb, state, "booking.no-consent") + "\n\n" + branch_card(kb, state, branch)
        return to_idle(state), (Reply(text, menu_choices(kb, state)),)
    number = state.counter + 1
    ref = f"RB-{(state.salt or '000000').upper()}-{number}"
    brief = summary(kb, state)
    message = say(kb, state, "booking.wa-text", ref=ref, name=draft.name, when=draft.when, summary=brief)
    link = f"{branch.whatsapp}?text={quote(message)}"
    record = Record(
        "booking",
        (
            ("ref", ref),
            ("branch", branch.id),
            ("when", draft.when),
            ("name", draft.name),
            ("summary", brief),
            ("created_at", now.isoformat()),
        ),
    )
    text = say(kb, state, "booking.sent", ref=ref, branch=branch.name, link=link)
    state = replace(to_idle(state), counter=number)
    return state, (record, Reply(text, menu_choices(kb, state)))


def summary(kb: Knowledge, state: Conversation) -> str:
    """A short summary for the clinic: symptoms, safety answers, points tried and how they helped."""
    none = say(kb, state, "booking.summary-none")
    labels = []
    for sid in state.symptoms[:5]:
        symptom = kb.content.symptoms.get(sid)
        if symptom is not None:
            labels.append(symptom.text.get(state.lang, symptom.text["en"]).label)
    answers = [f"{q}: {a.value}" for q, a in sorted(state.answers.items())]
    tried = [f"{item_name(kb, state, f.item)} ({f.feeling})" for f in state.history[-5:]]
    return say(
        kb,
        state,
        "booking.summary",
        symptoms=", ".join(labels) or none,
        answers=", ".join(answers) or none,
        tried=", ".join(tried) or none,
    )
