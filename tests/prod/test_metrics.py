"""/metrics of a real `reflexbot serve --workers 2` (PostgreSQL, Redis, the Telegram stand-in): every worker's
numbers added up whichever worker answers, a dead worker's live gauge dropped while its counts stay, and
/metrics on a port of its own behind a bearer token."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from tests.prod.cluster import SECRET, Server, StandInProcess, expected_pieces, free_port, write_config

pytestmark = pytest.mark.slow
TOKEN = "metrics-token-for-the-proofs"
HELLO_PIECES = expected_pieces(["hello"])  # messages a new person gets for "hello"


@pytest.fixture
def standin() -> Iterator[StandInProcess]:
    process = StandInProcess(rate=5000.0).start()
    try:
        yield process
    finally:
        process.stop()


def post_hellos(port: int, first: int, count: int) -> None:
    """ "hello" from `count` new people (chats first..), each update on a connection of its own, 20 at once:
    the supervisor's workers share the socket, and each takes whichever connections it accepts first."""
    limit = asyncio.Semaphore(20)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}

    async def post(n: int) -> int:
        update = {
            "update_id": 500_000 + n,
            "message": {
                "message_id": 1,
                "date": 1_800_000_000,
                "text": "hello",
                "chat": {"id": n, "type": "private", "first_name": "P"},
                "from": {"id": n, "is_bot": False, "first_name": "P"},
            },
        }
        async with limit, httpx.AsyncClient(timeout=60) as client:  # a new connection each time
            response = await client.post(f"http://127.0.0.1:{port}/telegram/webhook", json=update, headers=headers)
            return response.status_code

    async def all_of_them() -> set[int]:
        return set(await asyncio.gather(*(post(n) for n in range(first, first + count))))

    assert asyncio.run(all_of_them()) == {200}


def scrape(url: str, token: str = "") -> dict[str, float]:
    """One GET /metrics on a new connection: each sample's value by name and labels."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.get(url, headers=headers, timeout=30)
    assert response.status_code == 200, response.status_code
    values = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            values[f"{sample.name}{{{labels}}}"] = sample.value
    return values


def updates(values: dict[str, float]) -> float:
    return values.get("reflexbot_updates_total{channel=telegram}", 0.0)


def wait_for_updates(standin: StandInProcess, url: str, count: int, token: str = "") -> dict[str, float]:
    """/metrics once `count` new people's "hello" turns are over: the stand-in (long-polled) has every reply."""
    standin.wait_delivered(count * HELLO_PIECES, timeout=120)
    return scrape(url, token)


def shared_directory(server: Server) -> Path:
    """The directory the supervisor made for its workers' metrics, as a worker's environment names it."""
    (worker, *_) = server.worker_pids()
    return Path(psutil.Process(worker).environ()["PROMETHEUS_MULTIPROC_DIR"])


def updates_by_worker(directory: Path) -> dict[int, float]:
    """Each worker's own count of updates, read from its own file in the shared directory."""
    counts = {}
    for path in directory.glob("counter_*.db"):
        pid = int(path.stem.removeprefix("counter_"))
        metrics = MultiProcessCollector.merge([str(path)])  # type: ignore[no-untyped-call]
        counts[pid] = sum(s.value for m in metrics for s in m.samples if s.name == "reflexbot_updates_total")
    return counts


def test_metrics_add_up_every_worker_whichever_answers(tmp_path: Path, postgres: str, standin: StandInProcess) -> None:
    config = write_config(tmp_path, postgres, standin, rate=5000.0)
    server = Server(config, workers=2).start()
    try:
        url = f"http://127.0.0.1:{server.port}/metrics"
        directory = shared_directory(server)
        assert directory.stat().st_mode & 0o777 == 0o700, "private to the service's user"
        sent = 0
        for _ in range(10):  # until both workers have taken some (almost always the first round)
            post_hellos(server.port, sent + 1, 30)
            sent += 30
            wait_for_updates(standin, url, sent)
            per_worker = updates_by_worker(directory)
            if len(per_worker) == 2 and all(per_worker.values()):
                break
        assert len(per_worker) == 2 and all(0 < n < sent for n in per_worker.values()), per_worker
        assert sum(per_worker.values()) == sent
        for _ in range(12):  # each on a new connection: either worker may answer, each gives the sum
            assert updates(scrape(url)) == sent

        victim = server.worker_pids()[0]
        live_gauge = directory / f"gauge_livesum_{victim}.db"
        assert live_gauge.exists()
        watched = psutil.Process(victim)
        os.kill(victim, signal.SIGKILL)
        watched.wait(timeout=60)  # until the supervisor has reaped it: its id is gone
        scrape(url)  # a scrape drops what dead workers left
        assert not live_gauge.exists(), "a dead worker's live gauge is dropped"
        assert (directory / f"counter_{victim}.db").exists()
        assert updates(scrape(url)) == sent, "its counts stay: totals never go back"
        assert len(server.worker_pids()) == 2 and victim not in server.worker_pids()
    finally:
        logs = server.stop()
    assert not directory.exists(), "the directory goes with the supervisor"
    assert "Traceback" not in logs, logs


def test_metrics_on_their_own_port_behind_a_token(tmp_path: Path, postgres: str, standin: StandInProcess) -> None:
    metrics_port = free_port()
    config = write_config(tmp_path, postgres, standin, rate=5000.0)
    config.write_text(config.read_text() + f"[metrics]\nport = {metrics_port}\n")
    server = Server(config, workers=2, environment={"REFLEXBOT_METRICS_TOKEN": TOKEN}).start()
    try:
        post_hellos(server.port, 1, 20)
        assert httpx.get(f"http://127.0.0.1:{server.port}/metrics", timeout=30).status_code == 404
        url = f"http://127.0.0.1:{metrics_port}/metrics"
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
            refused = httpx.get(url, headers=headers, timeout=30)
            assert refused.status_code == 401 and "reflexbot" not in refused.text
        assert updates(wait_for_updates(standin, url, 20, TOKEN)) == 20, "the supervisor serves every worker's sum"
    finally:
        logs = server.stop()
    assert "Traceback" not in logs, logs
