"""'Delete my data' leaves nothing that identifies the person: no row in any table, on every backend,
and on SQLite not even bytes in the database file or its write-ahead log."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, select

from bot.engine import ChoicePicked, TextReceived
from bot.store.schema import metadata
from tests.conftest import T0, Harness, open_harness
from tests.engine.helpers import SAFE_ANSWERS

ADDRESS = "987654321"
KEY = f"telegram:{ADDRESS}"


async def _a_full_history(harness: Harness) -> None:
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


def _read(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


def _everything(conn: Connection) -> list[str]:
    """Every value of every row of every table, as text."""
    values: list[str] = []
    for table in metadata.sorted_tables:
        for row in conn.execute(select(table)):
            values.extend(str(value) for value in row)
    return values


async def test_erase_leaves_no_row_about_the_person(harness: Harness) -> None:
    await _a_full_history(harness)
    before = await harness.store.run(_everything)
    assert any(ADDRESS in value for value in before) and any("Sara" in value for value in before)
    await harness.runtime.handle(KEY, TextReceived("delete my data"), T0, dedupe=("telegram", "update-98"))
    await harness.runtime.handle(KEY, ChoicePicked("delete:yes"), T0, dedupe=("telegram", "update-99"))
    after = await harness.store.run(_everything)
    leftovers = [v for v in after if ADDRESS in v or "Sara" in v or "+971 50 123 4567" in v or "update-" in v]
    assert leftovers == [], "inbound ids, outbox, timers, menus, records, state: all gone"


async def test_erase_leaves_no_bytes_in_the_sqlite_files(kb: object, tmp_path: Path) -> None:
    db = tmp_path / "erase.sqlite3"
    harness = await open_harness(kb, db)  # type: ignore[arg-type]
    await _a_full_history(harness)
    await harness.runtime.handle(KEY, TextReceived("delete my data"), T0)
    await harness.runtime.handle(KEY, ChoicePicked("delete:yes"), T0)
    for suffix in ("", "-wal", "-shm"):
        data = _read(Path(f"{db}{suffix}"))
        assert ADDRESS.encode() not in data and b"Sara Ahmed" not in data, suffix or "database"
    await harness.store.close()
