"""Keep only what is needed: a person who writes nothing for `[privacy] retain_days` (365) is erased by the
sweep, told a week before (day 358); writing anything keeps everything. On the virtual clock, on SQLite and
PostgreSQL: the clock runs the sweep at each instant it has work, as the hourly sweep would."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import Connection, func, select
from sqlalchemy.exc import SQLAlchemyError

from bot.engine import ChoicePicked, Knowledge, OptOut, Reply, TextReceived
from bot.runtime import NotServedHereError, Runtime
from bot.store import SqlStore
from bot.store.schema import timers
from scheduler import VirtualClock
from tests.conftest import POSTGRES, T0, Harness, empty_tables

KEY = "telegram:777"
DAY = timedelta(days=1)
NOTICE_DAY = T0 + 358 * DAY  # 2027-11-14
ERASE_DAY = T0 + 365 * DAY  # 2027-11-21, 20:00 in Dubai


def sweeping(harness: Harness) -> VirtualClock:
    """The harness's virtual clock, running the runtime's sweep too."""
    return VirtualClock(harness.clock.now, harness.store, harness.runtime.run_due, sweeper=harness.runtime)


def notices(harness: Harness, key: str = KEY) -> list[Reply]:
    return [r for k, r in harness.sent if k == key and r.template == "erase_notice"]


async def fired_at(store: SqlStore, timer_id: str) -> list[datetime]:
    def query(conn: Connection) -> list[datetime]:
        return list(conn.scalars(select(timers.c.due_at).where(timers.c.timer_id == timer_id).order_by(timers.c.id)))

    return await store.run(query)


async def test_told_on_day_358_and_erased_on_day_365(harness: Harness) -> None:
    clock = sweeping(harness)
    await harness.runtime.handle(KEY, TextReceived("I feel bloated"), T0)
    await clock.run_until(NOTICE_DAY - timedelta(minutes=1))
    assert notices(harness) == []
    await clock.run_until(NOTICE_DAY)
    (notice,) = notices(harness)
    assert "November 21, 2027" in notice.text and "erase everything" in notice.text
    assert "just write anything" in notice.text, "writing anything keeps it, in plain words"
    assert await fired_at(harness.store, "erase-notice") == [NOTICE_DAY]
    await clock.run_until(ERASE_DAY - timedelta(minutes=1))
    assert await harness.store.load(KEY) is not None, "kept until the day the notice named"
    await clock.run_until(ERASE_DAY)
    assert await harness.store.load(KEY) is None and await harness.store.count_rows(KEY) == 0


@pytest.mark.parametrize("contact", ["a message", "a button", "a photo"])
async def test_writing_anything_in_between_keeps_everything(harness: Harness, contact: str) -> None:
    clock = sweeping(harness)
    await harness.runtime.handle(KEY, TextReceived("I feel bloated"), T0)
    await clock.run_until(NOTICE_DAY)
    assert len(notices(harness)) == 1
    back = T0 + 360 * DAY
    await clock.run_until(back)
    if contact == "a message":
        await harness.runtime.handle(KEY, TextReceived("hi"), back)
    elif contact == "a button":
        await harness.runtime.handle(KEY, ChoicePicked("menu"), back)
    else:  # a photo needs no turn, but it is theirs
        assert await harness.store.first_sight("telegram", "photo-1", back, key=KEY)
    await clock.run_until(ERASE_DAY + 30 * DAY)
    state = await harness.store.load(KEY)
    assert state is not None and state.symptoms == ("bloating",), "everything kept"
    assert len(notices(harness)) == 1
    await clock.run_until(back + 358 * DAY)
    assert len(notices(harness)) == 2, "counted again from their last message"


async def test_a_person_with_reminders_but_no_messages_is_erased_with_their_timers(harness: Harness) -> None:
    clock = sweeping(harness)
    await harness.runtime.handle(KEY, TextReceived("remind me every monday at 10pm"), T0)
    await clock.run_until(ERASE_DAY - DAY)
    reminded = [r for k, r in harness.sent if k == KEY and r.template == "reminder"]
    assert len(reminded) == 52, "our own reminders went out all year: they are not contact from the person"
    assert len(notices(harness)) == 1
    await clock.run_until(ERASE_DAY)
    assert await harness.store.count_rows(KEY) == 0 and await harness.store.pending_timers(KEY) == []
    harness.sent.clear()
    await clock.run_until(ERASE_DAY + 3 * DAY)
    assert harness.sent == [], "no timer of theirs is left to fire"


@pytest.mark.parametrize(
    ("first", "words"),
    [("عندي صداع", ("نوفمبر", "2027", "اكتب لي أي شيء")), ("у меня болит голова", ("21 ноября 2027", "напишите"))],
)
async def test_the_notice_is_in_their_language(harness: Harness, first: str, words: tuple[str, ...]) -> None:
    clock = sweeping(harness)
    await harness.runtime.handle(KEY, TextReceived(first), T0)
    await clock.run_until(NOTICE_DAY)
    (notice,) = notices(harness)
    for word in words:
        assert word in notice.text


async def test_the_notice_follows_their_time_zone(harness: Harness) -> None:
    clock = sweeping(harness)
    await harness.runtime.handle(KEY, TextReceived("I am in Japan now"), T0)  # 01:00 there on the 22nd
    state = await harness.store.load(KEY)
    assert state is not None and state.tz == "Asia/Tokyo"
    await clock.run_until(NOTICE_DAY)
    (notice,) = notices(harness)
    assert "November 22, 2027" in notice.text


async def test_someone_who_said_stop_is_not_written_to_but_is_erased(harness: Harness) -> None:
    clock = sweeping(harness)
    await harness.runtime.handle(KEY, TextReceived("hello"), T0)
    await harness.runtime.handle(KEY, OptOut(), T0)
    await clock.run_until(ERASE_DAY - DAY)
    assert notices(harness) == [], "nothing is sent after STOP"
    await clock.run_until(ERASE_DAY)
    assert await harness.store.count_rows(KEY) == 0


async def test_the_sweep_is_idempotent(harness: Harness) -> None:
    await harness.runtime.handle(KEY, TextReceived("hello"), T0)
    for _ in range(3):
        await harness.runtime.sweep(NOTICE_DAY)
    assert await fired_at(harness.store, "erase-notice") == [NOTICE_DAY]
    await harness.runtime.run_due(NOTICE_DAY)
    await harness.runtime.sweep(NOTICE_DAY + timedelta(hours=1))
    await harness.runtime.run_due(NOTICE_DAY + timedelta(hours=1))
    assert len(notices(harness)) == 1
    await harness.runtime.sweep(ERASE_DAY)
    await harness.runtime.sweep(ERASE_DAY)
    assert await harness.store.count_rows(KEY) == 0


async def test_the_erase_waits_a_week_after_a_late_notice(harness: Harness) -> None:
    """A sweep that did not run for a while (a stopped server) still gives the whole week it promised."""
    await harness.runtime.handle(KEY, TextReceived("hello"), T0)
    late = ERASE_DAY + 2 * DAY
    await harness.runtime.sweep(late)
    await harness.runtime.run_due(late)
    (notice,) = notices(harness)
    assert "November 30, 2027" in notice.text
    await harness.runtime.sweep(late + 7 * DAY - timedelta(minutes=1))
    assert await harness.store.load(KEY) is not None
    await harness.runtime.sweep(late + 7 * DAY)
    assert await harness.store.load(KEY) is None


async def test_a_console_persons_notice_waits_in_the_outbox(harness: Harness) -> None:
    async def elsewhere(key: str, reply: Reply) -> None:
        raise NotServedHereError(key)  # as a server does with a console person's replies

    harness.runtime.deliver = elsewhere
    await harness.runtime.handle("console:amira", TextReceived("hello"), T0)
    await harness.runtime.sweep(NOTICE_DAY)
    await harness.runtime.run_due(NOTICE_DAY)
    kept = [i.reply.text for i in await harness.store.pending_replies("console:amira")]
    assert len([text for text in kept if "November 21, 2027" in text]) == 1


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database two workers share: a SQLite file, or the machine's PostgreSQL (emptied first)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'workers.sqlite3'}"
        return
    try:
        store = await SqlStore.open(POSTGRES)
    except (OSError, SQLAlchemyError) as error:
        pytest.skip(f"PostgreSQL at {POSTGRES} is not reachable ({type(error).__name__}); CI has it")
    await store.run(empty_tables)
    await store.close()
    yield POSTGRES


async def test_two_workers_sweeping_at_once_tell_and_erase_each_person_once(kb: Knowledge, url: str) -> None:
    """Two workers (two processes on one SQLite file, as the console chat beside a server) sweep at once."""
    sent: list[tuple[str, Reply]] = []
    forgotten: list[str] = []

    async def deliver(key: str, reply: Reply) -> None:
        sent.append((key, reply))

    async def forget(key: str) -> None:
        forgotten.append(key)

    stores = [await SqlStore.open(url) for _ in range(2)]
    workers = [Runtime(kb, s, deliver, default_tz=kb.policy.default_tz, parallel=4, on_erase=forget) for s in stores]
    try:
        people = [f"telegram:{9000 + n}" for n in range(24)]
        for key in people:
            await workers[0].handle(key, TextReceived("remind me at 10pm every night"), T0)
        await asyncio.gather(*(w.sweep(NOTICE_DAY) for w in workers), *(w.sweep(NOTICE_DAY) for w in workers))

        def count(conn: Connection) -> int:
            query = select(func.count()).select_from(timers).where(timers.c.timer_id == "erase-notice")
            return int(conn.scalar(query) or 0)

        assert await stores[0].run(count) == len(people), "one notice timer per person"
        # Timers are fired by one process on SQLite (its claims take no row locks); by any worker on PostgreSQL.
        firing = workers if url.startswith("postgresql") else workers[:1]
        await asyncio.gather(*(w.run_due(NOTICE_DAY) for w in firing))
        told = sorted(k for k, r in sent if r.template == "erase_notice")
        assert told == sorted(people), "each person told once, whichever worker took them"
        await asyncio.gather(*(w.sweep(ERASE_DAY) for w in workers), *(w.sweep(ERASE_DAY) for w in workers))
        assert sorted(forgotten) == sorted(people), "each person erased once"
        assert [await stores[1].count_rows(key) for key in people] == [0] * len(people)
    finally:
        for store in stores:
            await store.close()
