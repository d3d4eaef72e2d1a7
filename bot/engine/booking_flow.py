"""The clinic: branch details, and a booking request shared only with explicit consent."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

from bot.engine.actions import Choice, Record, Reply
from bot.engine.choices import Command, Confirm, PickBranch
from bot.engine.common import Turn, button, item_name, listed, menu_reply, say, to_idle
from bot.engine.knowledge import Branch, Knowledge
from bot.engine.safety import QUESTIONS
from bot.engine.state import (
    BOOKING_BRANCH,
    BOOKING_CONSENT,
    BOOKING_CONTACT,
    BOOKING_NAME,
    BOOKING_WHEN,
    BookingDraft,
    Conversation,
)

if TYPE_CHECKING:  # the reader of messages imports this module
    from bot.engine.general import Said

MAX_FIELD = 120
PHONE = re.compile(r"\+?\d[\d\s().-]{5,18}\d")


def show_clinic(kb: Knowledge, state: Conversation) -> Turn:
    """Every branch with phone, WhatsApp, map and hours, and a button to request a booking."""
    blocks = [say(kb, state, "clinic.intro", clinic=kb.clinic.name)]
    blocks += [branch_card(kb, state, b) for b in kb.clinic.branches]
    choices = (button(kb, state, Command("book"), "button.book"), button(kb, state, Command("menu"), "button.menu"))
    return state, (Reply("\n\n".join(blocks), choices),)


def branch_card(kb: Knowledge, state: Conversation, branch: Branch) -> str:
    """One branch as a few lines of text."""
    lines = [
        branch.title(state.lang),
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
        choices = tuple(Choice(str(PickBranch(b.id)), b.title(state.lang)) for b in kb.clinic.branches)
        return Reply(say(kb, state, "booking.ask-branch"), choices)
    if state.state == BOOKING_WHEN:
        return Reply(say(kb, state, "booking.ask-when"))
    if state.state == BOOKING_NAME:
        return Reply(say(kb, state, "booking.ask-name"))
    if state.state == BOOKING_CONTACT:
        chat = button(kb, state, Command("contact-chat"), "button.this-chat")
        return Reply(say(kb, state, "booking.ask-contact"), (chat,))
    consent = (
        button(kb, state, Confirm("consent", True), "button.consent-yes"),
        button(kb, state, Confirm("consent", False), "button.consent-no"),
    )
    draft = state.booking or BookingDraft()
    branch = kb.clinic.branch(draft.branch)
    text = say(
        kb,
        state,
        "booking.ask-consent",
        branch=branch.title(state.lang) if branch else "",
        name=draft.name,
        when=draft.when,
        contact=_contact(kb, state, draft),
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
        state = replace(state, state=BOOKING_CONTACT, booking=replace(draft, name=value))
    return state, (prompt(kb, state),)


def on_contact(kb: Knowledge, state: Conversation, contact: str) -> Turn:
    """How the clinic should reach them: a phone number, or "chat" (in this chat)."""
    if state.booking is None:
        return state, (prompt(kb, state),)
    state = replace(state, state=BOOKING_CONSENT, booking=replace(state.booking, contact=contact))
    return state, (prompt(kb, state),)


def on_contact_text(kb: Knowledge, state: Conversation, said: Said, now: datetime) -> Turn:
    """A typed phone number (or "here", "this chat"); anything else is asked again."""
    found = PHONE.search(" ".join(said.text.split())[:MAX_FIELD])  # "my number is +971 50 123 4567"
    if found is not None and 7 <= sum(ch.isdigit() for ch in found.group()) <= 15:
        return on_contact(kb, state, found.group())
    if said.u.intent in ("stop", "no") and len(said.words) <= 3:
        state = to_idle(state)
        return state, (menu_reply(kb, state, "booking.cancelled"),)
    return state, (Reply(say(kb, state, "booking.contact-unclear")), prompt(kb, state))


def _contact(kb: Knowledge, state: Conversation, draft: BookingDraft) -> str:
    return say(kb, state, "booking.contact-chat") if draft.contact in ("", "chat") else draft.contact


def on_consent(kb: Knowledge, state: Conversation, agreed: bool, now: datetime) -> Turn:
    """Store and hand off the request only with consent; without it, give the direct contacts."""
    draft = state.booking
    branch = kb.clinic.branch(draft.branch) if draft else None
    if draft is None or branch is None:
        return to_idle(state), (menu_reply(kb, state, "booking.lost"),)
    if not agreed:
        text = say(kb, state, "booking.no-consent") + "\n\n" + branch_card(kb, state, branch)
        return to_idle(state), (Reply(text, menu_reply(kb, state).choices),)
    number = state.counter + 1
    ref = f"RB-{(state.salt or '000000').upper()}-{number}"
    brief = summary(kb, state)
    contact = _contact(kb, state, draft)
    message = say(
        kb, state, "booking.wa-text", ref=ref, name=draft.name, when=draft.when, contact=contact, summary=brief
    )
    link = f"{branch.whatsapp}?text={quote(message)}"
    record = Record(
        "booking",
        (
            ("ref", ref),
            ("branch", branch.id),
            ("when", draft.when),
            ("name", draft.name),
            ("contact", contact),
            ("summary", brief),
            ("created_at", now.isoformat()),
        ),
    )
    text = say(kb, state, "booking.sent", ref=ref, branch=branch.title(state.lang), link=link)
    state = replace(to_idle(state), counter=number)
    return state, (record, Reply(text, menu_reply(kb, state).choices))


def summary(kb: Knowledge, state: Conversation) -> str:
    """A short summary in sentences, for the person and for staff: what they feel, their safety
    answers, the points they tried and how they felt after."""
    lines: list[str] = []
    labels = []
    for sid in state.symptoms[:5]:
        symptom = kb.content.symptoms.get(sid)
        if symptom is not None:
            labels.append((symptom.text.get(state.lang) or symptom.text["en"]).label)
    if labels:
        lines.append(say(kb, state, "booking.summary-feels", symptoms=listed(state, labels)))
    answers = [
        say(kb, state, f"booking.answer.{q}.{state.answers[q].value}")
        for q in QUESTIONS
        if q in state.answers and f"booking.answer.{q}.{state.answers[q].value}" in kb.content.messages["en"]
    ]
    if answers:
        lines.append(say(kb, state, "booking.summary-safety", answers="; ".join(answers)))
    tried = [
        say(
            kb,
            state,
            "booking.summary-tried-one",
            name=item_name(kb, state, f.item),
            feeling=say(kb, state, f"booking.felt-{f.feeling}"),
        )
        for f in state.history[-5:]
    ]
    if tried:
        lines.append(say(kb, state, "booking.summary-tried", tried="; ".join(tried)))
    return "\n".join(lines) or say(kb, state, "booking.summary-none")
