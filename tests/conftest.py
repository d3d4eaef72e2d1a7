"""Shared fixtures: the real content and config, a pure conversation driver, a SQLite runtime."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from bot.assembly import build_knowledge
from bot.config import REPO_CONFIG, load_settings
from bot.engine import Knowledge, Reply
from bot.logs import CHATTY_LIBRARIES
from bot.pictures.library import Pictures
from bot.runtime import Runtime
from bot.store import SqlStore
from bot.store.schema import metadata
from content.loader import default_content
from content.model import Content
from scheduler import VirtualClock
from tests.flow import Flow

# 2026-11-21 16:00 UTC = 20:00 in Dubai.
T0 = datetime(2026, 11, 21, 16, 0, tzinfo=UTC)
POSTGRES = os.environ.get("REFLEXBOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("REFLEXBOT_TEST_REDIS", "redis://127.0.0.1:6379/0")


@pytest.fixture(autouse=True, scope="session")
def cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Pictures the chat draws go to the user cache folder: a temporary one in tests (chat processes too)."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture(autouse=True)
def root_logging() -> Iterator[None]:
    """main() sets up the root logger for a process: put it back after each test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    libraries = {name: logging.getLogger(name).level for name in CHATTY_LIBRARIES}
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, library_level in libraries.items():
        logging.getLogger(name).setLevel(library_level)


@pytest.fixture(scope="session")
def content() -> Content:
    """The shipped content."""
    return default_content()


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    """The shipped content and the repository's config.toml."""
    return build_knowledge(load_settings(str(REPO_CONFIG)))


@pytest.fixture(scope="session")
def pictures(content: Content, tmp_path_factory: pytest.TempPathFactory) -> Pictures:
    """The shipped content's pictures, drawn once per test run into a temporary folder."""
    return Pictures(content, tmp_path_factory.mktemp("pictures"))


@pytest.fixture
def flow(kb: Knowledge) -> Flow:
    """A pure, in-memory conversation at T0."""
    return Flow(kb, T0)


class Harness:
    """A runtime on a real SQLite file with a virtual clock, recording what it delivered."""

    def __init__(self, runtime: Runtime, store: SqlStore, clock: VirtualClock, sent: list[tuple[str, Reply]]):
        self.runtime, self.store, self.clock, self.sent = runtime, store, clock, sent

    def texts(self, key: str | None = None) -> list[str]:
        """Texts delivered so far (to one person, if given)."""
        return [r.text for k, r in self.sent if key is None or k == key]


async def open_harness(kb: Knowledge, db: Path | str, start: datetime = T0) -> Harness:
    """Open (or reopen) a harness on a SQLite file (or a database URL)."""
    store = await SqlStore.open(db if isinstance(db, str) else f"sqlite:///{db}")
    sent: list[tuple[str, Reply]] = []

    async def deliver(key: str, reply: Reply) -> None:
        sent.append((key, reply))

    runtime = Runtime(kb, store, deliver, default_tz=kb.policy.default_tz)
    clock = VirtualClock(start, store, runtime.run_due)
    return Harness(runtime, store, clock, sent)


def empty_tables(conn: Connection) -> None:
    """Every row gone, the schema kept (a shared PostgreSQL database between tests)."""
    for table in reversed(metadata.sorted_tables):
        conn.execute(table.delete())


def drop_everything(conn: Connection) -> None:
    """The tables and the migration version gone: an empty database."""
    metadata.drop_all(conn)
    conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlStore]:
    """An empty store on each backend: a SQLite file, and the machine's PostgreSQL (emptied first)."""
    if request.param == "sqlite":
        opened = await SqlStore.open(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    else:
        try:
            opened = await SqlStore.open(POSTGRES)
        except (OSError, SQLAlchemyError) as error:
            pytest.skip(f"PostgreSQL at {POSTGRES} is not reachable ({type(error).__name__}); CI has it")
        await opened.run(empty_tables)
    try:
        yield opened
    finally:
        await opened.close()


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def harness(request: pytest.FixtureRequest, kb: Knowledge, tmp_path: Path) -> AsyncIterator[Harness]:
    """A fresh runtime on each backend: a SQLite file, and the machine's PostgreSQL (emptied first)."""
    if request.param == "sqlite":
        h = await open_harness(kb, tmp_path / "bot.sqlite3")
    else:
        try:
            h = await open_harness(kb, POSTGRES)
        except (OSError, SQLAlchemyError) as error:
            pytest.skip(f"PostgreSQL at {POSTGRES} is not reachable ({type(error).__name__}); CI has it")
        await h.store.run(empty_tables)
    yield h
    await h.store.close()
