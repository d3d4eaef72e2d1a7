"""A reply whose send failed every try waits in the outbox, longer after each failure in a row (exponential,
capped, jittered); a success starts the count again; a reply kept for another process does not wait."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from bot.backoff import Backoff
from bot.engine import Knowledge, Reply, TextReceived
from bot.runtime import NotServedHereError, Runtime
from bot.store import SqlStore
from bot.store.schema import outbox
from tests.conftest import T0

KEY = "telegram:42"


class Network:
    """A channel that fails while `down`, counting every try."""

    def __init__(self) -> None:
        self.down = True
        self.tries = 0
        self.delivered: list[str] = []

    async def deliver(self, key: str, reply: Reply) -> None:
        self.tries += 1
        if self.down:
            raise ConnectionError("network down")
        self.delivered.append(reply.text)


async def retry_times(store: SqlStore) -> set[datetime | None]:
    """When the kept replies may be tried again."""

    def query(conn: Connection) -> set[datetime | None]:
        return set(conn.scalars(select(outbox.c.claimed_until)))

    return await store.run(query)


async def test_waits_grow_to_the_cap_with_jitter_and_a_success_starts_again(kb: Knowledge, store: SqlStore) -> None:
    jitter = [0.5, 0.25, 1.0, 0.75, 0.1, 0.2]
    network = Network()
    runtime = Runtime(kb, store, network.deliver, retry=Backoff(base=30, cap=120, random=lambda: jitter.pop(0)))
    await runtime.handle(KEY, TextReceived("hi"), T0)
    assert network.tries == 1 and network.delivered == []
    now, waits = T0, []
    for _ in range(4):  # each time: nothing is tried before the retry time, one try at it
        (retry_at,) = await retry_times(store)
        assert retry_at is not None
        await runtime.flush(retry_at - timedelta(seconds=1))
        tries = network.tries
        await runtime.flush(retry_at)
        assert network.tries == tries + 1
        waits.append((retry_at - now).total_seconds())
        now = retry_at
    # ceilings 30, 60, 120, 120 (capped), times the draws 0.5, 0.25, 1.0, 0.75
    assert waits == [15, 15, 120, 90]
    network.down = False
    (retry_at,) = await retry_times(store)
    assert retry_at == now + timedelta(seconds=12), "120 s x 0.1"
    await runtime.flush(retry_at)
    assert len(network.delivered) == 2 and await store.pending_replies(KEY) == []
    network.down = True
    await runtime.handle(KEY, TextReceived("hi"), retry_at)
    (again,) = await retry_times(store)
    assert again == retry_at + timedelta(seconds=6), "after a success the count starts again: 30 s x 0.2"


async def test_people_count_their_own_failures(kb: Knowledge, store: SqlStore) -> None:
    network = Network()
    runtime = Runtime(kb, store, network.deliver, retry=Backoff(base=30, cap=900, random=lambda: 1.0))
    await runtime.handle("telegram:1", TextReceived("hi"), T0)
    await runtime.flush(T0 + timedelta(seconds=30))  # telegram:1 fails a second time
    await runtime.handle("telegram:2", TextReceived("hi"), T0 + timedelta(seconds=30))
    assert await retry_times(store) == {T0 + timedelta(seconds=90), T0 + timedelta(seconds=60)}


async def test_a_reply_kept_for_another_process_does_not_wait(kb: Knowledge, store: SqlStore) -> None:
    async def elsewhere(key: str, reply: Reply) -> None:
        raise NotServedHereError("console chats are served by `reflexbot chat`")

    runtime = Runtime(kb, store, elsewhere, retry=Backoff(base=30, cap=900, random=lambda: 1.0))
    await runtime.handle("console:sara", TextReceived("hi"), T0)
    assert await retry_times(store) == {None}
    assert runtime.metrics.send_failures.labels("console")._value.get() == 0
