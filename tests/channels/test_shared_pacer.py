"""The send budget shared by several workers, kept in the machine's Redis (CI has it on 127.0.0.1:6379)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.channels.pacing import Pacer, SharedPacer
from tests.conftest import REDIS


@pytest_asyncio.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS)
    try:
        await client.ping()
    except (RedisConnectionError, OSError) as error:
        await client.aclose()
        pytest.skip(f"Redis at {REDIS} is not reachable ({type(error).__name__}); CI has it")
    yield client
    await client.aclose()


def workers(redis: Redis, count: int, **pace: float) -> tuple[list[SharedPacer], list[float]]:
    """`count` pacers sharing one budget, as `count` worker processes would; their waits are recorded."""
    name = f"reflexbot-test:{uuid.uuid4().hex}"
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    return [SharedPacer(redis, name, sleep=sleep, **pace) for _ in range(count)], waited


async def test_two_workers_share_the_overall_rate(redis: Redis) -> None:
    (one, two), _ = workers(redis, 2, per_chat_seconds=1.0, per_second=2.0)
    slots = [(await (one if n % 3 else two).reserve(f"chat{n}"))[1] for n in range(30)]
    gaps = {b - a for a, b in itertools.pairwise(slots)}
    assert gaps == {500_000}, "one slot every 0.5 s (2/s) whichever worker sends"


async def test_one_chat_gets_one_slot_a_second_across_workers(redis: Redis) -> None:
    (one, two), _ = workers(redis, 2, per_chat_seconds=10.0, per_second=2.0)
    _, first = await one.reserve("telegram:42")
    _, other_chat = await two.reserve("telegram:43")
    wait, second = await two.reserve("telegram:42")
    assert other_chat - first == 500_000, "another chat only waits for the overall slot"
    assert second == 0 and 9.9 < wait <= 10.0, "the same chat waits its interval, even on another worker"
    _, third_chat = await one.reserve("telegram:44")
    assert third_chat - other_chat == 500_000, "a chat waiting for its own pace holds no overall slot"


async def test_a_chat_waiting_for_its_pace_never_holds_up_other_chats(redis: Redis) -> None:
    """One chat's burst (its sends 1 s apart) must not push the overall slot: another chat's send goes at once."""
    (one, two), waited = workers(redis, 2, per_chat_seconds=1.0, per_second=1000.0)
    await one.wait("telegram:1")
    await one.wait("telegram:1")  # waits for its chat's pace (recorded, not slept)
    assert waited and waited[0] > 0.9
    wait, _slot = await two.reserve("telegram:2")
    assert wait < 0.01, "another chat is not queued behind the first chat's next slot"


async def test_a_429_on_one_worker_holds_every_worker(redis: Redis) -> None:
    (one, two), waited = workers(redis, 2, per_chat_seconds=0.0, per_second=1000.0)
    _, before = await two.reserve("a")
    await one.hold(2.0)
    assert waited == [2.0]
    seconds, after = await two.reserve("b")
    assert after - before >= 2_000_000 - 50_000 and seconds > 1.9, "the other worker waits too"
    await two.wait("c")
    assert waited[-1] > 1.9


async def test_chats_are_kept_only_as_hashes_that_expire(redis: Redis) -> None:
    (one,), _ = workers(redis, 1, per_chat_seconds=1.0, per_second=30.0)
    await one.reserve("whatsapp:+971500000001")
    keys = [k.decode() async for k in redis.scan_iter(f"{one.name}:*")]
    assert keys and not any("971500000001" in k for k in keys)
    ttls = [await redis.pttl(k) for k in keys]
    assert all(0 < ttl <= 61_100 for ttl in ttls), ttls


async def test_an_erased_persons_chat_slot_goes_at_once(redis: Redis) -> None:
    (one,), _ = workers(redis, 1, per_chat_seconds=10.0, per_second=1000.0)
    await one.reserve("telegram:42")
    await one.reserve("telegram:43")
    before = {k.decode() async for k in redis.scan_iter(f"{one.name}:chat:*")}
    await one.forget("telegram:42")
    after = {k.decode() async for k in redis.scan_iter(f"{one.name}:chat:*")}
    assert len(before) == 2 and len(after) == 1 and after < before, "only that chat's key, before it expires"


async def test_an_erased_persons_chat_slot_goes_from_the_local_pace_too() -> None:
    now = [100.0]
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)
        now[0] += seconds

    pacer = Pacer(per_chat_seconds=10.0, per_second=1000.0, clock=lambda: now[0], sleep=sleep)
    await pacer.wait(42)
    await pacer.forget(42)
    await pacer.wait(42)
    assert sum(waited) < 1.0, "the chat's next slot was forgotten (else a 10 s wait)"


async def test_ping_says_whether_redis_answers(redis: Redis) -> None:
    assert await SharedPacer(redis, "reflexbot-test:ping").ping()
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    assert not await SharedPacer(dead, "reflexbot-test:ping").ping()
    await dead.aclose()


async def test_a_typing_indicator_takes_a_slot_only_when_it_is_free(redis: Redis) -> None:
    (one, two), _ = workers(redis, 2, per_chat_seconds=10.0, per_second=1.0)
    assert await one.try_now("telegram:42")
    assert not await two.try_now("telegram:42"), "the chat's slot is taken, on any worker"
    assert not await two.try_now("telegram:43"), "the overall slot is taken"
    _, slot = await two.reserve("telegram:43")
    _, after = await one.reserve("telegram:44")
    assert after - slot == 1_000_000, "a skipped indicator reserved nothing"


async def test_a_button_answer_waits_for_the_overall_slot_only(redis: Redis) -> None:
    (one, two), waited = workers(redis, 2, per_chat_seconds=10.0, per_second=2.0)
    await one.wait("telegram:42")
    await two.wait_overall()
    assert 0.4 < waited[-1] <= 0.5, "the next overall slot, not the chat's ten seconds"
