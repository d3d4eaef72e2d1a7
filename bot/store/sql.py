"""The store on SQLAlchemy 2 async: SQLite by default (aiosqlite); the same code serves PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, event, func, insert, select, update
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.engine.actions import Action, CancelTimer, Choice, Forget, Record, Reply, ScheduleTimer
from bot.engine.state import Conversation
from bot.store.schema import PERSON_TABLES, conversations, metadata, outbox, records, timers


@dataclass(frozen=True, slots=True)
class DueTimer:
    """A pending timer row that has come due."""

    row: int
    key: str
    timer_id: str
    due_at: datetime
    payload: str


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A reply saved with its turn and not yet delivered."""

    row: int
    key: str
    reply: Reply
    timer_row: int | None


def async_url(url: str) -> URL:
    """Pick the async driver for a plain database URL (sqlite:/// -> sqlite+aiosqlite:///)."""
    parsed = make_url(url)
    drivers = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
    return parsed.set(drivername=drivers.get(parsed.drivername, parsed.drivername))


def reply_to_json(reply: Reply) -> str:
    """A Reply as JSON for the outbox."""
    return json.dumps({"text": reply.text, "choices": [[c.id, c.label] for c in reply.choices],
                       "template": reply.template, "image": reply.image, "urgent": reply.urgent})


def reply_from_json(raw: str) -> Reply:
    """A Reply back from the outbox."""
    data = json.loads(raw)
    return Reply(data["text"], tuple(Choice(i, label) for i, label in data["choices"]), data["template"],
                 data["image"], data.get("urgent", False))


class SqlStore:
    """State, timers, outbox and records; every turn's writes happen in one transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @classmethod
    async def open(cls, url: str) -> SqlStore:
        """Connect, creating the SQLite file's folder and the schema on first run."""
        target = async_url(url)
        if target.get_backend_name() == "sqlite" and target.database not in (None, "", ":memory:"):
            await asyncio.to_thread(_make_parent, target.database or "")
        engine = create_async_engine(target)
        if target.get_backend_name() == "sqlite":
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        return cls(engine)

    async def close(self) -> None:
        """Release connections."""
        await self.engine.dispose()

    async def load(self, key: str) -> Conversation | None:
        """The saved conversation, or None for someone new."""
        async with self.engine.connect() as conn:
            raw = await conn.scalar(select(conversations.c.state).where(conversations.c.key == key))
        return None if raw is None else Conversation.from_json(raw)

    async def commit_turn(self, key: str, state: Conversation, actions: tuple[Action, ...], now: datetime,
                          fired_row: int | None = None) -> None:
        """Save a turn at once: state, timers, records, replies to deliver; or forget the person."""
        async with self.engine.begin() as conn:
            if any(isinstance(a, Forget) for a in actions):
                await self._forget(conn, key)
                return
            await self._save_state(conn, key, state, now)
            if fired_row is not None:
                await conn.execute(update(timers).where(timers.c.id == fired_row).values(status="fired"))
            for action in actions:
                await self._apply(conn, key, action, now, fired_row)
            if fired_row is not None:
                await self._finish_timer(conn, fired_row)

    async def pending_replies(self, key: str) -> list[OutboxItem]:
        """Replies saved but not yet delivered, oldest first."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(select(outbox).where(outbox.c.key == key).order_by(outbox.c.id))
            return [OutboxItem(r.id, r.key, reply_from_json(r.reply), r.timer_row) for r in rows]

    async def keys_with_pending_replies(self) -> list[str]:
        """Everyone who has undelivered replies (after a restart)."""
        async with self.engine.connect() as conn:
            return list(await conn.scalars(select(outbox.c.key).distinct()))

    async def mark_delivered(self, item: OutboxItem) -> None:
        """Drop a delivered reply; a timer is done once all its replies are delivered."""
        async with self.engine.begin() as conn:
            await conn.execute(delete(outbox).where(outbox.c.id == item.row))
            if item.timer_row is not None:
                await self._finish_timer(conn, item.timer_row)

    async def due_timers(self, now: datetime, key: str | None = None, limit: int = 500) -> list[DueTimer]:
        """Pending timers due at or before `now` (of one person, if given), earliest first."""
        query = (select(timers).where(and_(timers.c.status == "pending", timers.c.due_at <= now))
                 .order_by(timers.c.due_at, timers.c.id).limit(limit))
        if key is not None:
            query = query.where(timers.c.key == key)
        async with self.engine.connect() as conn:
            rows = await conn.execute(query)
            return [DueTimer(r.id, r.key, r.timer_id, r.due_at, r.payload) for r in rows]

    async def is_pending(self, row: int) -> bool:
        """True while a timer row is still waiting to fire."""
        async with self.engine.connect() as conn:
            status = await conn.scalar(select(timers.c.status).where(timers.c.id == row))
        return status == "pending"

    async def next_due_at(self, key: str | None = None) -> datetime | None:
        """When the earliest pending timer (of one person, if given) is due."""
        query = select(func.min(timers.c.due_at)).where(timers.c.status == "pending")
        if key is not None:
            query = query.where(timers.c.key == key)
        async with self.engine.connect() as conn:
            value: datetime | None = await conn.scalar(query)
        return value

    async def pending_timers(self, key: str) -> list[tuple[str, datetime]]:
        """A person's pending timers (id, due), earliest first."""
        query = (select(timers.c.timer_id, timers.c.due_at)
                 .where(and_(timers.c.key == key, timers.c.status == "pending")).order_by(timers.c.due_at))
        async with self.engine.connect() as conn:
            return [(r.timer_id, r.due_at) for r in await conn.execute(query)]

    async def records(self, key: str, kind: str | None = None) -> list[dict[str, Any]]:
        """A person's records (booking requests, feedback), oldest first."""
        query = select(records).where(records.c.key == key).order_by(records.c.id)
        if kind is not None:
            query = query.where(records.c.kind == kind)
        async with self.engine.connect() as conn:
            return [{"kind": r.kind, "ref": r.ref, **json.loads(r.data)} for r in await conn.execute(query)]

    async def count_rows(self, key: str) -> int:
        """How many rows in all tables are about this person."""
        total = 0
        async with self.engine.connect() as conn:
            for table in PERSON_TABLES:
                total += await conn.scalar(select(func.count()).select_from(table).where(table.c.key == key)) or 0
        return total

    async def _save_state(self, conn: AsyncConnection, key: str, state: Conversation, now: datetime) -> None:
        raw = state.to_json()
        changed = await conn.execute(
            update(conversations).where(conversations.c.key == key).values(state=raw, updated_at=now))
        if changed.rowcount == 0:
            await conn.execute(insert(conversations).values(key=key, state=raw, updated_at=now))

    async def _apply(self, conn: AsyncConnection, key: str, action: Action, now: datetime,
                     fired_row: int | None) -> None:
        if isinstance(action, Reply):
            await conn.execute(insert(outbox).values(key=key, timer_row=fired_row, reply=reply_to_json(action),
                                                     created_at=now))
        elif isinstance(action, ScheduleTimer):
            await self._cancel(conn, key, action.timer_id)
            await conn.execute(insert(timers).values(key=key, timer_id=action.timer_id, due_at=action.at,
                                                     payload=action.payload, status="pending"))
        elif isinstance(action, CancelTimer):
            await self._cancel(conn, key, action.timer_id)
        elif isinstance(action, Record):
            data = dict(action.data)
            await conn.execute(insert(records).values(key=key, kind=action.kind, ref=data.get("ref"),
                                                      data=json.dumps(data), created_at=now))

    async def _cancel(self, conn: AsyncConnection, key: str, timer_id: str) -> None:
        await conn.execute(update(timers).where(and_(timers.c.key == key, timers.c.timer_id == timer_id,
                                                     timers.c.status == "pending")).values(status="cancelled"))

    async def _finish_timer(self, conn: AsyncConnection, row: int) -> None:
        waiting = await conn.scalar(select(func.count()).select_from(outbox).where(outbox.c.timer_row == row))
        if not waiting:
            await conn.execute(update(timers).where(and_(timers.c.id == row, timers.c.status == "fired"))
                               .values(status="done"))

    async def _forget(self, conn: AsyncConnection, key: str) -> None:
        for table in PERSON_TABLES:
            await conn.execute(delete(table).where(table.c.key == key))


def _make_parent(database: str) -> None:
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
