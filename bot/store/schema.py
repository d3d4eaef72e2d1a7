"""The tables: one row of state per person, durable timers, an outbox of replies, and records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect

metadata = MetaData()


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend (SQLite keeps naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Normalise to UTC; naive values are a programming error."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Give back an aware UTC datetime."""
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


conversations = Table(
    "conversations",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("state", Text, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    # When the person last wrote (or their row was made): their data are kept `[privacy] retain_days` after
    # it. Our own messages (reminders) do not count. `notice_at`: when they were told of the erase ahead
    # (none since they last wrote).
    Column("seen_at", UtcDateTime, nullable=True),
    Column("notice_at", UtcDateTime, nullable=True),
    Index("ix_conversations_seen", "seen_at"),
)

timers = Table(
    "timers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(200), nullable=False),
    Column("timer_id", String(100), nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("payload", String(200), nullable=False, default=""),
    # pending -> fired (stepped; replies in the outbox) -> done (replies delivered); or cancelled
    Column("status", String(12), nullable=False, default="pending"),
    # A worker that takes a due timer (or a reply to deliver) claims it until a lease runs out: the other
    # workers pass it by, and if that worker dies, the lease runs out and another takes it over.
    Column("claim", String(32), nullable=True),
    Column("claimed_until", UtcDateTime, nullable=True),
    # 0: a session step someone is waiting for, taken before bulk timers (a night's reminders) that are due too
    Column("priority", SmallInteger, nullable=False, default=1, server_default="1"),
    Index("ix_timers_due", "status", "due_at"),
    Index("ix_timers_priority", "status", "priority", "due_at"),
    Index("ix_timers_key", "key", "timer_id"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(200), nullable=False),
    Column("timer_row", Integer, nullable=True),  # the timers.id whose firing produced it
    Column("reply", Text, nullable=False),  # the Reply as JSON
    Column("created_at", UtcDateTime, nullable=False),
    Column("claim", String(32), nullable=True),
    Column("claimed_until", UtcDateTime, nullable=True),  # also: not before (a failed send's retry)
    # Set when the platform refused the reply for good (a chat that does not exist, an invalid number): it is
    # never tried again, and kept (until the person is erased) so that what was not delivered can be seen.
    Column("failed_at", UtcDateTime, nullable=True),
    Index("ix_outbox_key", "key", "id"),
)

records = Table(
    "records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("ref", String(40), nullable=True),
    Column("data", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_records_key", "key"),
)

inbound = Table(
    "inbound",
    metadata,
    # The durable inbox: every webhook delivery (Telegram update_id, Twilio MessageSid) is written here
    # before the platform gets its 200, with whose it is (so "delete my data" erases it too: a MessageSid
    # leads back to the person at Twilio) and, until processed, the raw update to process it from. Once
    # processed only what dedupe needs stays: the ids, whose, when (`payload` is emptied).
    Column("channel", String(20), primary_key=True),
    Column("message_id", String(64), primary_key=True),
    Column("created_at", UtcDateTime, nullable=False),  # arrival: a person's updates are processed in this order
    Column("key", String(200), nullable=True),
    Column("payload", Text, nullable=True),  # the update (JSON) while it waits; None once processed
    Column("processed_at", UtcDateTime, nullable=True),  # None: waiting
    # The worker that accepted (or took over) a waiting update holds it until then; a dead worker's
    # updates are taken over once it has passed.
    Column("claimed_until", UtcDateTime, nullable=True),
    Index("ix_inbound_key_waiting", "key", "processed_at"),  # a person's waiting updates, and erasure
    Index("ix_inbound_waiting", "processed_at", "claimed_until"),
)

menus = Table(
    "menus",
    metadata,
    # The buttons last shown as a numbered menu (channels without buttons): "2" means the second.
    Column("key", String(200), primary_key=True),
    Column("choices", Text, nullable=False),
)

uploads = Table(
    "uploads",
    metadata,
    # Files a platform keeps for us (a picture uploaded once to Telegram), by picture name: sent again by id.
    Column("channel", String(20), primary_key=True),
    Column("name", String(100), primary_key=True),
    Column("file_id", Text, nullable=False),
)


staff = Table(
    "staff",
    metadata,
    # The clinic's desk accounts: an Argon2 hash (never the password), a role, the branches they serve.
    Column("name", String(64), primary_key=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(10), nullable=False),  # admin | staff
    Column("branches", Text, nullable=False, default="[]"),  # a JSON list of branch ids
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime, nullable=False),
)

booking_status = Table(
    "booking_status",
    metadata,
    # Where a booking request stands (no row: "new"); `key` is the person's, so "delete my data" erases it.
    Column("ref", String(40), primary_key=True),
    Column("key", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_booking_status_key", "key"),
)

booking_events = Table(
    "booking_events",
    metadata,
    # A request's history: a status change or a staff note, who made it ("" = the bot or the person), when.
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ref", String(40), nullable=False),
    Column("key", String(200), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("staff", String(64), nullable=False, default=""),
    Column("kind", String(10), nullable=False),  # status | note
    Column("what", Text, nullable=False),  # the new status, or the note's text
    Index("ix_booking_events_ref", "ref", "id"),
    Index("ix_booking_events_key", "key"),
)

desk_audit = Table(
    "desk_audit",
    metadata,
    # Every change made at the desk: who, what, on which request. No personal text (a note's words stay
    # in booking_events, erased with the person).
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    Column("staff", String(64), nullable=False),
    Column("action", String(40), nullable=False),
    Column("ref", String(40), nullable=False, default=""),
)

login_failures = Table(
    "login_failures",
    metadata,
    # Failed desk logins by account ("user:NAME") and by client address ("addr:IP"), for throttling that
    # holds across worker processes.
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject", String(200), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_login_failures_subject", "subject", "at"),
)

appointments = Table(
    "appointments",
    metadata,
    # The time staff confirmed for a booking request (UTC), where, by whom; `token` names its calendar file
    # in public URLs (random, so the URL says nothing about the person and cannot be guessed).
    Column("ref", String(40), primary_key=True),
    Column("key", String(200), nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("branch", String(40), nullable=False),
    Column("confirmed_by", String(64), nullable=False),
    Column("confirmed_at", UtcDateTime, nullable=False),
    Column("token", String(64), nullable=False, unique=True),
    Index("ix_appointments_key", "key"),
)

booking_tombstones = Table(
    "booking_tombstones",
    metadata,
    # What the desk keeps of a booking request whose person was erased: that it was there, at which branch,
    # when, and why it went (the person deleted their data, or was inactive too long). Nothing about them.
    Column("ref", String(40), primary_key=True),
    Column("branch", String(40), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),  # when the request was made
    Column("erased_at", UtcDateTime, nullable=False),
    Column("reason", String(12), nullable=False),  # person | inactive
)

data_links = Table(
    "data_links",
    metadata,
    # A person's data file behind a public URL (WhatsApp cannot attach JSON): `token` is random, so the URL
    # says nothing about whose it is and cannot be guessed; the link opens the file until `expires_at`.
    Column("token", String(64), primary_key=True),
    Column("key", String(200), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Index("ix_data_links_key", "key"),
)

PERSON_TABLES = (
    conversations,
    timers,
    outbox,
    records,
    menus,
    inbound,
    booking_status,
    booking_events,
    appointments,
    data_links,
)
