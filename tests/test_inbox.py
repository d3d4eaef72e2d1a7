"""The durable inbox on a real store (SQLite): saved before answered, bounded, one lane per person, taken
up again after a crash in order of arrival, and exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from prometheus_client import CollectorRegistry
from sqlalchemy import Connection, text

from bot.inbox import Admission, Inbox
from bot.metrics import Metrics
from bot.store import InboxItem, SqlStore
from tests.conftest import T0


@pytest_asyncio.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlStore]:
    opened = await SqlStore.open(f"sqlite:///{tmp_path / 'inbox.sqlite3'}")
    yield opened
    await opened.close()


def item(key: str, n: int) -> InboxItem:
    return InboxItem("telegram", str(n), key, f'{{"n": {n}}}')


async def rows(store: SqlStore) -> list[tuple[str, str | None, object]]:
    def read(conn: Connection) -> list[tuple[str, str | None, object]]:
        query = text("SELECT message_id, payload, processed_at FROM inbound ORDER BY created_at, message_id")
        return [(r[0], r[1], r[2]) for r in conn.execute(query)]

    return await store.run(read)


async def test_saved_before_answered_processed_once_and_then_keeps_no_text(store: SqlStore) -> None:
    done: list[str] = []
    inbox = Inbox(store, lambda: T0)

    async def process(saved: InboxItem) -> None:
        assert next(r for r in await rows(store) if r[0] == saved.message_id)[1] == saved.payload, "saved first"
        done.append(saved.message_id)

    inbox.register("telegram", process)
    assert await inbox.accept(item("telegram:1", 1)) is Admission.ACCEPTED
    await inbox.wait_processed(1)
    assert await inbox.accept(item("telegram:1", 1)) is Admission.REPEAT, "a repeat delivery is answered, not run"
    assert done == ["1"] and inbox.held == 0
    ((message_id, payload, processed_at),) = await rows(store)
    assert message_id == "1" and payload is None and processed_at is not None


async def test_full_means_503_and_nothing_saved(store: SqlStore) -> None:
    release = asyncio.Event()
    inbox = Inbox(store, lambda: T0, capacity=5, per_person=3)

    async def blocked(saved: InboxItem) -> None:
        await release.wait()

    inbox.register("telegram", blocked)
    taken = [await inbox.accept(item("telegram:1", n)) for n in range(5)]
    assert taken == [Admission.ACCEPTED] * 3 + [Admission.BUSY] * 2, "at most 3 of one person"
    assert await inbox.accept(item("telegram:2", 10)) is Admission.ACCEPTED
    assert await inbox.accept(item("telegram:3", 11)) is Admission.ACCEPTED
    assert await inbox.accept(item("telegram:4", 12)) is Admission.BUSY, "at most 5 in all"
    assert sorted(r[0] for r in await rows(store)) == ["0", "1", "10", "11", "2"], "nothing saved when busy"
    release.set()
    await inbox.wait_processed(5)
    assert await inbox.accept(item("telegram:4", 12)) is Admission.ACCEPTED, "room again"
    await inbox.wait_processed(6)


async def test_what_waits_and_what_is_refused_are_measured(store: SqlStore) -> None:
    release = asyncio.Event()
    metrics = Metrics(CollectorRegistry())
    inbox = Inbox(store, lambda: T0, capacity=2, metrics=metrics)

    async def blocked(saved: InboxItem) -> None:
        await release.wait()

    def sample(name: str, labels: dict[str, str] | None = None) -> float:
        return metrics.registry.get_sample_value(name, labels or {}) or 0.0

    inbox.register("telegram", blocked)
    assert [await inbox.accept(item(f"telegram:{n}", n)) for n in range(3)][-1] is Admission.BUSY
    assert sample("reflexbot_inbox_updates") == 2
    assert sample("reflexbot_inbox_busy_total", {"channel": "telegram"}) == 1
    release.set()
    await inbox.wait_processed(2)
    assert sample("reflexbot_inbox_updates") == 0


async def test_one_persons_backlog_never_holds_up_another(store: SqlStore) -> None:
    """The flooder's first update never finishes while we look: the other person is processed all the same,
    and the flooder's later updates wait their turn (one at a time, in order)."""
    stuck = asyncio.Event()
    order: list[str] = []
    inbox = Inbox(store, lambda: T0, parallel=2)

    async def process(saved: InboxItem) -> None:
        order.append(saved.message_id)
        if saved.key == "telegram:1":
            await stuck.wait()

    inbox.register("telegram", process)
    for n in range(10):
        await inbox.accept(item("telegram:1", n))
    await inbox.accept(item("telegram:2", 100))
    await inbox.wait_processed(1)
    assert order == ["0", "100"], "the other person ran while the flooder's first update was still running"
    stuck.set()
    await inbox.wait_processed(11)
    assert order == ["0", "100", *[str(n) for n in range(1, 10)]], "the flooder's in order, one at a time"


async def test_what_a_crash_left_is_processed_at_the_next_start_in_order(store: SqlStore) -> None:
    never = asyncio.Event()
    first = Inbox(store, lambda: T0)

    async def hangs(saved: InboxItem) -> None:
        await never.wait()  # the process dies before anything is processed

    first.register("telegram", hangs)
    for n in range(4):
        await first.accept(item("telegram:1", n))
    await first.accept(item("telegram:2", 9))
    assert await store.release_all() == 0  # a new start of the one SQLite process: every claim is free
    done: list[str] = []
    second = Inbox(store, lambda: T0)

    async def process(saved: InboxItem) -> None:
        done.append(saved.message_id)

    second.register("telegram", process)
    await second.start()
    await second.wait_processed(5)
    await second.stop()
    assert [d for d in done if d != "9"] == ["0", "1", "2", "3"] and "9" in done
    assert all(payload is None and at is not None for _, payload, at in await rows(store))
    assert await store.waiting_inbound() == 0


async def test_a_stop_gives_back_what_waits_for_the_next_start(store: SqlStore) -> None:
    running = asyncio.Event()
    finish = asyncio.Event()
    inbox = Inbox(store, lambda: T0)

    async def slow(saved: InboxItem) -> None:
        running.set()
        await finish.wait()

    inbox.register("telegram", slow)
    for n in range(3):
        await inbox.accept(item("telegram:1", n))
    await running.wait()
    stopping = asyncio.ensure_future(inbox.stop())
    finish.set()
    await stopping
    assert inbox.processed == 1, "the update in flight finished; the rest stays saved"
    assert await inbox.accept(item("telegram:2", 7)) is Admission.BUSY, "a stopped inbox takes nothing new"
    assert await store.waiting_inbound() == 2
    claimed = await store.claim_waiting_inbound(T0, 10)
    assert [c.message_id for c in claimed] == ["1", "2"], "given back: free to take at once, in order"


async def test_a_worker_never_overtakes_another_workers_earlier_updates_of_a_person(store: SqlStore) -> None:
    """Two workers on one database: while one holds a person's update, the other refuses (503) their next
    one instead of running it first; once the first is processed, the next is taken."""
    release = asyncio.Event()
    one, two = Inbox(store, lambda: T0), Inbox(store, lambda: T0)

    async def blocked(saved: InboxItem) -> None:
        await release.wait()

    one.register("telegram", blocked)
    two.register("telegram", blocked)
    assert await one.accept(item("telegram:1", 1)) is Admission.ACCEPTED
    assert await two.accept(item("telegram:1", 2)) is Admission.BUSY, "it would overtake update 1"
    assert await two.accept(item("telegram:2", 3)) is Admission.ACCEPTED, "other people are not held up"
    assert sorted(r[0] for r in await rows(store)) == ["1", "3"]
    release.set()
    await one.wait_processed(1)
    assert await two.accept(item("telegram:1", 2)) is Admission.ACCEPTED
    await two.wait_processed(2)
