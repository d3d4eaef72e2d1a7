"""The durable inbox with real processes: acknowledged means saved (kill -9 right after the answers, then a
new start processes every update exactly once, in order per chat), a SIGTERM with a backlog stops
gracefully and the next start takes up the rest, and one chat's flood never delays another person."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Connection, text

from bot.runtime import log_key
from bot.store import SqlStore
from tests.prod.cluster import (
    SECRET,
    Server,
    StandInProcess,
    empty_database,
    expected_pieces,
    resent_tags,
    run,
    write_config,
)

pytestmark = pytest.mark.slow

TEXTS = ("hello", "privacy", "hello")  # what each chat writes, in this order (no pictures: the stand-in sends text)


# (database kind, workers): several workers need PostgreSQL (SQLite is one process's database)
SETUPS = [("sqlite", 1), ("postgresql", 1), ("postgresql", 2)]


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind (the machine's PostgreSQL: CI has it)."""
    return empty_database(request.param, tmp_path)


def update(update_id: int, chat: int, said: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_800_000_000,
            "text": said,
            "chat": {"id": chat, "type": "private", "first_name": "P"},
            "from": {"id": chat, "is_bot": False, "first_name": "P"},
        },
    }


async def post_until_taken(client: httpx.AsyncClient, port: int, body: dict[str, Any]) -> int:
    """POST an update as Telegram does: again after a 503 (Telegram retries non-2xx); how many 503s."""
    refused = 0
    while True:
        response = await client.post(
            f"http://127.0.0.1:{port}/telegram/webhook",
            json=body,
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        if response.status_code == 200:
            return refused
        assert response.status_code == 503, response.text
        refused += 1


async def send_script(port: int, chats: range, first_id: int) -> None:
    """Every chat writes TEXTS, each update after the last was acknowledged; chats at once."""

    async def one_chat(client: httpx.AsyncClient, chat: int) -> None:
        for index, said in enumerate(TEXTS):
            await post_until_taken(client, port, update(first_id + index * 100_000 + chat, chat, said))

    async with httpx.AsyncClient(timeout=60) as client:
        await asyncio.gather(*(one_chat(client, chat) for chat in chats))


def inbox_rows(url: str) -> list[Any]:
    async def rows() -> list[Any]:
        store = await SqlStore.open(url)
        try:

            def read(conn: Connection) -> list[Any]:
                query = "SELECT message_id, key, payload, processed_at FROM inbound WHERE channel = 'telegram'"
                return list(conn.execute(text(query)).all())

            return await store.run(read)
        finally:
            await store.close()

    return list(run(rows()))


def wait_until_processed(url: str, count: int, timeout: float) -> list[Any]:
    """Polls the store until `count` updates are processed (or `timeout`)."""
    deadline = time.monotonic() + timeout
    while True:
        rows = inbox_rows(url)
        if sum(1 for r in rows if r.processed_at is not None) >= count or time.monotonic() > deadline:
            return rows


def processed_exactly_once_in_order(rows: list[Any], chats: range) -> None:
    assert len(rows) == len(chats) * len(TEXTS), "one row per update"
    assert all(r.processed_at is not None for r in rows), "every acknowledged update processed"
    assert all(r.payload is None for r in rows), "a processed update keeps no text"
    for chat in chats:
        mine = [r for r in rows if r.key == f"telegram:{chat}"]
        assert len(mine) == len(TEXTS)
        by_time = [int(r.message_id) for r in sorted(mine, key=lambda r: (r.processed_at, int(r.message_id)))]
        assert by_time == sorted(by_time), f"chat {chat}: processed in the order written"


def short_of(standin: StandInProcess, chats: range, pieces: int) -> list[int]:
    """The chats that have not yet received all their replies."""
    counts = standin.counts()
    return [chat for chat in chats if counts.get(chat, 0) < pieces]


def answered_once_each(standin: StandInProcess, chats: range, log: str) -> None:
    pieces = expected_pieces(TEXTS)
    counts = standin.counts()
    resent = resent_tags(log)
    for chat in chats:
        got = counts.get(chat, 0)
        tag = log_key(f"telegram:{chat}")
        # A tag of only digits reads as a phone number to the log redaction: it is logged as "<number>".
        flagged = tag in resent or (tag.isdigit() and "<number>" in resent)
        if flagged:  # a reply on the wire at the kill: sent again, flagged
            assert got >= pieces, f"chat {chat}: every reply delivered"
        else:
            times = [round(t - standin.times(chats[0])[0], 2) for t in standin.times(chat)]
            assert got == pieces, f"chat {chat}: {got} messages, {pieces} expected (at {times})"
    assert standin.stats()["limited"] == 0, "never over Telegram's limits"


def test_kill_9_right_after_the_answers_loses_nothing(tmp_path: Path, database: str) -> None:
    """Every update acknowledged, then kill -9 at once: a new start processes each exactly once, in order
    per chat (PostgreSQL: after the dead process's lease, 3 s here)."""
    chats = range(1, 121)
    standin = StandInProcess(rate=1000.0).start()
    server: Server | None = None
    try:
        config = write_config(tmp_path, database, standin, rate=1000.0, claim_seconds=3)
        server = Server(config).start()
        run(send_script(server.port, chats, 1_000_000))
        server.kill()
        before = inbox_rows(database)
        waiting = sum(1 for r in before if r.processed_at is None)
        assert waiting > 0, "the kill left acknowledged updates unprocessed (else this proves nothing)"
        assert all(r.payload for r in before if r.processed_at is None), "each saved with what it needs"
        log = server.log.read_text() if server.log else ""
        server = Server(config).start()
        rows = wait_until_processed(database, len(chats) * len(TEXTS), 240)
        standin.wait_delivered(sum(standin.counts().values()), 5)
        processed_exactly_once_in_order(rows, chats)
        pieces = expected_pieces(TEXTS)
        # Wait for every chat, not for the total: a reply sent again (flagged) to one chat must not end the
        # wait while another chat's reply, held by the dead process's lease, waits for the next sweep (30 s).
        deadline = time.monotonic() + 120
        while short_of(standin, chats, pieces) and time.monotonic() < deadline:
            standin.wait_delivered(sum(standin.counts().values()) + 1, 10)
        log += server.stop()
        server = None
        answered_once_each(standin, chats, log)
        print(f"\nkill -9 after {len(rows)} acknowledged: {waiting} were waiting; all processed once")
    finally:
        if server is not None:
            server.stop()
        standin.stop()


@pytest.mark.parametrize(("kind", "workers"), SETUPS, ids=[f"{kind}-{workers}" for kind, workers in SETUPS])
def test_sigterm_with_a_backlog_stops_gracefully_and_the_next_start_takes_it_up(
    tmp_path: Path, kind: str, workers: int
) -> None:
    database = empty_database(kind, tmp_path)
    chats = range(1, 41)
    standin = StandInProcess(rate=1000.0).start()
    server: Server | None = None
    try:
        config = write_config(tmp_path, database, standin, rate=1000.0, claim_seconds=600)
        server = Server(config, workers=workers).start()
        run(send_script(server.port, chats, 2_000_000))
        assert server.process is not None
        log = server.stop()  # SIGTERM at once, with every chat's replies still going out at 1/s
        assert server.process.returncode == 0 or workers > 1, log
        assert log.count("inbox stopped:") == workers, log
        assert log.count("reflexbot stopped gracefully") == workers, log
        assert "Traceback" not in log, log
        left = sum(1 for r in inbox_rows(database) if r.processed_at is None)
        assert left > 0, "a backlog was left (else this proves nothing)"
        # With a ten-minute lease, the rest is taken at once only because the stop gave it back.
        server = Server(config, workers=workers).start()
        rows = wait_until_processed(database, len(chats) * len(TEXTS), 120)
        processed_exactly_once_in_order(rows, chats)
        pieces = expected_pieces(TEXTS)
        standin.wait_delivered(pieces * len(chats), 120)
        log += server.stop()
        server = None
        assert resent_tags(log) == set(), "a graceful stop leaves no reply in doubt"
        answered_once_each(standin, chats, log)
        print(f"\nSIGTERM with {left} updates waiting ({workers} worker(s)): all processed once after restart")
    finally:
        if server is not None:
            server.stop()
        standin.stop()


def test_one_chat_flooding_never_delays_another(tmp_path: Path) -> None:
    """One chat sends 300 updates in a burst; another person's reply arrives within a second of their
    message (measured on the stand-in's clock: time.monotonic() is one clock for every process)."""
    flooder, other = 1, 2
    standin = StandInProcess(rate=1000.0).start()
    server: Server | None = None
    try:
        config = write_config(tmp_path, f"sqlite:///{tmp_path / 'flood.sqlite3'}", standin, rate=1000.0)
        server = Server(config).start()
        port = server.port
        # A first turn warms the process up (the language data load on first use, seconds on a busy machine):
        # what is measured here is the steady state.
        warm = 3
        run(send_script(port, range(warm, warm + 1), 30_000))
        while not standin.times(warm):
            standin.wait_delivered(1, 30)

        async def flood_then_write() -> tuple[dict[int, int], float]:
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            url = f"http://127.0.0.1:{port}/telegram/webhook"
            async with httpx.AsyncClient(timeout=60) as client:
                answers = await asyncio.gather(
                    *(client.post(url, json=update(10_000 + n, flooder, "hello"), headers=headers) for n in range(300))
                )
                statuses: dict[int, int] = {}
                for answer in answers:
                    statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
                sent_at = time.monotonic()
                taken = await client.post(url, json=update(20_000, other, "hello"), headers=headers)
                assert taken.status_code == 200
            return statuses, sent_at

        statuses, sent_at = run(flood_then_write())
        assert set(statuses) <= {200, 503} and statuses.get(200, 0) >= 2, statuses
        deadline = time.monotonic() + 30
        while not standin.times(other) and time.monotonic() < deadline:
            standin.wait_delivered(standin.stats()["delivered"] + 1, 5)
        first = standin.times(other)
        assert first, "the other person got an answer"
        delay = first[0] - sent_at
        flooded = len(standin.times(flooder))
        assert flooded < statuses[200], "the flood was still being answered meanwhile"
        assert delay < 1.0, f"the other person waited {delay:.2f} s behind the flood"
        print(f"\nflood of 300 ({statuses}): another person's first reply after {delay * 1000:.0f} ms")
    finally:
        if server is not None:
            server.stop()
        standin.stop()
