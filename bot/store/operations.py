"""The store's SQL, written once as plain functions on a connection inside a transaction.

The runners (runners.py) decide where they execute: on SQLite in the event loop's thread, or through an
async driver such as asyncpg. Each function is one unit of work: it runs inside one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.engine.actions import Action, CancelTimer, Choice, Forget, Record, Reply, ScheduleTimer
from bot.engine.appointment_flow import ANSWER_KIND
from bot.engine.choices import APPOINTMENT_ANSWERS
from bot.engine.state import Conversation
from bot.engine.timers import ERASE_NOTICE
from bot.store.prepared import Prepared
from bot.store.schema import (
    PERSON_TABLES,
    appointments,
    booking_events,
    booking_status,
    booking_tombstones,
    conversations,
    data_links,
    desk_audit,
    inbound,
    login_failures,
    menus,
    outbox,
    records,
    staff,
    timers,
    uploads,
)

# The hot statements, built once and run on the driver's cursor (bot/store/prepared.py): building a
# statement, or running it through Connection.execute, costs more than SQLite spends on it.
# FOR UPDATE: on a server, one person's turns queue on their row, whichever worker runs them (SQLite,
# which has one writer anyway, leaves the clause out).
_LOAD = Prepared(select(conversations.c.state).where(conversations.c.key == bindparam("k")).with_for_update())
# Taken after the person's row, like every turn takes its locks (person first, then their timers), so
# two workers' turns for one person queue instead of deadlocking.
_CLAIM = select(timers.c.status).where(timers.c.id == bindparam("row")).with_for_update()
_UPDATE_STATE = Prepared(
    update(conversations)
    .where(conversations.c.key == bindparam("k"))
    .values(state=bindparam("raw"), updated_at=bindparam("now"))
)
# A turn the person made (they wrote, tapped, shared): inactivity counts from it, and a notice given
# before it no longer holds.
_UPDATE_STATE_SEEN = Prepared(
    update(conversations)
    .where(conversations.c.key == bindparam("k"))
    .values(state=bindparam("raw"), updated_at=bindparam("now"), seen_at=bindparam("now"), notice_at=None)
)
_INSERT_STATE = Prepared(
    insert(conversations).values(
        key=bindparam("k"), state=bindparam("raw"), updated_at=bindparam("now"), seen_at=bindparam("now")
    )
)
_LIVE = outbox.c.failed_at.is_(None)  # not given up
_OUTBOX_OF = select(outbox).where(and_(outbox.c.key == bindparam("k"), _LIVE)).order_by(outbox.c.id)
_GIVEN_UP_OF = select(outbox).where(and_(outbox.c.key == bindparam("k"), ~_LIVE)).order_by(outbox.c.id)
_INSERT_REPLY = Prepared(
    insert(outbox).values(
        key=bindparam("k"), timer_row=bindparam("trow"), reply=bindparam("body"), created_at=bindparam("now")
    )
)
_FREE_OUTBOX = or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until <= bindparam("now"))
_CLAIMABLE = Prepared(
    select(outbox)
    .where(and_(outbox.c.key == bindparam("k"), _FREE_OUTBOX, _LIVE))
    .order_by(outbox.c.id)
    .with_for_update(skip_locked=True)
)
_TAKE_REPLY = Prepared(
    update(outbox)
    .where(outbox.c.id == bindparam("id"))
    .values(claim=bindparam("token"), claimed_until=bindparam("until"))
)
_DELETE_REPLY = Prepared(delete(outbox).where(outbox.c.id == bindparam("id")))
_CANCEL = (
    update(timers)
    .where(and_(timers.c.key == bindparam("k"), timers.c.timer_id == bindparam("tid"), timers.c.status == "pending"))
    .values(status="cancelled")
)
_INSERT_TIMER = insert(timers).values(
    key=bindparam("k"),
    timer_id=bindparam("tid"),
    due_at=bindparam("due"),
    payload=bindparam("pl"),
    priority=bindparam("prio"),
    status="pending",
)
_SET_FIRED = update(timers).where(timers.c.id == bindparam("row")).values(status="fired")
_WAITING = select(func.count()).select_from(outbox).where(and_(outbox.c.timer_row == bindparam("row"), _LIVE))
_SET_DONE = (
    update(timers).where(and_(timers.c.id == bindparam("row"), timers.c.status == "fired")).values(status="done")
)
# The inbox's statements, built once: a statement built per call costs more than running it (SQLAlchemy
# coerces and keys every new one; a constant keeps its key).
_INBOUND_ROW = and_(inbound.c.channel == bindparam("ch"), inbound.c.message_id == bindparam("mid"))
_WAITING_BEFORE = Prepared(
    select(func.count())
    .select_from(inbound)
    .where(inbound.c.key == bindparam("k"), inbound.c.processed_at.is_(None), inbound.c.message_id != bindparam("mid"))
)
_PROCESSED_AT = select(inbound.c.processed_at).where(_INBOUND_ROW)
_TAKE_INBOUND = Prepared(
    update(inbound)
    .where(_INBOUND_ROW, inbound.c.processed_at.is_(None))
    .values(processed_at=bindparam("now"), payload=None, claimed_until=None, key=bindparam("k"))
)
_INBOUND_DONE = Prepared(
    update(inbound)
    .where(_INBOUND_ROW, inbound.c.processed_at.is_(None))
    .values(processed_at=bindparam("now"), payload=None, claimed_until=None)
)
_SEEN = Prepared(
    update(conversations).where(conversations.c.key == bindparam("k")).values(seen_at=bindparam("now"), notice_at=None)
)
_INBOUND_FIELDS = ("channel", "message_id", "created_at", "key", "payload", "claimed_until", "processed_at")
_NEW_PERSON_FIELDS = ("key", "state", "updated_at", "seen_at")


@dataclass(frozen=True, slots=True)
class DueTimer:
    """A pending timer row that has come due."""

    row: int
    key: str
    timer_id: str
    due_at: datetime
    payload: str
    claim: str | None = None  # the token of the worker holding it
    priority: int = 1  # 0: a session step someone is waiting for


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A reply saved with its turn and not yet delivered."""

    row: int
    key: str
    reply: Reply
    timer_row: int | None
    in_doubt: bool = False  # an earlier claim ran out: a worker died while delivering it, maybe after sending
    claim: str | None = None  # the token of the worker holding it


@dataclass(frozen=True, slots=True)
class Claim:
    """A worker's hold on rows: its token, and when the hold runs out if the worker dies."""

    token: str
    until: datetime


def reply_to_json(reply: Reply) -> str:
    """A Reply as JSON for the outbox."""
    return json.dumps(
        {
            "text": reply.text,
            "choices": [[c.id, c.label] for c in reply.choices],
            "template": reply.template,
            "image": reply.image,
            "urgent": reply.urgent,
            "card": reply.card,
            "document": reply.document,
        }
    )


def reply_from_json(raw: str) -> Reply:
    """A Reply back from the outbox."""
    data = json.loads(raw)
    return Reply(
        data["text"],
        tuple(Choice(i, label) for i, label in data["choices"]),
        data["template"],
        data["image"],
        data.get("urgent", False),
        data.get("card"),
        data.get("document"),
    )


def load_state(conn: Connection, key: str) -> Conversation | None:
    """The saved conversation, or None for someone new."""
    raw = _LOAD.scalar(conn, {"k": key})
    return None if raw is None else Conversation.from_json(raw)


def lock_person(conn: Connection, key: str, now: datetime) -> Conversation | None:
    """Load a person's conversation, holding their row until the transaction ends; None for someone new.

    Someone new gets an empty row at once, so two workers taking their first two messages at the same
    moment queue on it like on any other row: the second waits, then finds the first one's state.
    """
    raw = _LOAD.scalar(conn, {"k": key})
    if raw is None:
        new = {"key": key, "state": "", "updated_at": now, "seen_at": now}
        if _insert_new(conn, conversations, _NEW_PERSON_FIELDS).execute(conn, new):
            return None  # the row is ours (and locked) until commit
        raw = _LOAD.scalar(conn, {"k": key})  # another worker made it first: now it is committed
    return Conversation.from_json(raw) if raw else None


Decide = Callable[[Conversation | None], tuple[Conversation, tuple[Action, ...]]]


@dataclass(frozen=True, slots=True)
class TurnResult:
    """What a turn decided and which replies still wait for delivery."""

    state: Conversation
    actions: tuple[Action, ...]
    undelivered: list[OutboxItem]
    stored: bool  # this turn's replies are among `undelivered`


def run_turn(
    conn: Connection,
    key: str,
    decide: Decide,
    now: datetime,
    fired_row: int | None,
    durable: bool,
    claim: Claim,
    dedupe: tuple[str, str] | None = None,
    seen: bool = False,
) -> TurnResult | None:
    """Load, decide (the pure step) and save in one transaction.

    None, with nothing changed, if the fired timer is no longer pending or `dedupe` (channel, message
    id) was seen before: a redelivered webhook is taken exactly once. `seen`: the person made this turn
    (wrote, tapped): their data are kept from now on.
    """
    if fired_row is not None:
        raw = _LOAD.scalar(conn, {"k": key})  # the person's row first, as in every turn
        if not raw or conn.scalar(_CLAIM, {"row": fired_row}) != "pending":
            return None  # they were forgotten, or the timer was handled or cancelled meanwhile
        saved: Conversation | None = Conversation.from_json(raw)
    else:
        if dedupe is not None and not first_sight(conn, *dedupe, now, key=key):
            return None
        saved = lock_person(conn, key, now)
    state, actions = decide(saved)
    # Emergency advice is always saved with its turn, so not even a crash can lose it.
    durable = durable or any(isinstance(a, Reply) and a.urgent for a in actions)
    undelivered = commit_turn(conn, key, state, actions, now, fired_row, durable, claim, seen)
    return TurnResult(state, actions, undelivered, durable)


def commit_turn(
    conn: Connection,
    key: str,
    state: Conversation,
    actions: tuple[Action, ...],
    now: datetime,
    fired_row: int | None,
    durable: bool,
    claim: Claim,
    seen: bool = False,
) -> list[OutboxItem]:
    """Save a turn: state, timers, records and (when `durable`) replies.

    Returns the person's undelivered replies that no other worker holds, now claimed for delivery.
    `seen`: the person made this turn, so inactivity counts from now. Forget erases the person instead.
    """
    if any(isinstance(a, Forget) for a in actions):
        erase_person(conn, key, now, ERASED_BY_PERSON)
        return []
    values = {"k": key, "raw": state.to_json(), "now": now}
    if (_UPDATE_STATE_SEEN if seen else _UPDATE_STATE).execute(conn, values) == 0:
        _INSERT_STATE.execute(conn, values)
    if fired_row is not None:
        conn.execute(_SET_FIRED, {"row": fired_row})
    for action in actions:
        if durable or not isinstance(action, Reply):
            _apply(conn, key, action, now, fired_row)
    if fired_row is not None:
        _finish_timer(conn, fired_row)
    return claim_replies(conn, key, now, claim)


def keep_replies(
    conn: Connection, key: str, replies: list[Reply], now: datetime, retry_at: datetime | None = None
) -> None:
    """Save replies that could not be delivered, for a later try (not before `retry_at`, if given)."""
    for reply in replies:
        row = {"key": key, "timer_row": None, "reply": reply_to_json(reply), "created_at": now}
        conn.execute(insert(outbox).values(**row, claimed_until=retry_at))


def outbox_of(conn: Connection, key: str) -> list[OutboxItem]:
    """A person's undelivered replies, oldest first (not those given up)."""
    rows = conn.execute(_OUTBOX_OF, {"k": key})
    return [OutboxItem(r.id, r.key, reply_from_json(r.reply), r.timer_row) for r in rows]


def given_up_of(conn: Connection, key: str) -> list[OutboxItem]:
    """A person's replies given up for good (the platform refused them), oldest first."""
    rows = conn.execute(_GIVEN_UP_OF, {"k": key})
    return [OutboxItem(r.id, r.key, reply_from_json(r.reply), r.timer_row) for r in rows]


def give_up_replies(conn: Connection, items: list[OutboxItem], now: datetime) -> None:
    """Mark claimed replies failed for good: never tried again; a timer is done once the rest are delivered."""
    for item in items:
        conn.execute(
            update(outbox)
            .where(and_(outbox.c.id == item.row, outbox.c.claim == item.claim))
            .values(claim=None, claimed_until=None, failed_at=now)
        )
    for row in sorted({i.timer_row for i in items if i.timer_row is not None}):
        _finish_timer(conn, row)


def keep_given_up(conn: Connection, key: str, replies: list[Reply], now: datetime) -> None:
    """Keep replies that were never saved and were refused for good, marked failed."""
    for reply in replies:
        row = {"key": key, "timer_row": None, "reply": reply_to_json(reply), "created_at": now, "failed_at": now}
        conn.execute(insert(outbox).values(**row))


def keys_with_pending_replies(conn: Connection, now: datetime) -> list[str]:
    """Everyone who has undelivered replies that no worker holds and whose retry time has come."""
    return list(conn.scalars(select(outbox.c.key).where(and_(_free(outbox, now), _LIVE)).distinct()))


def claim_replies(conn: Connection, key: str, now: datetime, claim: Claim) -> list[OutboxItem]:
    """Take a person's undelivered replies that no other worker holds, oldest first."""
    rows = _CLAIMABLE.rows(conn, {"k": key, "now": now})
    if not rows:
        return []
    _TAKE_REPLY.execute_each(conn, ({"id": r.id, "token": claim.token, "until": claim.until} for r in rows))
    return [
        OutboxItem(r.id, r.key, reply_from_json(r.reply), r.timer_row, r.claim is not None, claim.token) for r in rows
    ]


def release_replies(conn: Connection, items: list[OutboxItem], retry_at: datetime | None) -> None:
    """Give back replies that could not be delivered now, to be tried again from `retry_at`.

    Only those still held under this worker's claim: if its lease ran out and another worker took them
    over, they are that worker's now.
    """
    for item in items:
        conn.execute(
            update(outbox)
            .where(and_(outbox.c.id == item.row, outbox.c.claim == item.claim))
            .values(claim=None, claimed_until=retry_at)
        )


def release_timers(conn: Connection, due: list[DueTimer]) -> None:
    """Give back claimed timers this worker will not fire (it is shutting down), if still its own."""
    for timer in due:
        conn.execute(
            update(timers)
            .where(and_(timers.c.id == timer.row, timers.c.claim == timer.claim))
            .values(claim=None, claimed_until=None)
        )


def release_all(conn: Connection) -> int:
    """Drop every claim: only when this process is the database's one worker (SQLite), at start."""
    for table in (timers, outbox):
        conn.execute(update(table).where(table.c.claim.is_not(None)).values(claimed_until=None))
    conn.execute(update(inbound).where(inbound.c.processed_at.is_(None)).values(claimed_until=None))
    return int(conn.scalar(select(func.count()).select_from(outbox).where(outbox.c.claim.is_not(None))) or 0)


def mark_delivered(conn: Connection, items: list[OutboxItem]) -> None:
    """Drop delivered replies; a timer is done once all its replies are delivered."""
    _DELETE_REPLY.execute_each(conn, ({"id": i.row} for i in items))
    for row in sorted({i.timer_row for i in items if i.timer_row is not None}):
        _finish_timer(conn, row)


def claim_due_timers(conn: Connection, now: datetime, key: str | None, limit: int, claim: Claim) -> list[DueTimer]:
    """Take up to `limit` pending timers due at or before `now` (of one person, if given): session steps
    someone is waiting for first (priority 0), then the rest, earliest first.

    Timers another worker holds are passed by (SKIP LOCKED while choosing, the lease afterwards), so
    workers take disjoint batches; a dead worker's batch is taken over once its lease runs out.
    """
    pick = select(timers.c.id).where(and_(timers.c.status == "pending", timers.c.due_at <= now, _free(timers, now)))
    if key is not None:
        pick = pick.where(timers.c.key == key)
    order = (timers.c.priority, timers.c.due_at, timers.c.id)
    pick = pick.order_by(*order).limit(limit).with_for_update(skip_locked=True)
    ids = list(conn.scalars(pick))
    if not ids:
        return []
    conn.execute(update(timers).where(timers.c.id.in_(ids)).values(claim=claim.token, claimed_until=claim.until))
    query = select(timers).where(timers.c.id.in_(ids)).order_by(*order)
    return [
        DueTimer(r.id, r.key, r.timer_id, r.due_at, r.payload, claim.token, r.priority) for r in conn.execute(query)
    ]


def first_sight(
    conn: Connection, channel: str, message_id: str, now: datetime, key: str | None = None, seen: bool = False
) -> bool:
    """Take an inbound delivery once (and note whose it was): its waiting inbox row is marked processed and
    its payload dropped, or an id never seen is recorded as processed; False if it was processed before.
    `seen`: a message from the person that needs no turn (a photo, a sticker): it keeps their data all the same."""
    taken = _TAKE_INBOUND.execute(conn, {"ch": channel, "mid": message_id, "now": now, "k": key})
    if not taken:
        row = {"channel": channel, "message_id": message_id, "created_at": now, "key": key, "payload": None}
        row |= {"claimed_until": None, "processed_at": now}
        taken = _insert_new(conn, inbound, _INBOUND_FIELDS).execute(conn, row)
    first = bool(taken)
    if first and seen and key is not None:
        _SEEN.execute(conn, {"k": key, "now": now})
    return first


@dataclass(frozen=True, slots=True)
class InboxItem:
    """An inbound delivery saved but not processed yet: whose lane it waits in and what to process."""

    channel: str
    message_id: str
    key: str
    payload: str


def _inbound_row(channel: str, message_id: str) -> ColumnElement[bool]:
    return and_(inbound.c.channel == channel, inbound.c.message_id == message_id)


def accept_inbound(conn: Connection, item: InboxItem, now: datetime, until: datetime, mine: int) -> bool | None:
    """Save a delivery before it is answered, held by this worker until `until`; False if it was saved
    before (a repeat: answered, never processed twice). None, with nothing saved, when more of the person's
    updates wait than the `mine` this worker holds: another worker (or a dead one) has earlier ones, and
    taking this one here could overtake them; the platform delivers it again later."""
    waiting = _WAITING_BEFORE.scalar(conn, {"k": item.key, "mid": item.message_id})
    if int(waiting or 0) > mine:
        if conn.scalar(_PROCESSED_AT, {"ch": item.channel, "mid": item.message_id}):
            return False  # a repeat of one already processed
        return None
    row = {
        "channel": item.channel,
        "message_id": item.message_id,
        "created_at": now,
        "key": item.key,
        "payload": item.payload,
        "claimed_until": until,
        "processed_at": None,
    }
    return bool(_insert_new(conn, inbound, _INBOUND_FIELDS).execute(conn, row))


def inbound_done(conn: Connection, channel: str, message_id: str, now: datetime) -> None:
    """A delivery is processed (whatever came of it): only what dedupe needs stays."""
    _INBOUND_DONE.execute(conn, {"ch": channel, "mid": message_id, "now": now})


def claim_waiting_inbound(conn: Connection, now: datetime, until: datetime, limit: int) -> list[InboxItem]:
    """Take up to `limit` saved deliveries no live worker holds (left by a stop or a crash), in order of
    arrival, until `until`."""
    waiting = and_(inbound.c.processed_at.is_(None), _free(inbound, now))
    order = (inbound.c.created_at, inbound.c.message_id)
    pick = select(inbound.c.channel, inbound.c.message_id).where(waiting).order_by(*order).limit(limit)
    ids = conn.execute(pick.with_for_update(skip_locked=True)).all()
    found: list[InboxItem] = []
    for channel, message_id in ids:
        conn.execute(update(inbound).where(_inbound_row(channel, message_id)).values(claimed_until=until))
    if ids:
        rows = conn.execute(
            select(inbound.c.channel, inbound.c.message_id, inbound.c.key, inbound.c.payload)
            .where(or_(*(_inbound_row(c, m) for c, m in ids)))
            .order_by(*order)
        )
        found = [InboxItem(r.channel, r.message_id, r.key or "", r.payload or "") for r in rows]
    return found


def release_inbound(conn: Connection, items: list[InboxItem]) -> None:
    """Give back saved deliveries this worker will not process (it is stopping), for the next to take at once."""
    for item in items:
        conn.execute(
            update(inbound)
            .where(_inbound_row(item.channel, item.message_id), inbound.c.processed_at.is_(None))
            .values(claimed_until=None)
        )


def waiting_inbound(conn: Connection) -> int:
    """How many saved deliveries are not processed yet."""
    return int(conn.scalar(select(func.count()).select_from(inbound).where(inbound.c.processed_at.is_(None))) or 0)


def _upsert(conn: Connection, table: Table) -> Any:
    """INSERT ... ON CONFLICT for the connection's dialect."""
    if conn.dialect.name == "sqlite":
        return sqlite_insert(table)
    from sqlalchemy.dialects.postgresql import insert  # the PostgreSQL dialect is loaded by its engine anyway

    return insert(table)


_INSERTS_NEW: dict[tuple[str, str, tuple[str, ...]], Prepared] = {}


def _insert_new(conn: Connection, table: Table, fields: tuple[str, ...]) -> Prepared:
    """INSERT of `fields` (bound by name) that does nothing on a conflict, for the connection's dialect,
    built once per dialect and table."""
    key = (conn.dialect.name, table.name, fields)
    found = _INSERTS_NEW.get(key)
    if found is None:
        values = {name: bindparam(name, type_=table.c[name].type) for name in fields}
        found = _INSERTS_NEW[key] = Prepared(_upsert(conn, table).values(**values).on_conflict_do_nothing())
    return found


def _free(table: Table, now: datetime) -> ColumnElement[bool]:
    """Rows no worker holds (never claimed, or the claim ran out) and not waiting for a retry time."""
    return or_(table.c.claimed_until.is_(None), table.c.claimed_until <= now)


_SAVE_MENU = update(menus).where(menus.c.key == bindparam("k")).values(choices=bindparam("raw"))
_NEW_MENU = insert(menus).values(key=bindparam("k"), choices=bindparam("raw"))
_LOAD_MENU = select(menus.c.choices).where(menus.c.key == bindparam("k"))


def save_menu(conn: Connection, key: str, choices: list[tuple[str, str]]) -> None:
    """Remember the numbered menu just sent to a person."""
    values = {"k": key, "raw": json.dumps(choices)}
    if conn.execute(_SAVE_MENU, values).rowcount == 0:
        conn.execute(_NEW_MENU, values)


def load_menu(conn: Connection, key: str) -> list[tuple[str, str]]:
    """The numbered menu last sent to a person (id, label), or none."""
    raw = conn.scalar(_LOAD_MENU, {"k": key})
    return [(str(i), str(label)) for i, label in json.loads(raw)] if raw else []


def save_upload(conn: Connection, channel: str, name: str, file_id: str) -> None:
    """Remember the platform's id of a file we uploaded (the latest wins)."""
    found = update(uploads).where(uploads.c.channel == channel, uploads.c.name == name).values(file_id=file_id)
    if conn.execute(found).rowcount == 0:
        conn.execute(insert(uploads).values(channel=channel, name=name, file_id=file_id))


def load_uploads(conn: Connection, channel: str) -> dict[str, str]:
    """Every file id a platform keeps for us, by name."""
    rows = conn.execute(select(uploads.c.name, uploads.c.file_id).where(uploads.c.channel == channel))
    return {str(name): str(file_id) for name, file_id in rows}


def record_owner(conn: Connection, ref: str) -> str | None:
    """Whose record (booking request) carries this reference."""
    return conn.scalar(select(records.c.key).where(records.c.ref == ref).limit(1))


def prune(conn: Connection, timers_before: datetime, inbound_before: datetime, links_before: datetime) -> int:
    """Forget finished timers due before one instant, webhook ids seen before another and data-file links
    expired before a third; how many rows."""
    finished = delete(timers).where(and_(timers.c.status.in_(("done", "cancelled")), timers.c.due_at < timers_before))
    removed = conn.execute(finished).rowcount
    removed += conn.execute(delete(data_links).where(data_links.c.expires_at < links_before)).rowcount
    # Only processed ids: a saved delivery waits for its turn however long it takes.
    old = and_(inbound.c.created_at < inbound_before, inbound.c.processed_at.is_not(None))
    return int(removed + conn.execute(delete(inbound).where(old)).rowcount)


def add_data_link(conn: Connection, token: str, key: str, expires_at: datetime) -> None:
    """A link to `key`'s data file, named by a random token, until `expires_at`."""
    conn.execute(data_links.insert().values(token=token, key=key, expires_at=expires_at))


def data_link(conn: Connection, token: str) -> tuple[str, datetime] | None:
    """Whose data file a link's token opens, and until when."""
    row = conn.execute(select(data_links.c.key, data_links.c.expires_at).where(data_links.c.token == token)).first()
    return None if row is None else (str(row.key), row.expires_at)


def mark_failed(conn: Connection, row: int) -> None:
    """A timer whose turn raised: kept for inspection, never retried in a loop (unless it was finished
    or cancelled meanwhile)."""
    conn.execute(
        update(timers)
        .where(and_(timers.c.id == row, timers.c.status.in_(("pending", "fired"))))
        .values(status="failed")
    )


def timer_status(conn: Connection, row: int) -> str | None:
    """A timer row's status: pending, fired, done or cancelled."""
    return conn.scalar(select(timers.c.status).where(timers.c.id == row))


def probe_write(conn: Connection) -> None:
    """A write that changes nothing: it fails on a database that cannot be written (read-only, full)."""
    conn.execute(delete(inbound).where(inbound.c.channel == "__health__"))


def next_due_at(conn: Connection, key: str | None) -> datetime | None:
    """When the earliest pending timer (of one person, if given) is due."""
    query = select(func.min(timers.c.due_at)).where(timers.c.status == "pending")
    if key is not None:
        query = query.where(timers.c.key == key)
    value: datetime | None = conn.scalar(query)  # min() keeps the column's type, so this is aware UTC
    return value


def pending_timers(conn: Connection, key: str) -> list[tuple[str, datetime]]:
    """A person's pending timers (id, due), earliest first."""
    query = (
        select(timers.c.timer_id, timers.c.due_at)
        .where(and_(timers.c.key == key, timers.c.status == "pending"))
        .order_by(timers.c.due_at)
    )
    return [(r.timer_id, r.due_at) for r in conn.execute(query)]


def person_records(conn: Connection, key: str, kind: str | None) -> list[dict[str, Any]]:
    """A person's records (booking requests, feedback), oldest first."""
    query = select(records).where(records.c.key == key).order_by(records.c.id)
    if kind is not None:
        query = query.where(records.c.kind == kind)
    return [{"kind": r.kind, "ref": r.ref, **json.loads(r.data)} for r in conn.execute(query)]


ERASED_BY_PERSON = "person"
ERASED_INACTIVE = "inactive"
"""Why a person's data went: they asked ("delete my data"), or they wrote nothing for `retain_days`."""


def erase_person(conn: Connection, key: str, now: datetime, reason: str) -> None:
    """Delete every row about the person. Their booking requests leave a tombstone at the desk (the ref, the
    branch, when it was made, when and why it went), so staff understand why a request vanished."""
    requests = conn.execute(
        select(records.c.ref, records.c.data, records.c.created_at).where(
            and_(records.c.key == key, records.c.kind == "booking", records.c.ref.is_not(None))
        )
    ).all()
    for ref, data, created_at in requests:
        branch = str(json.loads(data).get("branch", ""))
        tombstone = {"ref": ref, "branch": branch, "created_at": created_at, "erased_at": now, "reason": reason}
        conn.execute(_upsert(conn, booking_tombstones).values(**tombstone).on_conflict_do_nothing())
    for table in PERSON_TABLES:
        conn.execute(delete(table).where(table.c.key == key))


def schedule_erase_notices(
    conn: Connection, now: datetime, seen_before: datetime, erase_after: timedelta, notice: timedelta, limit: int
) -> tuple[int, bool]:
    """Up to `limit` people who have not written since `seen_before` and were not told yet get a notice timer,
    due now: the runtime fires it like any timer (one worker, retried until delivered). Its payload is when
    their data will go: `erase_after` their last message, and never sooner than `notice` from now. Returns
    how many were noticed, and whether more may wait.

    Rows another worker holds (it is noticing them, or the person is mid-turn) are passed by; a person
    noticed is marked in the same transaction, so a second sweep, on any worker, passes them by too. The
    mark is a conditional write: where reads take no lock (SQLite), the sweep that marks first gives the
    notice, and one who wrote meanwhile gets none.
    """
    pick = (
        select(conversations.c.key, conversations.c.seen_at)
        .where(and_(conversations.c.seen_at <= seen_before, conversations.c.notice_at.is_(None)))
        .order_by(conversations.c.seen_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = conn.execute(pick).all()
    noticed = 0
    for key, seen_at in rows:
        erase_at = max(seen_at + erase_after, now + notice)
        still = and_(
            conversations.c.key == key, conversations.c.seen_at <= seen_before, conversations.c.notice_at.is_(None)
        )
        if not conn.execute(update(conversations).where(still).values(notice_at=now)).rowcount:
            continue
        noticed += 1
        _cancel(conn, key, ERASE_NOTICE)
        timer = {"k": key, "tid": ERASE_NOTICE, "due": now, "pl": erase_at.isoformat(), "prio": 1}
        conn.execute(_INSERT_TIMER, timer)
    return noticed, len(rows) == limit


def erase_inactive(
    conn: Connection, now: datetime, seen_before: datetime, noticed_before: datetime, limit: int
) -> tuple[list[str], bool]:
    """Erase up to `limit` people who have not written since `seen_before` and were told before
    `noticed_before`; returns whose data went, and whether more may wait. A person mid-turn (their row
    held) is passed by: they are writing. Their row goes first, by a conditional delete: where reads take
    no lock (SQLite), the sweep that deletes it erases them, and one who wrote meanwhile is kept."""
    pick = (
        select(conversations.c.key)
        .where(and_(conversations.c.seen_at <= seen_before, conversations.c.notice_at <= noticed_before))
        .order_by(conversations.c.seen_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    erased: list[str] = []
    picked = conn.scalars(pick).all()
    for key in picked:
        still = and_(
            conversations.c.key == key,
            conversations.c.seen_at <= seen_before,
            conversations.c.notice_at <= noticed_before,
        )
        if conn.execute(delete(conversations).where(still)).rowcount:
            erase_person(conn, key, now, ERASED_INACTIVE)
            erased.append(key)
    return erased, len(picked) == limit


def next_retention_at(
    conn: Connection, notice_after: timedelta, erase_after: timedelta, notice: timedelta
) -> datetime | None:
    """The first instant at which the retention sweep will have something to do (a notice or an erase),
    for a clock that runs the sweep only when it matters (the virtual clock)."""
    unnoticed = conn.scalar(select(func.min(conversations.c.seen_at)).where(conversations.c.notice_at.is_(None)))
    found = [unnoticed + notice_after] if unnoticed is not None else []
    noticed = select(conversations.c.seen_at, conversations.c.notice_at).where(conversations.c.notice_at.is_not(None))
    found += [max(seen + erase_after, told + notice) for seen, told in conn.execute(noticed)]
    return min(found, default=None)


def count_rows(conn: Connection, key: str) -> int:
    """How many rows in all tables are about this person."""
    return sum(conn.scalar(select(func.count()).select_from(t).where(t.c.key == key)) or 0 for t in PERSON_TABLES)


def _apply(conn: Connection, key: str, action: Action, now: datetime, fired_row: int | None) -> None:
    if isinstance(action, Reply):
        _INSERT_REPLY.execute(conn, {"k": key, "trow": fired_row, "body": reply_to_json(action), "now": now})
    elif isinstance(action, ScheduleTimer):
        _cancel(conn, key, action.timer_id)
        row = {"k": key, "tid": action.timer_id, "due": action.at, "pl": action.payload, "prio": action.priority}
        conn.execute(_INSERT_TIMER, row)
    elif isinstance(action, CancelTimer):
        _cancel(conn, key, action.timer_id)
    elif isinstance(action, Record):
        data = dict(action.data)
        conn.execute(
            insert(records).values(
                key=key, kind=action.kind, ref=data.get("ref"), data=json.dumps(data), created_at=now
            )
        )
        if action.kind == ANSWER_KIND:  # the desk sees the person's answer with the turn that made it
            appointment_answered(conn, key, data.get("ref", ""), data.get("answer", ""), now)


def _cancel(conn: Connection, key: str, timer_id: str) -> None:
    conn.execute(_CANCEL, {"k": key, "tid": timer_id})


def _finish_timer(conn: Connection, row: int) -> None:
    if not conn.scalar(_WAITING, {"row": row}):
        conn.execute(_SET_DONE, {"row": row})


# The clinic's desk: staff accounts, where each booking request stands, its history, the audit log.

NEW = "new"
"""The status of a booking request no one at the desk has touched (it has no booking_status row)."""


@dataclass(frozen=True, slots=True)
class StaffAccount:
    """A desk account: the hash of its password, never the password."""

    name: str
    password_hash: str
    role: str  # admin | staff
    branches: tuple[str, ...]
    disabled: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class BookingRequest:
    """A booking request as the person shared it, and where it stands at the desk."""

    ref: str
    key: str
    branch: str
    name: str
    when: str
    contact: str
    summary: str
    created_at: datetime
    status: str
    erased_at: datetime | None = None  # a tombstone: the person's data went then (status says why)


@dataclass(frozen=True, slots=True)
class BookingEvent:
    """One line of a request's history: a status change or a note, by whom ("" = the bot), when."""

    at: datetime
    staff: str
    kind: str  # status | note | time ("<ISO instant> <branch id>") | answer
    what: str


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """A change made at the desk: who, what, on which request (no personal text)."""

    at: datetime
    staff: str
    action: str
    ref: str


def add_staff(
    conn: Connection, name: str, password_hash: str, role: str, branches: tuple[str, ...], now: datetime
) -> bool:
    """Create a desk account; False if the name is taken."""
    row = {
        "name": name,
        "password_hash": password_hash,
        "role": role,
        "branches": json.dumps(list(branches)),
        "disabled": False,
        "created_at": now,
    }
    return bool(conn.execute(_upsert(conn, staff).values(**row).on_conflict_do_nothing()).rowcount)


def staff_account(conn: Connection, name: str) -> StaffAccount | None:
    """One desk account by name."""
    row = conn.execute(select(staff).where(staff.c.name == name)).first()
    return None if row is None else _staff_from_row(row)


def list_staff(conn: Connection) -> list[StaffAccount]:
    """Every desk account, by name."""
    return [_staff_from_row(r) for r in conn.execute(select(staff).order_by(staff.c.name))]


def disable_staff(conn: Connection, name: str) -> bool:
    """Disable a desk account (it can no longer log in; its sessions stop); False if there is none."""
    return bool(conn.execute(update(staff).where(staff.c.name == name).values(disabled=True)).rowcount)


def _staff_from_row(row: Any) -> StaffAccount:
    return StaffAccount(
        row.name, row.password_hash, row.role, tuple(json.loads(row.branches)), bool(row.disabled), row.created_at
    )


def booking_requests(conn: Connection, branches: tuple[str, ...] | None) -> list[BookingRequest]:
    """Every booking request (of these branches; None = all), newest first, with the tombstones of those
    whose person was erased."""
    query = (
        select(records, booking_status.c.status)
        .select_from(records.outerjoin(booking_status, booking_status.c.ref == records.c.ref))
        .where(and_(records.c.kind == "booking", records.c.ref.is_not(None)))
        .order_by(records.c.id.desc())
    )
    found = [_booking_from_row(r) for r in conn.execute(query)]
    gone = [_tombstone_from_row(r) for r in conn.execute(select(booking_tombstones))]
    if gone:  # the live ones are in order already; a stable sort places the tombstones among them
        found = sorted([*found, *gone], key=lambda b: b.created_at, reverse=True)
    return [b for b in found if branches is None or b.branch in branches]


def booking_request(conn: Connection, ref: str) -> BookingRequest | None:
    """One booking request by its reference."""
    query = (
        select(records, booking_status.c.status)
        .select_from(records.outerjoin(booking_status, booking_status.c.ref == records.c.ref))
        .where(and_(records.c.kind == "booking", records.c.ref == ref))
        .limit(1)
    )
    row = conn.execute(query).first()
    return None if row is None else _booking_from_row(row)


def booking_request_or_tombstone(conn: Connection, ref: str) -> BookingRequest | None:
    """One booking request by its reference, or what is left of it once its person was erased."""
    found = booking_request(conn, ref)
    if found is not None:
        return found
    row = conn.execute(select(booking_tombstones).where(booking_tombstones.c.ref == ref)).first()
    return None if row is None else _tombstone_from_row(row)


ERASED_STATUS = {ERASED_BY_PERSON: "deleted", ERASED_INACTIVE: "expired"}
"""A tombstone's status at the desk, by why the person's data went."""


def _tombstone_from_row(row: Any) -> BookingRequest:
    status = ERASED_STATUS.get(row.reason, "deleted")
    return BookingRequest(row.ref, "", row.branch, "", "", "", "", row.created_at, status, erased_at=row.erased_at)


def _booking_from_row(row: Any) -> BookingRequest:
    data = json.loads(row.data)
    return BookingRequest(
        ref=str(row.ref),
        key=str(row.key),
        branch=str(data.get("branch", "")),
        name=str(data.get("name", "")),
        when=str(data.get("when", "")),
        contact=str(data.get("contact", "")),
        summary=str(data.get("summary", "")),
        created_at=row.created_at,
        status=row.status or NEW,
    )


def booking_history(conn: Connection, ref: str) -> list[BookingEvent]:
    """A request's status changes and notes, oldest first."""
    query = select(booking_events).where(booking_events.c.ref == ref).order_by(booking_events.c.id)
    return [BookingEvent(r.at, r.staff, r.kind, r.what) for r in conn.execute(query)]


@dataclass(frozen=True, slots=True)
class StatusChange:
    """What a status change found: the status the request stood in, and whether it moved."""

    before: str
    moved: bool


def change_booking_status(
    conn: Connection, ref: str, to: str, allowed_from: frozenset[str], staff_name: str, now: datetime
) -> StatusChange | None:
    """Move a request to `to` if it now stands in `allowed_from`; its history and the audit log say who.

    None: no such request. Read and written in one transaction, and the write is conditional on the
    status read, so two staff changing one request at once cannot both move it from the same status.
    """
    request = booking_request(conn, ref)
    if request is None:
        return None
    if request.status not in allowed_from:
        return StatusChange(request.status, moved=False)
    if request.status == NEW:
        statement = _upsert(conn, booking_status).values(ref=ref, key=request.key, status=to, updated_at=now)
        moved = conn.execute(statement.on_conflict_do_nothing()).rowcount
    else:
        moved = conn.execute(
            update(booking_status)
            .where(and_(booking_status.c.ref == ref, booking_status.c.status == request.status))
            .values(status=to, updated_at=now)
        ).rowcount
    if not moved:  # someone else moved it between the read and the write
        return StatusChange(request.status, moved=False)
    conn.execute(
        insert(booking_events).values(ref=ref, key=request.key, at=now, staff=staff_name, kind="status", what=to)
    )
    write_audit(conn, staff_name, f"status:{to}", ref, now)
    return StatusChange(request.status, moved=True)


def add_booking_note(conn: Connection, ref: str, text: str, staff_name: str, now: datetime) -> bool:
    """A staff note on a request (kept with the person's data); False if there is no such request."""
    request = booking_request(conn, ref)
    if request is None:
        return False
    conn.execute(
        insert(booking_events).values(ref=ref, key=request.key, at=now, staff=staff_name, kind="note", what=text)
    )
    write_audit(conn, staff_name, "note", ref, now)
    return True


def write_audit(conn: Connection, staff_name: str, action: str, ref: str, now: datetime) -> None:
    """One line in the desk's audit log."""
    conn.execute(insert(desk_audit).values(at=now, staff=staff_name, action=action, ref=ref))


def audit_entries(conn: Connection, ref: str | None) -> list[AuditEntry]:
    """The audit log (of one request, if given), oldest first."""
    query = select(desk_audit).order_by(desk_audit.c.id)
    if ref is not None:
        query = query.where(desk_audit.c.ref == ref)
    return [AuditEntry(r.at, r.staff, r.action, r.ref) for r in conn.execute(query)]


def record_login_failure(conn: Connection, subjects: tuple[str, ...], now: datetime, forget_before: datetime) -> None:
    """Note a failed login against each subject ("user:NAME", "addr:IP"); failures older than
    `forget_before` are dropped on the way."""
    conn.execute(delete(login_failures).where(login_failures.c.at < forget_before))
    for subject in subjects:
        conn.execute(insert(login_failures).values(subject=subject, at=now))


def login_failures_since(conn: Connection, subjects: tuple[str, ...], since: datetime) -> int:
    """The most failed logins any one of the subjects has had since `since`."""
    counts = conn.execute(
        select(func.count())
        .select_from(login_failures)
        .where(and_(login_failures.c.subject.in_(subjects), login_failures.c.at >= since))
        .group_by(login_failures.c.subject)
    )
    return max((int(n) for (n,) in counts), default=0)


def clear_login_failures(conn: Connection, subject: str) -> None:
    """Forget a subject's failed logins (an account's, after a successful login)."""
    conn.execute(delete(login_failures).where(login_failures.c.subject == subject))


# The desk's overview: facts to count, with nothing personal (no names, contacts, summaries or words).

COUNTED_FIELDS = {"feedback": ("item", "feeling"), "booking": ("branch",), "red-flag": ("kind", "severity")}
"""For each kind of record the overview counts, the only fields it reads (a booking's status is added)."""


@dataclass(frozen=True, slots=True)
class Tally:
    """One fact the overview counts: what kind, when, and its labels only.

    feedback: (item, feeling); booking: (branch, status); red-flag: (kind, severity); first-contact: ()."""

    kind: str
    at: datetime
    labels: tuple[str, ...]


def overview_tallies(conn: Connection, since: datetime) -> list[Tally]:
    """Feedback, booking and red-flag records since `since`, and each person's first contact when it falls
    since then: the earliest of their records and kept webhook deliveries (the store keeps no other first
    time), all without anything personal."""
    query = (
        select(records.c.kind, records.c.data, records.c.created_at, booking_status.c.status)
        .select_from(records.outerjoin(booking_status, booking_status.c.ref == records.c.ref))
        .where(and_(records.c.kind.in_(tuple(COUNTED_FIELDS)), records.c.created_at >= since))
        .order_by(records.c.id)
    )
    found: list[Tally] = []
    for row in conn.execute(query):
        data = json.loads(row.data)
        labels = tuple(str(data.get(name, "")) for name in COUNTED_FIELDS[row.kind])
        if row.kind == "booking":
            labels = (*labels, row.status or NEW)
        found.append(Tally(row.kind, row.created_at, labels))
    first: dict[str, datetime] = {}
    for table in (records, inbound):
        earliest = select(table.c.key, func.min(table.c.created_at)).where(table.c.key.is_not(None))
        for key, at in conn.execute(earliest.group_by(table.c.key)):
            first[key] = min(first.get(key, at), at)
    found += [Tally("first-contact", at, ()) for at in first.values() if at >= since]
    return found


# Confirmed appointments: the time staff set, the person's answers, the Telegram staff chat's "Handled".

HANDLED_IN_TELEGRAM = "handled in Telegram"
TELEGRAM_STAFF = "Telegram staff chat"  # who made a change with the staff chat's "Handled" button


@dataclass(frozen=True, slots=True)
class Appointment:
    """The time staff confirmed for a booking request (UTC), where, by whom, and its calendar token."""

    ref: str
    key: str
    starts_at: datetime
    branch: str
    confirmed_by: str
    confirmed_at: datetime
    token: str


def confirm_appointment(
    conn: Connection,
    ref: str,
    starts_at: datetime,
    branch: str,
    token: str,
    allowed_from: frozenset[str],
    staff_name: str,
    now: datetime,
) -> StatusChange | None:
    """Set the time of a request standing in `allowed_from` and make it confirmed (history and audit say
    who); None: no such request. A second confirmation of a confirmed request moves the time."""
    request = booking_request(conn, ref)
    if request is None:
        return None
    if request.status not in allowed_from:
        return StatusChange(request.status, moved=False)
    if request.status != "confirmed":
        change = change_booking_status(conn, ref, "confirmed", allowed_from, staff_name, now)
        if change is None or not change.moved:
            return change
    row = {
        "ref": ref,
        "key": request.key,
        "starts_at": starts_at,
        "branch": branch,
        "confirmed_by": staff_name,
        "confirmed_at": now,
        "token": token,
    }
    conn.execute(delete(appointments).where(appointments.c.ref == ref))
    conn.execute(insert(appointments).values(**row))
    what = f"{starts_at.isoformat()} {branch}"  # the instant and the branch: the desk shows its wall clock
    conn.execute(
        insert(booking_events).values(ref=ref, key=request.key, at=now, staff=staff_name, kind="time", what=what)
    )
    write_audit(conn, staff_name, "appointment", ref, now)
    return StatusChange(request.status, moved=True)


def appointment(conn: Connection, ref: str) -> Appointment | None:
    """The confirmed time of a request, if staff set one."""
    row = conn.execute(select(appointments).where(appointments.c.ref == ref)).first()
    return None if row is None else _appointment_from_row(row)


def appointment_by_token(conn: Connection, token: str) -> Appointment | None:
    """The appointment whose calendar file this token names."""
    row = conn.execute(select(appointments).where(appointments.c.token == token)).first()
    return None if row is None else _appointment_from_row(row)


def appointments_of(conn: Connection, refs: list[str]) -> dict[str, Appointment]:
    """The confirmed times of these requests, by ref."""
    if not refs:
        return {}
    rows = conn.execute(select(appointments).where(appointments.c.ref.in_(refs)))
    return {r.ref: _appointment_from_row(r) for r in rows}


def _appointment_from_row(row: Any) -> Appointment:
    return Appointment(row.ref, row.key, row.starts_at, row.branch, row.confirmed_by, row.confirmed_at, row.token)


def latest_answers(conn: Connection, refs: list[str]) -> dict[str, str]:
    """The person's latest answer to each request's confirmed time (confirm, cancel, another-time), by ref."""
    if not refs:
        return {}
    query = (
        select(booking_events.c.ref, booking_events.c.what)
        .where(and_(booking_events.c.ref.in_(refs), booking_events.c.kind == "answer"))
        .order_by(booking_events.c.id)
    )
    return {r.ref: r.what for r in conn.execute(query)}


def appointment_answered(conn: Connection, key: str, ref: str, answer: str, now: datetime) -> None:
    """The person's answer in the request's history; a cancel cancels a confirmed request. Ignored when
    the ref is not theirs or the answer is not one we know."""
    request = booking_request(conn, ref)
    if request is None or request.key != key or answer not in APPOINTMENT_ANSWERS:
        return
    conn.execute(insert(booking_events).values(ref=ref, key=key, at=now, staff="", kind="answer", what=answer))
    if answer == "cancel" and request.status == "confirmed":
        conn.execute(
            update(booking_status)
            .where(and_(booking_status.c.ref == ref, booking_status.c.status == "confirmed"))
            .values(status="cancelled", updated_at=now)
        )
        conn.execute(insert(booking_events).values(ref=ref, key=key, at=now, staff="", kind="status", what="cancelled"))


def staff_handled(conn: Connection, ref: str, now: datetime) -> bool:
    """The Telegram staff chat's "Handled": a new request becomes contacted, with a history line saying
    where; False if there is no such request or it was no longer new (nothing changes then)."""
    request = booking_request(conn, ref)
    if request is None or request.status != NEW:
        return False
    moved = conn.execute(
        _upsert(conn, booking_status)
        .values(ref=ref, key=request.key, status="contacted", updated_at=now)
        .on_conflict_do_nothing()
    ).rowcount
    if moved:
        conn.execute(
            insert(booking_events).values(ref=ref, key=request.key, at=now, staff="", kind="status", what="contacted")
        )
        conn.execute(
            insert(booking_events).values(
                ref=ref, key=request.key, at=now, staff=TELEGRAM_STAFF, kind="note", what=HANDLED_IN_TELEGRAM
            )
        )
        write_audit(conn, TELEGRAM_STAFF, "status:contacted", ref, now)
    return bool(moved)
