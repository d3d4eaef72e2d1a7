"""The production proofs, small enough for the suite: real `reflexbot serve` processes on the machine's
PostgreSQL (and SQLite), the Telegram stand-in in its own process, Redis for the shared send budget.

The 100,000-person runs of the same code are benchmarks/bench_fanout.py.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from bot.assembly import build_knowledge
from bot.channels.telegram.render import render
from bot.config import ServerSettings, load_settings
from bot.engine import Conversation, Reply, TextReceived, step
from bot.store import SqlStore
from scheduler import utc_now
from tests.conftest import drop_everything
from tests.prod.cluster import SECRET, Server, StandInProcess, run, write_config
from tests.prod.fanout import FanOut, fan_out

pytestmark = pytest.mark.slow


def delivered_once_each(result: FanOut) -> None:
    summary = result.summary()
    assert result.missing == 0, f"every reminder delivered: {summary}"
    assert result.left == {"outbox": 0, "due": 0, "failed": 0}, f"nothing left undone in the store: {summary}"
    assert result.stats["limited"] == 0, f"never over Telegram's limits: no 429 from the stand-in: {summary}"


@pytest.mark.parametrize("workers", [1, 2])
def test_a_fan_out_goes_at_the_configured_rate(tmp_path: Path, postgres: str, workers: int) -> None:
    result = fan_out(tmp_path, postgres, 400, workers=workers, rate=50.0)
    delivered_once_each(result)
    assert result.twice == [], f"nobody got it twice: {result.summary()}"
    assert result.stats["steady_rate"] == pytest.approx(50.0, rel=0.05), result.summary()


@pytest.mark.parametrize(("database", "workers"), [("postgresql", 2), ("sqlite", 1)])
def test_kill_9_in_the_middle_of_a_fan_out(tmp_path: Path, postgres: str, database: str, workers: int) -> None:
    """A worker dies mid-way; uvicorn's supervisor starts another (a single process is restarted by hand).
    A dead worker's share is taken over after its lease (3 s here). The one thing nobody can know is
    whether a request on the wire at the instant of the kill reached Telegram: such replies are sent
    again and flagged; nobody else may get a reminder twice."""
    url = postgres if database == "postgresql" else f"sqlite:///{tmp_path / 'kill.sqlite3'}"
    result = fan_out(tmp_path, url, 600, workers=workers, rate=60.0, kill=True, claim_seconds=3)
    delivered_once_each(result)
    assert result.unexplained_twice() == [], result.summary()
    in_flight = ServerSettings().parallel_timers  # the default the workers run with
    assert len(result.twice) <= len(result.resent) <= in_flight * workers, "at most the turns in flight"


def test_a_graceful_stop_mid_fan_out_gives_everything_back(tmp_path: Path, postgres: str) -> None:
    """SIGTERM to `serve --workers 2` a third of the way in, then a new start. With a ten-minute lease,
    the rest can only go out quickly if the stopping workers gave back what they had claimed."""
    result = fan_out(tmp_path, postgres, 500, workers=2, rate=80.0, restart=True, claim_seconds=600, deadline=120)
    delivered_once_each(result)
    assert result.twice == [] and result.resent == set(), "a graceful stop leaves nothing in doubt"


def test_a_flaky_api_loses_nothing_and_repeats_nothing(tmp_path: Path, postgres: str) -> None:
    """20 % of sends fail on purpose (429 with retry_after, 500, no answer within the timeout)."""
    result = fan_out(tmp_path, postgres, 150, workers=2, rate=200.0, fail=0.2, timeout=1.0, hold=1.5)
    assert sum(result.stats["injected"].values()) >= 15, "failures really happened"
    delivered_once_each(result)
    assert result.twice == [], "a send that failed was not delivered; one that succeeded is never repeated"


def first_reply_pieces() -> int:
    """How many Telegram messages one "hello" from someone new gets."""
    kb = build_knowledge(load_settings())
    _, actions = step(kb, Conversation(tz="Asia/Dubai"), TextReceived("hello"), now=utc_now())
    return sum(len(render(a)) for a in actions if isinstance(a, Reply))


def test_duplicate_webhooks_over_two_workers_get_one_reply_each(tmp_path: Path, postgres: str) -> None:
    """10,000 deliveries: 5,000 updates from 5,000 new people, each sent to both workers at once."""
    people = 5000
    standin = StandInProcess(rate=5000.0).start()
    servers: list[Server] = []
    try:
        config = write_config(tmp_path, postgres, standin, rate=5000.0)

        async def empty() -> None:
            store = await SqlStore.open(postgres)
            await store.run(drop_everything)
            await store.close()

        run(empty())
        servers = [Server(config).start(), Server(config).start()]
        statuses = asyncio.run(deliver_twice(people, [s.port for s in servers]))
        assert statuses == {200}
        pieces = first_reply_pieces()
        stats = standin.wait_delivered(people * pieces, 300)
        for server in servers:
            server.stop()  # graceful: turns in flight finish
        servers = []
        counts = standin.counts()
        assert stats["limited"] == 0
        assert len(counts) == people and set(counts.values()) == {pieces}, "exactly one turn's replies each"

        async def seen() -> int:
            store = await SqlStore.open(postgres)
            try:
                return int(await store.run(lambda c: c.scalar(text("SELECT count(*) FROM inbound"))) or 0)
            finally:
                await store.close()

        assert run(seen()) == people
    finally:
        for server in servers:
            server.stop()
        standin.stop()


async def deliver_once(people: int, port: int) -> set[int]:
    """POST one "hello" update from each of `people` new people."""
    return await deliver_twice(people, [port])


async def deliver_twice(people: int, ports: list[int]) -> set[int]:
    """POST each update to every worker (port) at the same moment, as Telegram's retries might."""
    limit = asyncio.Semaphore(64)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}

    async def post(client: httpx.AsyncClient, port: int, update: dict[str, object]) -> int:
        async with limit:
            while True:  # as Telegram does: a 503 (the worker's inbox is full) is delivered again
                response = await client.post(f"http://127.0.0.1:{port}/telegram/webhook", json=update, headers=headers)
                if response.status_code != 503:
                    return response.status_code

    async with httpx.AsyncClient(timeout=60) as client:
        jobs = []
        for n in range(1, people + 1):
            update = {
                "update_id": 100_000 + n,
                "message": {
                    "message_id": 1,
                    "date": 1_800_000_000,
                    "text": "hello",
                    "chat": {"id": n, "type": "private", "first_name": "P"},
                    "from": {"id": n, "is_bot": False, "first_name": "P"},
                },
            }
            jobs += [post(client, port, update) for port in ports]
        return set(await asyncio.gather(*jobs))
