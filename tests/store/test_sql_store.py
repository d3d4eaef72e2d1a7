"""The store on a real SQLite file: one transaction per turn, timer replacement, outbox order, forgetting."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import select, text, update
from sqlalchemy.exc import SQLAlchemyError

from bot.engine import CancelTimer, Choice, Conversation, Forget, Record, Reply, ScheduleTimer
from bot.store import SqlStore, database_url
from bot.store.operations import reply_from_json, reply_to_json
from bot.store.runners import AsyncRunner
from bot.store.schema import conversations, timers
from tests.conftest import POSTGRES, empty_tables

T0 = datetime(2026, 11, 21, 16, 0, tzinfo=UTC)
KEY = "console:x"


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlStore]:
    """The same suite on every backend: a SQLite file, and the machine's PostgreSQL (emptied first)."""
    if request.param == "sqlite":
        s = await SqlStore.open(f"sqlite:///{tmp_path / 'nested' / 'db.sqlite3'}")
    else:
        s = await _open_postgres()
    yield s
    await s.close()


@pytest_asyncio.fixture
async def postgres_store() -> AsyncIterator[SqlStore]:
    """The machine's PostgreSQL only: for what only a server with several workers can show."""
    s = await _open_postgres()
    yield s
    await s.close()


async def _open_postgres() -> SqlStore:
    try:
        s = await SqlStore.open(POSTGRES)
    except (OSError, SQLAlchemyError) as error:
        pytest.skip(f"PostgreSQL at {POSTGRES} is not reachable ({type(error).__name__}); CI has it")
    await s.run(empty_tables)
    return s


def test_urls_get_their_drivers() -> None:
    assert database_url("sqlite:///x.db").drivername == "sqlite"
    assert database_url("postgresql://postgres@127.0.0.1:5432/test").drivername == "postgresql+asyncpg"


def test_reply_round_trip() -> None:
    reply = Reply("hé 🙂", (Choice("a:b", "Ä"),), template="t", image=None, urgent=True)
    assert reply_from_json(reply_to_json(reply)) == reply


async def test_state_round_trip_and_new_person(store: SqlStore) -> None:
    assert await store.load(KEY) is None
    state = Conversation(state="idle", tz="Asia/Dubai", counter=3)
    await store.commit_turn(KEY, state, (), T0)
    assert await store.load(KEY) == state


async def test_schedule_replaces_pending_timer_with_same_id(store: SqlStore) -> None:
    await store.commit_turn(KEY, Conversation(), (ScheduleTimer("reminder:1", T0),), T0)
    later = T0 + timedelta(hours=1)
    await store.commit_turn(KEY, Conversation(), (ScheduleTimer("reminder:1", later),), T0)
    assert await store.pending_timers(KEY) == [("reminder:1", later)]
    await store.commit_turn(KEY, Conversation(), (CancelTimer("reminder:1"), CancelTimer("nope")), T0)
    assert await store.pending_timers(KEY) == []


async def test_due_timers_in_order_and_aware(store: SqlStore) -> None:
    actions = (ScheduleTimer("b", T0 + timedelta(seconds=2)), ScheduleTimer("a", T0 + timedelta(seconds=1)))
    await store.commit_turn(KEY, Conversation(), actions, T0)
    due = await store.claim_due_timers(T0 + timedelta(seconds=5))
    assert [d.timer_id for d in due] == ["a", "b"]
    assert due[0].due_at.tzinfo is not None and due[0].due_at == T0 + timedelta(seconds=1)
    assert await store.next_due_at() == T0 + timedelta(seconds=1)


async def test_a_session_step_is_taken_before_reminders_due_earlier(store: SqlStore) -> None:
    reminders = tuple(ScheduleTimer(f"reminder:{n}", T0) for n in range(1, 4))
    await store.commit_turn(KEY, Conversation(), reminders, T0)
    step = ScheduleTimer("session:1:2", T0 + timedelta(seconds=3), priority=0)
    await store.commit_turn("telegram:2", Conversation(), (step,), T0)
    due = await store.claim_due_timers(T0 + timedelta(seconds=5), limit=2)
    assert [d.timer_id for d in due] == ["session:1:2", "reminder:1"]


async def test_fired_timer_is_done_only_after_its_replies_are_delivered(store: SqlStore) -> None:
    await store.commit_turn(KEY, Conversation(), (ScheduleTimer("s", T0),), T0)
    (due,) = await store.claim_due_timers(T0)
    await store.commit_turn(KEY, Conversation(), (Reply("one"), Reply("two")), T0, fired_row=due.row)
    assert await store.timer_status(due.row) == "fired"
    assert await store.claim_due_timers(T0) == []
    first, second = await store.pending_replies(KEY)
    await store.mark_delivered([first])
    assert await store.timer_status(due.row) == "fired"
    await store.mark_delivered([second])
    assert await store.timer_status(due.row) == "done"


async def test_records_and_forget(store: SqlStore) -> None:
    actions = (Record("booking", (("ref", "RB-1"), ("name", "Sara"))), Reply("hi"), ScheduleTimer("r", T0))
    await store.commit_turn(KEY, Conversation(), actions, T0)
    await store.commit_turn("other", Conversation(), (Reply("x"),), T0)
    assert await store.records(KEY, "booking") == [{"kind": "booking", "ref": "RB-1", "name": "Sara"}]
    assert await store.count_rows(KEY) == 4
    await store.commit_turn(KEY, Conversation(), (Forget(), Reply("bye")), T0)
    assert await store.count_rows(KEY) == 0
    assert await store.count_rows("other") == 2


async def test_naive_datetimes_are_refused(store: SqlStore) -> None:
    with pytest.raises(Exception, match="naive"):
        await store.commit_turn(KEY, Conversation(), (ScheduleTimer("x", datetime(2026, 1, 1)),), T0)
    assert await store.load(KEY) is None, "the whole turn rolled back"


async def test_a_turn_with_a_seen_message_changes_nothing(store: SqlStore) -> None:
    def decide(saved: Conversation | None) -> tuple[Conversation, tuple[Reply, ...]]:
        return Conversation(state="idle", counter=(saved.counter if saved else 0) + 1), (Reply("hi"),)

    first = await store.run_turn(KEY, decide, T0, durable=False, dedupe=("telegram", "42"))
    again = await store.run_turn(KEY, decide, T0, durable=False, dedupe=("telegram", "42"))
    other = await store.run_turn(KEY, decide, T0, durable=False, dedupe=("whatsapp", "42"))
    assert first is not None and again is None and other is not None
    saved = await store.load(KEY)
    assert saved is not None and saved.counter == 2
    assert await store.first_sight("telegram", "43", T0)
    assert not await store.first_sight("telegram", "43", T0)


async def test_menus_are_kept_per_person_and_forgotten_with_them(store: SqlStore) -> None:
    await store.save_menu(KEY, [("a", "A"), ("b", "B")])
    await store.save_menu(KEY, [("c", "C")])
    assert await store.load_menu(KEY) == [("c", "C")]
    await store.commit_turn(KEY, Conversation(), (Forget(),), T0)
    assert await store.load_menu(KEY) == []


async def test_a_timer_and_a_message_of_one_person_on_two_workers_queue_without_deadlock(
    postgres_store: SqlStore,
) -> None:
    """Worker A runs the person's message (their row locked) and cancels their timer; worker B fires that
    timer meanwhile. Both take the person's row first, so B waits, then finds the timer cancelled."""
    store = postgres_store
    await store.commit_turn(KEY, Conversation(), (ScheduleTimer("reminder:1", T0),), T0)
    (due,) = await store.claim_due_timers(T0)
    runner = store._runner
    assert isinstance(runner, AsyncRunner)

    def decide(saved: Conversation | None) -> tuple[Conversation, tuple[Reply, ...]]:
        return saved or Conversation(), (Reply("due"),)

    async with runner.engine.connect() as worker_a:
        transaction = await worker_a.begin()
        await worker_a.execute(select(conversations.c.key).where(conversations.c.key == KEY).with_for_update())
        worker_b = asyncio.create_task(store.run_turn(KEY, decide, T0, fired_row=due.row))
        for _ in range(1000):  # until B is waiting for A's lock (the statistics view is a snapshot: renew it)
            await worker_a.execute(text("SELECT pg_stat_clear_snapshot()"))
            waiting = await worker_a.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                    "'Lock' AND datname = current_database()"
                )
            )
            if waiting:
                break
        assert waiting == 1, "B waits for the person's row"
        await worker_a.execute(update(timers).where(timers.c.id == due.row).values(status="cancelled"))
        await transaction.commit()
    assert await worker_b is None, "B saw the timer cancelled; nothing fired, nobody deadlocked"


async def test_workers_take_disjoint_batches_and_a_dead_workers_batch_after_its_lease(store: SqlStore) -> None:
    actions = tuple(ScheduleTimer(f"t{i}", T0) for i in range(5))
    await store.commit_turn(KEY, Conversation(), actions, T0)
    first = await store.claim_due_timers(T0, limit=3)
    second = await store.claim_due_timers(T0, limit=3)
    assert [t.timer_id for t in first] == ["t0", "t1", "t2"] and [t.timer_id for t in second] == ["t3", "t4"]
    assert await store.claim_due_timers(T0) == [], "everything is held"
    # The first worker died: once its lease runs out, its timers (still pending) are taken over.
    after_lease = T0 + store.lease
    assert [t.timer_id for t in await store.claim_due_timers(after_lease)] == ["t0", "t1", "t2", "t3", "t4"]


async def test_replies_held_by_one_worker_are_not_delivered_by_another(store: SqlStore) -> None:
    (taken,) = await store.commit_turn(KEY, Conversation(), (Reply("one"),), T0)
    assert not taken.in_doubt
    assert await store.keys_with_pending_replies(T0) == [] and await store.claim_replies(KEY, T0) == []
    later = T0 + store.lease
    assert await store.keys_with_pending_replies(later) == [KEY]
    (again,) = await store.claim_replies(KEY, later)
    assert again.row == taken.row and again.in_doubt, "its worker died: maybe sent, so flagged"
    await store.release_replies([again], retry_at=later + timedelta(seconds=30))
    assert await store.claim_replies(KEY, later) == [], "a failed send waits for its retry time"
    (retried,) = await store.claim_replies(KEY, later + timedelta(seconds=30))
    assert not retried.in_doubt, "given back on purpose: certainly not sent"
    await store.mark_delivered([retried])
    assert await store.pending_replies(KEY) == []


async def test_a_restarted_single_process_frees_what_it_held_at_once(store: SqlStore) -> None:
    await store.commit_turn(KEY, Conversation(), (Reply("one"), ScheduleTimer("t", T0)), T0)
    assert len(await store.claim_due_timers(T0)) == 1
    assert await store.release_all() == 1, "one reply was being delivered: in doubt"
    assert len(await store.claim_due_timers(T0)) == 1
    (reply,) = await store.claim_replies(KEY, T0)
    assert reply.in_doubt


async def test_two_workers_taking_a_new_persons_first_messages_at_once(postgres_store: SqlStore) -> None:
    """The row lock needs a row: a new person's row is made first, so the second turn waits on it."""
    other = await SqlStore.open(POSTGRES)

    def decide(saved: Conversation | None) -> tuple[Conversation, tuple[Reply, ...]]:
        return Conversation(counter=(saved.counter if saved else 0) + 1), ()

    try:
        people = [f"telegram:{n}" for n in range(40)]
        for key in people:
            results = await asyncio.gather(
                *(s.run_turn(key, decide, T0, durable=False) for s in (postgres_store, other))
            )
            assert all(r is not None for r in results)
        for key in people:
            saved = await postgres_store.load(key)
            assert saved is not None and saved.counter == 2, "both turns ran, one after the other"
    finally:
        await other.close()


async def test_finished_timers_and_old_webhook_ids_are_pruned(store: SqlStore) -> None:
    week_ago = T0 - timedelta(days=8)
    await store.commit_turn(
        KEY,
        Conversation(),
        (ScheduleTimer("old", week_ago), ScheduleTimer("gone", week_ago), ScheduleTimer("waiting", week_ago)),
        week_ago,
    )
    await store.commit_turn(KEY, Conversation(), (CancelTimer("gone"),), week_ago)
    old, waiting = await store.claim_due_timers(week_ago)
    await store.commit_turn(KEY, Conversation(), (), week_ago, fired_row=old.row)  # no replies: done at once
    assert await store.first_sight("telegram", "1", week_ago)
    assert await store.first_sight("telegram", "2", T0)
    assert await store.prune(T0) == 3, "the done and the cancelled timer, and the old webhook id"
    assert await store.timer_status(waiting.row) == "pending", "a pending timer stays, however old"
    assert not await store.first_sight("telegram", "2", T0), "a recent id still drops a repeat"
    assert await store.first_sight("telegram", "1", T0)
