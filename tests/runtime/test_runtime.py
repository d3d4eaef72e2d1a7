"""The runtime on SQLite: bookings, deleting data, restarts, delivery failures."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy import Connection, update

from bot.backoff import Backoff
from bot.engine import ChoicePicked, Knowledge, Reply, TextReceived
from bot.runtime import Runtime
from bot.store import SqlStore
from bot.store.schema import conversations
from tests.conftest import T0, Harness, open_harness
from tests.engine.helpers import SAFE_ANSWERS

KEY = "console:sara"


async def book(h: Harness, consent: bool) -> None:
    for event in (
        TextReceived("cant sleep"),
        TextReceived("book"),
        ChoicePicked("branch:dhcc"),
        TextReceived("Tuesday evening"),
        TextReceived("Sara"),
        ChoicePicked("contact-chat"),
        ChoicePicked("consent:yes" if consent else "consent:no"),
    ):
        await h.runtime.handle(KEY, event, T0)


async def test_booking_stored_with_consent(harness: Harness) -> None:
    await book(harness, consent=True)
    (record,) = await harness.store.records(KEY, "booking")
    assert record["ref"].startswith("RB-") and record["branch"] == "dhcc"
    assert "insomnia" in record["summary"] or "sleep" in record["summary"]
    last = harness.texts()[-1]
    assert record["ref"] in last and "https://wa.me/971585699858?text=" in last
    assert record["ref"] in unquote(last)


async def test_booking_refused_without_consent(harness: Harness) -> None:
    await book(harness, consent=False)
    assert await harness.store.records(KEY, "booking") == []
    assert "Nothing was shared" in harness.texts()[-1]


async def test_delete_my_data_leaves_no_row(harness: Harness) -> None:
    await book(harness, consent=True)
    await harness.runtime.handle(KEY, TextReceived("remind me at 10pm every night"), T0)
    await harness.runtime.handle(KEY, ChoicePicked("start:KI1"), T0)
    for question, value in SAFE_ANSWERS:
        await harness.runtime.handle(KEY, ChoicePicked(f"ans:{question}:{value}"), T0)
    await harness.runtime.handle(KEY, TextReceived("ready"), T0)
    assert await harness.store.count_rows(KEY) > 0
    await harness.runtime.handle(KEY, TextReceived("delete my data"), T0)
    await harness.runtime.handle(KEY, ChoicePicked("delete:yes"), T0)
    assert await harness.store.count_rows(KEY) == 0
    assert "deleted" in harness.texts()[-1]
    harness.sent.clear()
    await harness.clock.advance(timedelta(days=2).total_seconds())
    assert harness.sent == [], "no timer survives"


async def test_stale_session_after_restart_gets_one_short_notice(kb: Knowledge, tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    first = await open_harness(kb, db)
    await first.runtime.handle(KEY, ChoicePicked("start:ST44"), T0)
    for question, value in SAFE_ANSWERS:
        await first.runtime.handle(KEY, ChoicePicked(f"ans:{question}:{value}"), T0)
    await first.runtime.handle(KEY, TextReceived("ready"), T0)
    await first.store.close()
    later = T0 + timedelta(hours=1)
    second = await open_harness(kb, db, later)
    try:
        await second.runtime.run_due(later)
        assert len(second.texts()) == 1 and "interrupted" in second.texts()[0]
        assert await second.store.pending_timers(KEY) == []
    finally:
        await second.store.close()


async def test_failed_delivery_is_kept_and_retried_in_order(kb: Knowledge, tmp_path: Path) -> None:
    store = await SqlStore.open(f"sqlite:///{tmp_path / 'f.sqlite3'}")
    delivered: list[str] = []
    failing = [True]

    async def deliver(key: str, reply: Reply) -> None:
        if failing[0]:
            raise ConnectionError("network down")
        delivered.append(reply.text)

    runtime = Runtime(kb, store, deliver, retry=Backoff(base=30, cap=900, random=lambda: 0.5))
    try:
        await runtime.handle(KEY, TextReceived("hi"), T0)
        assert delivered == [] and len(await store.pending_replies(KEY)) == 2
        failing[0] = False
        await runtime.flush(T0 + timedelta(seconds=14))
        assert delivered == [], "kept until its retry time (half of 30 s)"
        await runtime.flush(T0 + timedelta(seconds=15))
        assert len(delivered) == 2 and "reflexbot" in delivered[0]
        assert await store.pending_replies(KEY) == []
    finally:
        await store.close()


async def test_people_are_kept_apart(harness: Harness) -> None:
    await harness.runtime.handle("console:a", TextReceived("remind me at 10pm every night"), T0)
    await harness.runtime.handle("console:b", TextReceived("I feel bloated"), T0)
    await harness.runtime.handle("console:b", TextReceived("delete my data"), T0)
    await harness.runtime.handle("console:b", ChoicePicked("delete:yes"), T0)
    assert await harness.store.count_rows("console:b") == 0
    assert [t for t, _ in await harness.store.pending_timers("console:a")] == ["reminder:1"]


async def test_one_broken_timer_does_not_hold_up_anyone_else(harness: Harness) -> None:
    await harness.runtime.handle("console:a", TextReceived("remind me at 10pm every night"), T0)
    await harness.runtime.handle("console:b", TextReceived("remind me at 10pm every night"), T0)

    def corrupt(conn: Connection) -> None:
        conn.execute(update(conversations).where(conversations.c.key == "console:a").values(state="{broken"))

    await harness.store.run(corrupt)
    harness.sent.clear()
    await harness.clock.advance(timedelta(hours=3).total_seconds())
    assert [k for k, _ in harness.sent] == ["console:b"]


async def test_emergency_advice_is_saved_before_it_is_sent(kb: Knowledge, tmp_path: Path) -> None:
    store = await SqlStore.open(f"sqlite:///{tmp_path / 'u.sqlite3'}")

    async def deliver(key: str, reply: Reply) -> None:
        raise ConnectionError("network down")

    try:
        await Runtime(kb, store, deliver).handle(KEY, TextReceived("I have chest pain"), T0)
        (kept,) = await store.pending_replies(KEY)
        assert kept.reply.urgent and "998" in kept.reply.text
    finally:
        await store.close()


async def test_metrics_count_updates_replies_failures_and_timers(harness: Harness) -> None:
    await harness.runtime.handle("console:m", TextReceived("hi"), T0)
    await harness.runtime.handle("console:m", TextReceived("remind me in an hour"), T0)
    await harness.clock.advance(3600)
    text = harness.runtime.metrics.export().decode()
    assert 'reflexbot_updates_total{channel="console"} 2.0' in text
    assert 'reflexbot_replies_total{channel="console"}' in text
    assert "reflexbot_timers_fired_total 1.0" in text
    assert "Amira" not in text and "hi" not in text.split("# HELP")[0]


async def test_a_graceful_stop_finishes_the_turn_in_flight_and_gives_back_the_rest(
    kb: Knowledge, tmp_path: Path
) -> None:
    store = await SqlStore.open(f"sqlite:///{tmp_path / 'stop.sqlite3'}")
    hold = asyncio.Event()  # set: sends wait for `proceed`
    sending, proceed = asyncio.Event(), asyncio.Event()
    sent: list[str] = []

    async def deliver(key: str, reply: Reply) -> None:
        if hold.is_set():
            sending.set()
            await proceed.wait()
        sent.append(key)

    runtime = Runtime(kb, store, deliver, default_tz=kb.policy.default_tz)
    people = [f"console:p{n}" for n in range(3)]
    try:
        for key in people:
            await runtime.handle(key, TextReceived("remind me in an hour"), T0)
        sent.clear()
        hold.set()
        due = T0 + timedelta(hours=1, minutes=1)
        fan_out = asyncio.create_task(runtime.run_due(due))
        await sending.wait()  # the first person's reminder is on its way
        stopping = asyncio.create_task(runtime.stop())
        done, _ = await asyncio.wait({stopping}, timeout=0)  # let stop() run up to its wait
        assert not done, "stop waits for the turn in flight"
        proceed.set()
        assert await fan_out == 1 and sent == [people[0]]
        await stopping
        given_back = await store.claim_due_timers(due)
        assert sorted(t.key for t in given_back) == people[1:], "the others are free at once, for any worker"
    finally:
        await store.close()
