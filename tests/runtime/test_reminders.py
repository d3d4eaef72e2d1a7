"""Reminders through the runtime and a real SQLite store, on a virtual clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from bot.engine import ChoicePicked, Knowledge, TextReceived
from bot.store.schema import timers
from tests.conftest import T0, Harness, open_harness

KEY = "console:amira"


async def test_daily_reminder_at_local_time(harness: Harness) -> None:
    await harness.runtime.handle(KEY, TextReceived("remind me at 10pm every night"), T0)
    assert "22:00" in harness.texts()[-1] and "Asia/Dubai" in harness.texts()[-1]
    harness.sent.clear()
    await harness.clock.advance(timedelta(days=3).total_seconds())
    due = [r for _, r in harness.sent]
    assert len(due) == 3
    fired_at = [t for t, _ in await _done_times(harness)]
    assert fired_at == [datetime(2026, 11, d, 18, 0, tzinfo=UTC) for d in (21, 22, 23)]  # 22:00 +04:00
    assert {c.id.split(":")[1] for c in due[0].choices} == {"start", "snooze", "skip", "stop"}


async def test_daily_reminder_across_dst(kb: Knowledge, tmp_path: Path) -> None:
    start = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
    h = await open_harness(kb, tmp_path / "dst.sqlite3", start)
    try:
        h.runtime.default_tz = "Europe/London"
        await h.runtime.handle(KEY, TextReceived("remind me at 10pm every night"), start)
        await h.clock.advance(timedelta(days=3).total_seconds())
        local = [t.astimezone(ZoneInfo("Europe/London")) for t, _ in await _done_times(h)]
        assert [(d.day, d.hour, d.minute) for d in local] == [(27, 22, 0), (28, 22, 0), (29, 22, 0)]
        assert [d.utcoffset() for d in local] == [timedelta(0), timedelta(0), timedelta(hours=1)]
    finally:
        await h.store.close()


async def test_snooze_skip_stop(harness: Harness) -> None:
    await harness.runtime.handle(KEY, TextReceived("remind me at 10pm every night"), T0)
    await harness.clock.run_until(datetime(2026, 11, 21, 18, 0, tzinfo=UTC))
    harness.sent.clear()
    await harness.runtime.handle(KEY, ChoicePicked("rem:snooze:1"), harness.clock.now)
    await harness.clock.advance(14 * 60)
    assert len(harness.sent) == 1  # only the "snoozed" confirmation
    await harness.clock.advance(60)
    assert "foot care" in harness.texts()[-1]
    await harness.runtime.handle(KEY, ChoicePicked("rem:skip:1"), harness.clock.now)
    assert "Skipping tonight" in harness.texts()[-1]
    await harness.runtime.handle(KEY, ChoicePicked("rem:stop:1"), harness.clock.now)
    harness.sent.clear()
    await harness.clock.advance(timedelta(days=2).total_seconds())
    assert harness.sent == []
    assert await harness.store.pending_timers(KEY) == []


async def test_reminder_survives_reopening_the_store(kb: Knowledge, tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite3"
    first = await open_harness(kb, db)
    await first.runtime.handle(KEY, TextReceived("remind me at 22:30 every night"), T0)
    await first.store.close()
    second = await open_harness(kb, db, T0 + timedelta(minutes=1))
    try:
        assert [t for t, _ in await second.store.pending_timers(KEY)] == ["reminder:1"]
        await second.clock.advance(timedelta(hours=3).total_seconds())
        assert "foot care" in second.texts()[-1]
        await second.runtime.handle(KEY, TextReceived("my reminders"), second.clock.now)
        assert "22:30" in second.texts()[-1]
    finally:
        await second.store.close()


async def test_missed_reminder_within_grace_is_sent_once(kb: Knowledge, tmp_path: Path) -> None:
    db = tmp_path / "m.sqlite3"
    first = await open_harness(kb, db)
    await first.runtime.handle(KEY, TextReceived("remind me at 10pm every night"), T0)
    await first.store.close()
    # Down from 20:00 until 22:30 local; the 22:00 reminder is 30 min late: sent once.
    late = datetime(2026, 11, 21, 18, 30, tzinfo=UTC)
    second = await open_harness(kb, db, late)
    try:
        await second.runtime.run_due(late)
        await second.runtime.run_due(late + timedelta(minutes=1))
        assert len([t for t in second.texts() if "foot care" in t]) == 1
    finally:
        await second.store.close()


async def test_reminder_missed_beyond_grace_is_skipped_but_kept(kb: Knowledge, tmp_path: Path) -> None:
    db = tmp_path / "g.sqlite3"
    first = await open_harness(kb, db)
    await first.runtime.handle(KEY, TextReceived("remind me at 10pm every night"), T0)
    await first.store.close()
    late = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)  # 07:00 local next morning
    second = await open_harness(kb, db, late)
    try:
        await second.runtime.run_due(late)
        assert second.texts() == []
        assert [t for t, _ in await second.store.pending_timers(KEY)] == ["reminder:1"]
    finally:
        await second.store.close()


async def test_remind_me_in_an_hour(harness: Harness) -> None:
    await harness.runtime.handle(KEY, TextReceived("remind me in an hour"), T0)
    harness.sent.clear()
    await harness.clock.advance(59 * 60)
    assert harness.sent == []
    await harness.clock.advance(60)
    assert len(harness.sent) == 1


async def _done_times(h: Harness) -> list[tuple[datetime, str]]:
    def query(conn: Connection) -> list[tuple[datetime, str]]:
        rows = conn.execute(
            select(timers.c.due_at, timers.c.timer_id).where(timers.c.status == "done").order_by(timers.c.due_at)
        )
        return [(r.due_at, r.timer_id) for r in rows]

    return await h.store.run(query)
