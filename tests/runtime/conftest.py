"""Runtime tests' store: an empty one on each backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy.exc import SQLAlchemyError

from bot.store import SqlStore
from tests.conftest import POSTGRES, empty_tables


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlStore]:
    """An empty store on each backend: a SQLite file, and the machine's PostgreSQL (emptied first)."""
    if request.param == "sqlite":
        opened = await SqlStore.open(f"sqlite:///{tmp_path / 'runtime.sqlite3'}")
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
