"""The person's data file: everything kept about them, as the versioned JSON `reflexbot-my-data/1`
(docs/my-data.md describes every field). Like the calendar file, it is built from the store when a channel
sends it, so it is always what is kept at that moment: a document on Telegram, a short-lived link on
WhatsApp, a file beside the pictures in the console.

Staff names are left out (the clinic's people are not the person's data: "clinic staff" stands for them),
and so is the random token that names an appointment's calendar file (a key, not a fact about anyone).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from bot.engine.clock_math import zone
from bot.engine.documents import DataFile
from bot.engine.state import Reminder
from bot.engine.timers import AppointmentDue, LaterDue, ReminderDue, SessionIdle, SessionStep, parse_timer
from bot.store import SqlStore
from bot.store.person_data import PersonData, RecordRow
from content.model import Content

FORMAT = "reflexbot-my-data/1"
MEDIA_TYPE = "application/json"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RECORD_SECTIONS = {"booking", "feedback", "red-flag", "appointment-answer"}  # the kinds given sections of their own


@dataclass(frozen=True, slots=True)
class DataFileContent:
    """A built data file: its name (dated in the person's time zone) and its bytes."""

    name: str
    content: bytes


class DataFiles:
    """The data file of a person, built from the store on demand; `default_tz` is the zone of people who
    set none."""

    def __init__(self, store: SqlStore, default_tz: str) -> None:
        self.store = store
        self.default_tz = default_tz

    async def build(self, key: str, at: datetime) -> DataFileContent | None:
        """Everything kept about `key` as of `at`, or None when nothing is (never there, or erased)."""
        data = await self.store.person_data(key)
        if not data.found:
            return None
        tz = zone(data.state.tz if data.state is not None else "", self.default_tz)
        local = at.astimezone(tz)
        content = json.dumps(export(data, local), ensure_ascii=False, indent=2).encode()
        return DataFileContent(DataFile(local).file_name, content)


def link_text(content: Content) -> Callable[[str, str, int], str]:
    """The line that gives a data-file link in a language, (lang, url, minutes) -> text ("my-data.link")."""
    return lambda lang, url, minutes: content.message(lang, "my-data.link", url=url, minutes=minutes)


def export(data: PersonData, at: datetime) -> dict[str, Any]:
    """The file's content: `at` is the export's instant in the person's zone, which every time follows."""
    assert at.tzinfo is not None
    tz = at.tzinfo
    state = data.state
    channel, _, address = data.key.partition(":")
    records = data.records
    return {
        "format": FORMAT,
        "exported_at": _at(at, tz),
        "person": {
            "channel": channel,
            "address": address,
            "language": state.lang if state else None,
            "zone": str(tz),
            "zone_chosen": bool(state and state.tz),
            "last_message_at": _iso(state.last_inbound, tz) if state else None,
            "opted_out": bool(state and state.opted_out),
            "unreachable": bool(state and state.unreachable),
            "saved_at": _at(data.saved_at, tz) if data.saved_at else None,
        },
        "safety_answers": [
            {"question": question, "answer": answer.value, "answered_at": _iso(answer.at, tz)}
            for question, answer in (state.answers.items() if state else ())
        ],
        "someone_you_care_for_is_pregnant": bool(state and state.others_pregnant),
        "symptoms_mentioned": list(state.symptoms) if state else [],
        "reminders": [_reminder(r, tz, paused=False) for r in (state.reminders if state else ())]
        + [_reminder(r, tz, paused=True) for r in (state.paused_reminders if state else ())],
        "sessions": [
            {"item": r.data.get("item"), "feeling": r.data.get("feeling"), "at": _iso(str(r.data.get("at", "")), tz)}
            for r in records
            if r.kind == "feedback"
        ],
        "booking_requests": [_booking(data, r, tz) for r in records if r.kind == "booking"],
        "appointment_answers": [
            {"ref": r.ref, "answer": r.data.get("answer"), "at": _at(r.created_at, tz)}
            for r in records
            if r.kind == "appointment-answer"
        ],
        "red_flags": [
            {"kind": r.data.get("kind"), "severity": r.data.get("severity"), "at": _at(r.created_at, tz)}
            for r in records
            if r.kind == "red-flag"
        ],
        "other_records": [
            {"kind": r.kind, "ref": r.ref, "data": r.data, "at": _at(r.created_at, tz)}
            for r in records
            if r.kind not in RECORD_SECTIONS
        ],
        "emergency_check_in": (
            {
                "kind": state.emergency.kind,
                "for_someone_else": state.emergency.for_other,
                "at": _iso(state.emergency.at, tz),
            }
            if state and state.emergency
            else None
        ),
        "scheduled_messages": [
            {"what": _timer_kind(t.timer_id), "timer": t.timer_id, "due_at": _at(t.due_at, tz), "status": t.status}
            for t in data.timers
        ],
        "undelivered_messages": [{"text": u.reply.text, "saved_at": _at(u.created_at, tz)} for u in data.undelivered],
        "last_menu": [{"id": choice, "label": label} for choice, label in data.menu],
        "message_ids": [
            {"channel": m.channel, "id": m.message_id, "received_at": _at(m.received_at, tz)} for m in data.message_ids
        ],
        "download_links": [{"expires_at": _at(expires, tz)} for expires in data.download_links],
        "conversation_state": data.raw_state,
    }


def _booking(data: PersonData, record: RecordRow, tz: tzinfo) -> dict[str, Any]:
    ref = record.ref or ""
    status = next((s for s in data.statuses if s.ref == ref), None)
    appointment = data.appointment_of(ref)
    return {
        "ref": ref,
        "made_at": _at(record.created_at, tz),
        "branch": record.data.get("branch"),
        "preferred_time": record.data.get("when"),
        "name": record.data.get("name"),
        "contact": record.data.get("contact"),
        "summary": record.data.get("summary"),
        "status": data.status_of(ref),
        "status_changed_at": _at(status.updated_at, tz) if status else None,
        "appointment": (
            {
                "starts_at": _at(appointment.starts_at, tz),
                "branch": appointment.branch,
                "confirmed_at": _at(appointment.confirmed_at, tz),
            }
            if appointment
            else None
        ),
        "history": [
            {"at": _at(h.at, tz), "by": _by(h.staff, h.kind), "kind": h.kind, "what": h.what}
            for h in data.history
            if h.ref == ref
        ],
    }


def _reminder(reminder: Reminder, tz: tzinfo, *, paused: bool) -> dict[str, Any]:
    return {
        "id": reminder.id,
        "repeats": "daily" if reminder.daily else "once",
        "time": f"{reminder.hour:02d}:{reminder.minute:02d}",
        "days": [WEEKDAYS[d] for d in reminder.days] if reminder.daily else [],
        "once_at": _iso(reminder.once_at, tz) if reminder.once_at else None,
        "zone": str(tz),
        "paused": paused,
    }


def _timer_kind(timer_id: str) -> str:
    """What a timer is for, in words: "reminder", "session step", "appointment reminder"..."""
    timer = parse_timer(timer_id)
    if isinstance(timer, ReminderDue):
        return "snoozed reminder" if timer.snoozed else "reminder"
    if isinstance(timer, SessionStep):
        return "session step"
    if isinstance(timer, SessionIdle):
        return "session left waiting"
    if isinstance(timer, LaterDue):
        return "not-yet nudge"
    if isinstance(timer, AppointmentDue):
        return "appointment reminder"
    return "other"


def _by(staff: str, kind: str) -> str:
    """Who made a history line: the clinic's staff (unnamed), the person, or the bot."""
    if staff:
        return "clinic staff"
    return "you" if kind == "answer" else "reflexbot"


def _at(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="seconds")


def _iso(raw: str, tz: tzinfo) -> str | None:
    """An ISO 8601 instant kept as text, in the person's zone; as kept if it is not one; None if empty."""
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return raw
    return _at(moment, tz) if moment.tzinfo is not None else raw
