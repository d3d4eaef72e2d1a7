"""Backups restore, as the README's production section says: a person mid-conversation (a reminder set, the
safety questions answered, a session waiting at "find the point") is dumped with `pg_dump -Fc` and restored
into a fresh database with `pg_restore` (SQLite: `.backup` and `.restore`, or the same backup API from
Python); the bot opened on the copy has their state, answers and reminder, and their next message carries on
exactly as it would have on the original."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from bot.engine import ChoicePicked, Conversation, Knowledge, TextReceived
from bot.store import database_url
from tests.conftest import POSTGRES, T0, Harness, drop_everything, open_harness
from tests.engine.helpers import SAFE_ANSWERS
from tests.store.test_migrations import raw

KEY = "console:layla"
TEN_PM_DUBAI = datetime(2026, 11, 21, 18, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Saved:
    """What the store holds about the person at the moment of the backup."""

    state: Conversation
    timers: list[tuple[str, datetime]]
    records: list[dict[str, object]]


async def mid_conversation(h: Harness) -> Saved:
    """A reminder at 22:00, the safety questions answered, a guided session waiting at 'find the point'."""
    await h.runtime.handle(KEY, TextReceived("remind me at 10pm every night"), T0)
    await h.runtime.handle(KEY, ChoicePicked("start:ST44"), T0)
    for question, value in SAFE_ANSWERS:
        await h.runtime.handle(KEY, ChoicePicked(f"ans:{question}:{value}"), T0)
    assert "Tap Ready" in h.texts()[-1]
    return await saved(h)


async def saved(h: Harness) -> Saved:
    state = await h.store.load(KEY)
    assert state is not None
    return Saved(state, await h.store.pending_timers(KEY), await h.store.records(KEY))


async def carries_on(original: Harness, restored: Harness, before: Saved) -> None:
    """The copy holds what the original held at the backup, and the next message continues the session."""
    assert await saved(restored) == before
    assert before.state.answers, "the safety answers are in the copy"
    assert "reminder:1" in [timer for timer, _ in before.timers]

    original.sent.clear()
    await original.runtime.handle(KEY, TextReceived("ready"), T0 + timedelta(minutes=1))
    await restored.runtime.handle(KEY, TextReceived("ready"), T0 + timedelta(minutes=1))
    assert restored.texts() == original.texts() and "Press 1 of" in restored.texts()[0]

    restored.sent.clear()
    await restored.runtime.handle(KEY, TextReceived("stop"), T0 + timedelta(minutes=2))
    await restored.runtime.handle(KEY, ChoicePicked("start:KI1"), T0 + timedelta(minutes=3))
    assert not any("safety questions" in t for t in restored.texts()), "answers kept: not asked again"
    assert "Tap Ready" in restored.texts()[-1]

    await restored.clock.run_until(TEN_PM_DUBAI + timedelta(minutes=1))
    assert any("foot care" in t for t in restored.texts()), "the reminder fires from the copy"


# --- PostgreSQL: pg_dump -Fc, pg_restore into a fresh database ----------------------------------------------


def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing (the PostgreSQL client tools); CI must have it")
        pytest.skip(f"{name} is not installed (the PostgreSQL client tools); CI has it")
    return found


async def on_server(sql: str) -> None:
    """One statement outside a transaction (CREATE / DROP DATABASE), on the tests' server."""
    engine = create_async_engine(database_url(POSTGRES), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


@pytest.fixture
async def fresh_postgres() -> AsyncIterator[str]:
    """The tests' database emptied (the original), and the URL of a new, empty database beside it."""
    try:
        await raw(POSTGRES, drop_everything)
    except (OSError, SQLAlchemyError) as error:
        pytest.skip(f"PostgreSQL at {POSTGRES} is not reachable ({type(error).__name__}); CI has it")
    name = f"{make_url(POSTGRES).database}_restore_{uuid.uuid4().hex[:8]}"
    await on_server(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    finally:
        await on_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_pg_dump_and_pg_restore_carry_a_person_on(kb: Knowledge, tmp_path: Path, fresh_postgres: str) -> None:
    pg_dump, pg_restore = pg_tool("pg_dump"), pg_tool("pg_restore")
    original = await open_harness(kb, POSTGRES)
    try:
        before = await mid_conversation(original)
        dump = tmp_path / "reflexbot.dump"
        run([pg_dump, "-Fc", "--file", str(dump), POSTGRES])  # while the bot runs, as a nightly job would
        run([pg_restore, "--no-owner", "--exit-on-error", "--dbname", fresh_postgres, str(dump)])
        restored = await open_harness(kb, fresh_postgres)
        try:
            await carries_on(original, restored, before)
        finally:
            await restored.store.close()
    finally:
        await original.store.close()
        await raw(POSTGRES, drop_everything)


def run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, f"{command[0]}: {done.stderr}"


# --- SQLite: .backup / .restore (the sqlite3 shell), or the backup API ---------------------------------------


def with_shell(database: Path, backup: Path, fresh: Path) -> None:
    shell = shutil.which("sqlite3")
    if shell is None:
        pytest.skip("the sqlite3 shell is not installed (the backup API case covers the same steps)")
    run([shell, str(database), f".backup '{backup}'"])  # the bot still running
    run([shell, str(fresh), f".restore '{backup}'"])


def with_api(database: Path, backup: Path, fresh: Path) -> None:
    for source, target in ((database, backup), (backup, fresh)):
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)


@pytest.mark.parametrize("copy", [with_shell, with_api], ids=["sqlite3-shell", "backup-api"])
async def test_sqlite_backup_and_restore_carry_a_person_on(
    kb: Knowledge, tmp_path: Path, copy: Callable[[Path, Path, Path], None]
) -> None:
    database, backup, fresh = tmp_path / "bot.sqlite3", tmp_path / "backup.sqlite3", tmp_path / "fresh.sqlite3"
    original = await open_harness(kb, database)
    try:
        before = await mid_conversation(original)
        copy(database, backup, fresh)
        restored = await open_harness(kb, fresh)
        try:
            await carries_on(original, restored, before)
        finally:
            await restored.store.close()
    finally:
        await original.store.close()
