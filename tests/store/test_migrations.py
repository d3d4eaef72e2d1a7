"""The schema is versioned: a new database gets the newest revision, and one made by the first release
(tables created directly, no version table) upgrades in place, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, create_engine, insert, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from bot.engine import Conversation
from bot.store import SqlStore, database_url
from bot.store.migrate import MIGRATIONS, newest_revision, upgrade
from bot.store.schema import conversations, metadata, outbox, timers
from tests.conftest import POSTGRES, drop_everything

T0 = datetime(2026, 11, 21, 16, 0, tzinfo=UTC)


async def raw(url: str, work: Callable[[Connection], Any]) -> Any:
    """Run sync work on a plain connection (no migrations), in a transaction."""
    target = database_url(url)
    if target.get_backend_name() == "sqlite":
        engine = create_engine(target)
        try:
            with engine.begin() as conn:
                return work(conn)
        finally:
            engine.dispose()
    async_engine = create_async_engine(target)
    try:
        async with async_engine.begin() as conn:
            return await conn.run_sync(work)
    finally:
        await async_engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind."""
    address = f"sqlite:///{tmp_path / 'm.sqlite3'}" if request.param == "sqlite" else POSTGRES
    try:
        await raw(address, drop_everything)
    except (OSError, SQLAlchemyError) as error:
        pytest.skip(f"PostgreSQL at {POSTGRES} is not reachable ({type(error).__name__}); CI has it")
    return address


NEWEST = "0012"


def version_and_tables(conn: Connection) -> tuple[str, set[str]]:
    version = conn.scalar(text("SELECT version_num FROM alembic_version"))
    return str(version), set(inspect(conn).get_table_names())


def schema_differences(conn: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(conn), metadata))


async def test_a_new_database_gets_the_newest_revision(url: str) -> None:
    store = await SqlStore.open(url)
    await store.close()
    version, tables = await raw(url, version_and_tables)
    assert version == NEWEST
    assert {t.name for t in metadata.sorted_tables} <= tables
    assert await raw(url, schema_differences) == [], "a new database is schema.py's tables, stamped newest"
    assert await raw(url, alembic_reads) == NEWEST, "Alembic reads the mark as its own"


def alembic_reads(conn: Connection) -> str | None:
    """The revision Alembic itself finds in the database (its version table, read its way)."""
    return MigrationContext.configure(conn).get_current_revision()


async def test_a_first_release_database_upgrades_in_place(url: str) -> None:
    def first_release(conn: Connection) -> None:  # as the first release made it: its tables, no versions
        upgrade(conn, "0001")  # exactly as that release built it
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(
            insert(conversations).values(key="console:x", state=Conversation(counter=7).to_json(), updated_at=T0)
        )

    await raw(url, first_release)
    store = await SqlStore.open(url)
    try:
        saved = await store.load("console:x")
        assert saved is not None and saved.counter == 7, "nothing lost"
    finally:
        await store.close()
    version, _ = await raw(url, version_and_tables)
    assert version == NEWEST
    assert await raw(url, schema_differences) == [], "every migration in turn builds exactly schema.py's tables"


async def test_a_0001_database_with_work_in_flight_gains_claims(url: str) -> None:
    def release_one(conn: Connection) -> None:  # a timer and an undelivered reply, as 0001 kept them
        upgrade(conn, "0001")  # exactly as that release built it
        conn.execute(
            text(
                "INSERT INTO timers (key, timer_id, due_at, payload, status) "
                "VALUES ('console:x', 'reminder', :due, '', 'pending')"
            ),
            {"due": T0.replace(tzinfo=None)},
        )
        conn.execute(
            text(
                "INSERT INTO outbox (key, timer_row, reply, created_at) VALUES ('console:x', NULL, "
                '\'{"text": "hi", "choices": [], "template": null, "image": null}\', :at)'
            ),
            {"at": T0.replace(tzinfo=None)},
        )

    await raw(url, release_one)
    store = await SqlStore.open(url)
    try:
        (timer,) = await store.claim_due_timers(T0)
        assert timer.timer_id == "reminder", "the old timer is claimable"
        (reply,) = await store.claim_replies("console:x", T0)
        assert reply.reply.text == "hi" and not reply.in_doubt
    finally:
        await store.close()

    def columns(conn: Connection) -> set[str]:
        return {c["name"] for t in (timers, outbox) for c in inspect(conn).get_columns(t.name)}

    assert {"claim", "claimed_until"} <= await raw(url, columns)
    assert (await raw(url, version_and_tables))[0] == NEWEST


async def test_opening_twice_changes_nothing(url: str) -> None:
    for _ in range(2):
        store = await SqlStore.open(url)
        await store.close()
    version, _ = await raw(url, version_and_tables)
    assert version == NEWEST


async def test_workers_starting_together_migrate_once(url: str, tmp_path: Path) -> None:
    """`reflexbot db upgrade` in four processes at once on an empty database: each ends at the newest
    revision, none fails (PostgreSQL migrates under an advisory lock; SQLite serialises writers)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFLEXBOT_")}
    env["REFLEXBOT_DATABASE_URL"] = url
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "db",
            "upgrade",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(4)
    ]
    results = await asyncio.gather(*(process.communicate() for process in processes))
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err.decode()[-2000:]
        assert out.decode().strip() == f"database at revision {NEWEST}"
    version, tables = await raw(url, version_and_tables)
    assert version == NEWEST and {"conversations", "timers", "outbox"} <= tables


async def test_people_of_a_0007_database_are_kept_from_their_last_change(url: str) -> None:
    """0008 starts everyone's inactivity at their row's last change: never earlier than their last message,
    so nobody is erased sooner than `retain_days` after it."""

    def release_seven(conn: Connection) -> None:
        upgrade(conn, "0007")
        conn.execute(insert(conversations).values(key="console:x", state=Conversation().to_json(), updated_at=T0))

    await raw(url, release_seven)
    store = await SqlStore.open(url)
    try:

        def seen(conn: Connection) -> tuple[Any, Any]:
            row = conn.execute(select(conversations.c.seen_at, conversations.c.notice_at)).one()
            return row.seen_at, row.notice_at

        assert await store.run(seen) == (T0, None)
    finally:
        await store.close()


def test_the_newest_revision_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    assert newest_revision() == ScriptDirectory(str(MIGRATIONS)).get_current_head() == NEWEST


def test_a_start_at_the_newest_revision_runs_no_migration(tmp_path: Path) -> None:
    """The usual start: the database is at the newest revision, so Alembic is not even imported (a
    tenth of a second of every start); a new database is made from the schema and marked newest without it."""
    script = (
        "import asyncio, sys\n"
        "from bot.store import SqlStore\n"
        "async def main():\n"
        "    store = await SqlStore.open(sys.argv[1]); await store.close()\n"
        "asyncio.run(main())\n"
        "print('alembic' in sys.modules)\n"
    )
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    run = [sys.executable, "-c", script, url]
    first = subprocess.run(run, capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2])
    again = subprocess.run(run, capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2])
    assert (first.stdout.strip(), again.stdout.strip()) == ("False", "False"), "a new database needs none either"
