"""Erasing a person leaves nothing that identifies them: no row in any table, on SQLite and on PostgreSQL,
and on SQLite not even bytes in the database file or its write-ahead log. It holds both when they ask
("delete my data") and when the sweep erases them after `[privacy] retain_days` without a message.

Every table of the schema is accounted for here: a table added without being considered fails
`test_every_table_is_considered`. Their booking request stays at the desk only as a tombstone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, select

from bot.engine import AppointmentSet, ChoicePicked, Reply, TextReceived
from bot.store.schema import PERSON_TABLES, booking_tombstones, metadata
from tests.conftest import T0, Harness, open_harness
from tests.engine.helpers import SAFE_ANSWERS

ADDRESS = "987654321"
KEY = f"telegram:{ADDRESS}"
OTHER = "telegram:5550001"  # someone else: their data stay
DAY = timedelta(days=1)

ERASED = {
    "conversations": "the person's state: answers, history, reminders, language, time zone",
    "timers": "their reminders, session steps and appointment reminders",
    "outbox": "replies to them not delivered yet",
    "records": "their booking requests, feedback and red-flag kinds",
    "menus": "the numbered menu last sent to them (WhatsApp)",
    "inbound": "the delivery ids of their messages (a Twilio MessageSid leads back to them)",
    "booking_status": "where their booking request stands at the desk",
    "booking_events": "its history and the staff's notes about it",
    "appointments": "the time the clinic confirmed for them",
    "data_links": "links to their data file (WhatsApp)",
}
"""Tables holding rows about a person (by their key): every row of theirs is deleted."""

KEPT = {
    "uploads": "pictures uploaded once to a platform: nobody's",
    "staff": "the clinic's desk accounts",
    "login_failures": "failed desk logins, by staff account and address",
    "desk_audit": "which staff member did what to which reference: no personal text",
    "booking_tombstones": "that a request was there, its branch and dates, and why it went: nothing about them",
}
"""Tables that hold nothing about a person, and why."""

IDENTIFYING = (
    ADDRESS,
    "Sara",
    "+971 50 123 4567",
    "123 4567",
    "update-",
    "photo-1",
    "prefers Arabic",
    "Tuesday evening",
    "Feels: bloating",
    "Press 1 of 12",
)


def test_every_table_is_considered() -> None:
    assert set(metadata.tables) == set(ERASED) | set(KEPT), "a new table: say here what erasing a person does to it"
    assert {t.name for t in PERSON_TABLES} == set(ERASED), "the erase deletes by key from exactly these"


async def _a_full_history(harness: Harness) -> str:
    """Everything a person leaves: a session, a reminder, a booking the desk worked on (status, note, a
    confirmed time and their answer), a photo, an undelivered reply, a numbered menu. Returns the ref."""
    events = [
        TextReceived("I feel bloated"),
        ChoicePicked("start:KI1"),
        *(ChoicePicked(f"ans:{q}:{v}") for q, v in SAFE_ANSWERS),
        TextReceived("stop"),
        TextReceived("remind me at 10pm every night"),
        TextReceived("book"),
        ChoicePicked("branch:dhcc"),
        TextReceived("Tuesday evening"),
        TextReceived("Sara Ahmed"),
        TextReceived("+971 50 123 4567"),
        ChoicePicked("consent:yes"),
    ]
    for number, event in enumerate(events):
        await harness.runtime.handle(KEY, event, T0, dedupe=("telegram", f"update-{number}"))
    (booking,) = await harness.store.records(KEY, "booking")
    ref = str(booking["ref"])
    store = harness.store
    assert await store.change_booking_status(ref, "contacted", frozenset({"new"}), "amira", T0)
    assert await store.add_booking_note(ref, "Sara prefers Arabic", "amira", T0)
    starts = T0 + 3 * DAY
    assert await store.confirm_appointment(ref, starts, "dhcc", "tok-1", frozenset({"contacted"}), "amira", T0)
    await harness.runtime.handle(KEY, AppointmentSet(ref, starts, "dhcc"), T0)
    await harness.runtime.handle(KEY, ChoicePicked(f"appt:{ref}:confirm"), T0, dedupe=("telegram", "update-50"))
    assert await store.first_sight("telegram", "photo-1", T0, key=KEY)  # a photo: no turn, but theirs
    await store.keep_replies(KEY, [Reply("Press 1 of 12")], T0)  # a send that failed, kept for a retry
    await store.save_menu(KEY, [("feel:better", "Better")])
    await store.add_data_link("link-token-of-" + ADDRESS, KEY, T0 + timedelta(hours=1))  # their data file, on WhatsApp
    await harness.runtime.handle(OTHER, TextReceived("remind me at 9pm every night"), T0, dedupe=("telegram", "o-1"))
    return ref


async def _erase(harness: Harness, way: str) -> datetime:
    """Erase the person as they ask, or as the sweep does after `retain_days` of silence; returns when."""
    if way == "asked":
        await harness.runtime.handle(KEY, TextReceived("delete my data"), T0, dedupe=("telegram", "update-98"))
        await harness.runtime.handle(KEY, ChoicePicked("delete:yes"), T0, dedupe=("telegram", "update-99"))
        return T0
    retain = timedelta(days=harness.runtime.kb.policy.retain_days)
    await harness.runtime.handle(OTHER, TextReceived("hello"), T0 + 300 * DAY, dedupe=("telegram", "o-2"))
    told = T0 + retain - 7 * DAY
    await harness.runtime.sweep(told)
    await harness.runtime.run_due(told)
    assert any("erase" in r.text for k, r in harness.sent if k == KEY), "told a week before"
    await harness.runtime.sweep(T0 + retain)
    return T0 + retain


def _read(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


def _everything(conn: Connection) -> list[str]:
    """Every value of every row of every table, as text."""
    values: list[str] = []
    for table in metadata.sorted_tables:
        for row in conn.execute(select(table)):
            values.extend(str(value) for value in row)
    return values


def _tombstones(conn: Connection) -> list[tuple[object, ...]]:
    return [tuple(row) for row in conn.execute(select(booking_tombstones))]


@pytest.mark.parametrize("way", ["asked", "inactive"])
async def test_erase_leaves_no_row_about_the_person(harness: Harness, way: str) -> None:
    ref = await _a_full_history(harness)
    before = await harness.store.run(_everything)
    for value in IDENTIFYING:
        assert any(value in v for v in before), f"the history holds {value!r}: else this test proves nothing"
    erased_at = await _erase(harness, way)
    after = await harness.store.run(_everything)
    leftovers = [v for v in after if any(value in v for value in IDENTIFYING)]
    assert leftovers == [], "inbound ids, outbox, timers, menus, records, desk history and notes, state: all gone"
    assert await harness.store.count_rows(KEY) == 0 and await harness.store.pending_timers(KEY) == []
    assert await harness.store.load(OTHER) is not None, "nobody else's data"
    assert [t for t, _ in await harness.store.pending_timers(OTHER)] == ["reminder:1"]
    reason = "person" if way == "asked" else "inactive"
    assert await harness.store.run(_tombstones) == [(ref, "dhcc", T0, erased_at, reason)]
    audit = await harness.store.audit_entries(ref)
    assert [(a.staff, a.action) for a in audit] == [
        ("amira", "status:contacted"),
        ("amira", "note"),
        ("amira", "status:confirmed"),
        ("amira", "appointment"),
    ]


@pytest.mark.parametrize("way", ["asked", "inactive"])
async def test_erase_leaves_no_bytes_in_the_sqlite_files(kb: object, tmp_path: Path, way: str) -> None:
    db = tmp_path / "erase.sqlite3"
    harness = await open_harness(kb, db)  # type: ignore[arg-type]
    try:
        await _a_full_history(harness)
        await _erase(harness, way)
        for suffix in ("", "-wal", "-shm"):
            data = _read(Path(f"{db}{suffix}"))
            for value in (ADDRESS, "Sara Ahmed", "prefers Arabic", "123 4567"):
                assert value.encode() not in data, (suffix or "database", value)
    finally:
        await harness.store.close()


async def test_the_channels_are_told_to_forget_the_person(harness: Harness) -> None:
    forgotten: list[str] = []

    async def forget(key: str) -> None:
        forgotten.append(key)

    harness.runtime.on_erase = forget
    await harness.runtime.handle(KEY, TextReceived("hello"), T0)
    await harness.runtime.handle(OTHER, TextReceived("hello"), T0 + 300 * DAY)
    await harness.runtime.handle(KEY, TextReceived("delete my data"), T0)
    assert forgotten == []
    await harness.runtime.handle(KEY, ChoicePicked("delete:yes"), T0)
    assert forgotten == [KEY]
    await harness.runtime.handle(KEY, TextReceived("hello again"), T0)
    retain = timedelta(days=harness.runtime.kb.policy.retain_days)
    await harness.runtime.sweep(T0 + retain - 7 * DAY)
    await harness.runtime.sweep(T0 + retain)
    assert forgotten == [KEY, KEY], "the sweep's erase too; not the other person, who wrote since"
