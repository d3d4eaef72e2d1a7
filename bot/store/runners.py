"""Where the store's SQL runs: SQLite in the event loop's thread, or an async driver for servers."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.pool import StaticPool

from bot.store.migrate import upgrade

T = TypeVar("T")
Work = Callable[[Connection], T]


class Runner(Protocol):
    """Runs one unit of work inside one transaction."""

    async def run(self, work: Work[T]) -> T:
        """Run `work` in a transaction: committed if it returns, rolled back if it raises."""
        ...

    async def checkpoint(self) -> None:
        """Fold a write-ahead log into the database, where the backend keeps one of its own."""
        ...

    async def close(self) -> None:
        """Release the connection(s)."""
        ...


class SqliteRunner:
    """SQLite through the standard library's driver, on one connection, in the event loop's own thread.

    A unit of work is a few statements on a local file (WAL, no sync at each commit): well under a
    millisecond, nearly all of it Python that holds the GIL, so a thread of its own let nothing else run
    meanwhile, and each hop to it and back cost more CPU than the work (benchmarks/bench_telegram.py:
    three hops were ~1 ms of a Telegram update). SQLite serialises writers; the embedded store has one
    process, so the only wait is a short command of another process on the same file (busy_timeout).
    """

    def __init__(self, url: URL) -> None:
        self._url = url
        self._conn: Connection | None = None

    async def start(self) -> None:
        """Open the file (creating its folder) and the schema."""
        self._open()

    def _open(self) -> None:
        database = self._url.database or ""
        if database not in ("", ":memory:"):
            _private_file(Path(database).expanduser())
        engine = create_engine(self._url, poolclass=StaticPool, hide_parameters=True)  # no address in errors
        event.listen(engine, "connect", _sqlite_pragmas)
        self._conn = engine.connect()
        with self._conn.begin():
            upgrade(self._conn)

    async def run(self, work: Work[T]) -> T:
        """Run `work` in a transaction."""
        assert self._conn is not None, "start() first"
        with self._conn.begin():
            return work(self._conn)

    async def checkpoint(self) -> None:
        """PRAGMA wal_checkpoint(TRUNCATE), outside any transaction."""
        assert self._conn is not None, "start() first"
        self._conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        self._conn.commit()

    async def close(self) -> None:
        """Close the connection."""
        if self._conn is not None:
            engine = self._conn.engine
            self._conn.close()
            engine.dispose()
            self._conn = None


class AsyncRunner:
    """A database server through SQLAlchemy's async engine (asyncpg for PostgreSQL)."""

    def __init__(self, url: URL) -> None:
        from sqlalchemy.ext.asyncio import create_async_engine  # not imported by the embedded SQLite default

        self.engine = create_async_engine(url, pool_pre_ping=True, hide_parameters=True)

    async def start(self) -> None:
        """Bring the schema to the newest revision."""
        async with self.engine.begin() as conn:
            await conn.run_sync(upgrade)

    async def run(self, work: Work[T]) -> T:
        """Run `work` in a transaction on a pooled connection."""
        async with self.engine.begin() as conn:
            return await conn.run_sync(work)

    async def checkpoint(self) -> None:
        """Nothing to do: the server manages its own log."""

    async def close(self) -> None:
        """Release the pool."""
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA secure_delete=ON")  # erased rows are overwritten, not left in free pages
    cursor.close()


def _private_file(path: Path) -> None:
    """Health answers are personal: a new database's folder is 0700 and its file 0600 (SQLite gives its
    -wal and -shm files the database file's mode). An existing file is tightened, never loosened."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    elif path.stat().st_mode & 0o077:
        with contextlib.suppress(OSError):  # not ours to change (a shared volume): leave it
            path.chmod(0o600)
