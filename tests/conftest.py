"""Shared fixtures: the real content and config, a pure conversation driver, a SQLite runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio

from bot.assembly import build_knowledge
from bot.config import REPO_CONFIG, load_settings
from bot.engine import Knowledge, Reply
from bot.runtime import Runtime
from bot.store import SqlStore
from scheduler import VirtualClock
from tests.flow import Flow

# 2026-11-21 16:00 UTC = 20:00 in Dubai.
T0 = datetime(2026, 11, 21, 16, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    """The shipped content and the repository's config.toml."""
    return build_knowledge(load_settings(str(REPO_CONFIG)))


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


async def open_harness(kb: Knowledge, db: Path, start: datetime = T0) -> Harness:
    """Open (or reopen) a harness on a SQLite file."""
    store = await SqlStore.open(f"sqlite:///{db}")
    sent: list[tuple[str, Reply]] = []

    async def deliver(key: str, reply: Reply) -> None:
        sent.append((key, reply))

    runtime = Runtime(kb, store, deliver, default_tz=kb.policy.default_tz)
    clock = VirtualClock(start, store, runtime.run_due)
    return Harness(runtime, store, clock, sent)


@pytest_asyncio.fixture
async def harness(kb: Knowledge, tmp_path: Path) -> AsyncIterator[Harness]:
    """A fresh SQLite-backed runtime."""
    h = await open_harness(kb, tmp_path / "bot.sqlite3")
    yield h
    await h.store.close()
