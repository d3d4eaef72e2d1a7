"""Everything the store keeps about one person, read from every table in one transaction: the source of
"my data" (the engine's summary reads `PersonData.kept()`, the channels' file reads all of it).

`KEPT_TABLES` says which table each part comes from; a test holds it to the schema, so a new table keyed
by person cannot be left out of what a person is shown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, select

from bot.engine.actions import Reply
from bot.engine.kept import Kept, KeptBooking
from bot.engine.state import Conversation, Feedback
from bot.store.operations import NEW, Appointment, reply_from_json
from bot.store.schema import (
    appointments,
    booking_events,
    booking_status,
    conversations,
    data_links,
    inbound,
    menus,
    outbox,
    records,
    timers,
)

KEPT_TABLES = {
    "conversations": "state",
    "timers": "timers",
    "outbox": "undelivered",
    "records": "records",
    "menus": "menu",
    "inbound": "message_ids",
    "booking_status": "statuses",
    "booking_events": "history",
    "appointments": "appointments",
    "data_links": "download_links",
}
"""Each table that holds rows about a person, and the PersonData field its rows are read into."""


@dataclass(frozen=True, slots=True)
class TimerRow:
    """A timer of the person's (a reminder, a session step, an appointment reminder) and where it stands."""

    timer_id: str
    due_at: datetime
    status: str  # pending | fired | done | cancelled | failed


@dataclass(frozen=True, slots=True)
class UndeliveredRow:
    """A reply saved for the person and not delivered yet."""

    reply: Reply
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RecordRow:
    """A fact kept apart from the state: a booking request, a session's feedback, a red flag's kind."""

    kind: str
    ref: str | None
    data: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MessageIdRow:
    """The platform's id of a message the person sent (kept a few days to take each message once)."""

    channel: str
    message_id: str
    received_at: datetime


@dataclass(frozen=True, slots=True)
class StatusRow:
    """Where a booking request stands at the desk (a request without one is new)."""

    ref: str
    status: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """A line of a booking request's history: a status change, a staff note, a time, the person's answer."""

    ref: str
    at: datetime
    staff: str  # "" = the bot or the person
    kind: str  # status | note | time | answer
    what: str


@dataclass(frozen=True, slots=True)
class PersonData:
    """Every row kept about one person (their key), table by table (see KEPT_TABLES)."""

    key: str
    state: Conversation | None
    raw_state: dict[str, Any]  # the conversation exactly as saved
    saved_at: datetime | None
    timers: tuple[TimerRow, ...]
    undelivered: tuple[UndeliveredRow, ...]
    records: tuple[RecordRow, ...]
    menu: tuple[tuple[str, str], ...]  # the numbered menu last shown: (choice id, label)
    message_ids: tuple[MessageIdRow, ...]
    statuses: tuple[StatusRow, ...]
    history: tuple[HistoryRow, ...]
    appointments: tuple[Appointment, ...]
    download_links: tuple[datetime, ...]  # when each link to their data file stops working

    @property
    def found(self) -> bool:
        """True when anything at all is kept about the person."""
        parts = (self.timers, self.undelivered, self.records, self.menu, self.message_ids, self.history)
        return self.state is not None or any(parts) or bool(self.statuses or self.appointments)

    def status_of(self, ref: str) -> str:
        """Where booking request `ref` stands (new unless the desk moved it)."""
        return next((s.status for s in self.statuses if s.ref == ref), NEW)

    def appointment_of(self, ref: str) -> Appointment | None:
        """The time the clinic confirmed for booking request `ref`, if any."""
        return next((a for a in self.appointments if a.ref == ref), None)

    def kept(self) -> Kept:
        """What the engine's summary needs beyond the state: every session's feedback, the bookings."""
        sessions = tuple(
            Feedback(str(r.data.get("item", "")), str(r.data.get("feeling", "")), str(r.data.get("at", "")))
            for r in self.records
            if r.kind == "feedback"
        )
        bookings = []
        for r in self.records:
            if r.kind != "booking" or r.ref is None:
                continue
            appointment = self.appointment_of(r.ref)
            bookings.append(
                KeptBooking(
                    r.ref,
                    str(r.data.get("created_at") or r.created_at.isoformat()),
                    str(r.data.get("branch", "")),
                    self.status_of(r.ref),
                    appointment.starts_at.isoformat() if appointment is not None else "",
                )
            )
        return Kept(sessions, tuple(bookings))


def read_person(conn: Connection, key: str) -> PersonData:
    """Every row about `key`, oldest first in each table."""
    saved = conn.execute(select(conversations).where(conversations.c.key == key)).first()
    raw = json.loads(saved.state) if saved is not None else {}
    by_key = {
        name: conn.execute(select(table).where(table.c.key == key).order_by(*_order(table))).all()
        for name, table in (
            ("timers", timers),
            ("outbox", outbox),
            ("records", records),
            ("inbound", inbound),
            ("booking_status", booking_status),
            ("booking_events", booking_events),
            ("appointments", appointments),
            ("data_links", data_links),
        )
    }
    menu = conn.scalar(select(menus.c.choices).where(menus.c.key == key))
    return PersonData(
        key=key,
        state=Conversation.from_json(saved.state) if saved is not None else None,
        raw_state=raw,
        saved_at=saved.updated_at if saved is not None else None,
        timers=tuple(TimerRow(r.timer_id, r.due_at, r.status) for r in by_key["timers"]),
        undelivered=tuple(UndeliveredRow(reply_from_json(r.reply), r.created_at) for r in by_key["outbox"]),
        records=tuple(RecordRow(r.kind, r.ref, json.loads(r.data), r.created_at) for r in by_key["records"]),
        menu=tuple((str(i), str(label)) for i, label in json.loads(menu)) if menu else (),
        message_ids=tuple(MessageIdRow(r.channel, r.message_id, r.created_at) for r in by_key["inbound"]),
        statuses=tuple(StatusRow(r.ref, r.status, r.updated_at) for r in by_key["booking_status"]),
        history=tuple(HistoryRow(r.ref, r.at, r.staff, r.kind, r.what) for r in by_key["booking_events"]),
        appointments=tuple(
            Appointment(r.ref, r.key, r.starts_at, r.branch, r.confirmed_by, r.confirmed_at, r.token)
            for r in by_key["appointments"]
        ),
        download_links=tuple(r.expires_at for r in by_key["data_links"]),
    )


def _order(table: Table) -> tuple[Any, ...]:
    """Oldest first: by row id where a table has one, else by its time, rows of the same instant in the order
    of their key (a database returns ties in whatever order its plan finds them)."""
    if "id" in table.c:
        return (table.c.id,)
    for column in ("created_at", "updated_at", "confirmed_at", "expires_at"):
        if column in table.c:
            return (table.c[column], *table.primary_key.columns)
    return tuple(table.primary_key.columns)
