"""Real processes for the production proofs: the Telegram stand-in, `reflexbot serve` workers on one
database, people seeded with a due 22:00 reminder, and the counts that judge the run.

Used by tests/prod (small runs, in the suite) and benchmarks/bench_fanout.py (100,000 people).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from sqlalchemy import Connection, insert, text
from sqlalchemy.exc import SQLAlchemyError

from bot.assembly import build_knowledge
from bot.channels.telegram.render import render
from bot.config import load_settings
from bot.engine import Conversation, Reply, ScheduleTimer, TextReceived, step
from bot.store import SqlStore
from bot.store.schema import conversations, timers
from scheduler import utc_now
from tests.conftest import POSTGRES, REDIS, drop_everything

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "7000001:reflexbot-test-token"
SECRET = "proof-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, seconds: float = 60.0) -> None:
    """Until `url` answers 200 (a process has started listening): httpx retries the refused connections."""
    with httpx.Client(transport=httpx.HTTPTransport(retries=12), timeout=seconds) as client:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")


@dataclass
class StandInProcess:
    """The Telegram stand-in in its own process."""

    rate: float
    fail: float = 0.0
    hold: float = 3.0
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None

    def start(self) -> StandInProcess:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.prod.standin",
                "--port",
                str(self.port),
                "--rate",
                str(self.rate),
                "--fail",
                str(self.fail),
                "--hold",
                str(self.hold),
            ],
            cwd=ROOT,
            text=True,
        )
        wait_for(f"{self.base}/_stats")
        return self

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stats(self) -> dict[str, Any]:
        return dict(httpx.get(f"{self.base}/_stats", timeout=30).json())

    def wait_delivered(self, count: int, timeout: float) -> dict[str, Any]:
        """Long-polls the stand-in until `count` sends were delivered (or `timeout`)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            stats = dict(
                httpx.get(
                    f"{self.base}/_wait", params={"delivered": count, "timeout": min(left, 30)}, timeout=60
                ).json()
            )
            if stats["delivered"] >= count or left <= 0:
                return stats

    def times(self, chat: int) -> list[float]:
        """When each message to `chat` was delivered (time.monotonic(), the same clock in every process)."""
        return [float(t) for t in httpx.get(f"{self.base}/_times", params={"chat": chat}, timeout=60).json()]

    def counts(self) -> dict[int, int]:
        return {int(k): v for k, v in httpx.get(f"{self.base}/_counts", timeout=60).json().items()}

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)


@dataclass
class Server:
    """One `reflexbot serve` (with `workers` processes under uvicorn's supervisor when > 1)."""

    config: Path
    workers: int = 1
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None
    log: Path | None = None
    environment: dict[str, str] = field(default_factory=dict)  # more variables (a metrics token ...)

    def start(self) -> Server:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_", "REFLEXBOT_"))}
        env |= {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "REFLEXBOT_CONFIG": str(self.config),
            "REFLEXBOT_LOG_LEVEL": "WARNING",
            **self.environment,
        }
        self.log = self.config.with_name(f"serve-{self.port}-{uuid.uuid4().hex[:6]}.log")
        with self.log.open("w") as sink:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bot",
                    "serve",
                    "--config",
                    str(self.config),
                    "--port",
                    str(self.port),
                    "--workers",
                    str(self.workers),
                ],
                cwd=ROOT,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                text=True,
            )
        wait_for(f"http://127.0.0.1:{self.port}/healthz")
        return self

    def worker_pids(self) -> list[int]:
        """The processes that run turns: the server itself, or the supervisor's children."""
        assert self.process is not None
        if self.workers == 1:
            return [self.process.pid]
        workers = []
        for child in psutil.Process(self.process.pid).children():
            try:
                if child.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(child.cmdline()):
                    workers.append(child.pid)
            except psutil.Error:  # gone meanwhile
                pass
        return workers

    def usage(self) -> tuple[float, int]:
        """CPU seconds used so far and the largest worker's resident memory (bytes)."""
        cpu, rss = 0.0, 0
        for pid in self.worker_pids():
            try:
                proc = psutil.Process(pid)
                times = proc.cpu_times()
                cpu += times.user + times.system
                rss = max(rss, proc.memory_info().rss)
            except psutil.NoSuchProcess:
                pass
        return cpu, rss

    def stop(self) -> str:
        """A graceful stop (SIGTERM, as systemd sends); returns what the server logged."""
        assert self.process is not None and self.log is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=120)
        return self.log.read_text()

    def kill(self) -> None:
        """kill -9 the whole server (one process): nothing gets to clean up."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=30)


def empty_database(kind: str, folder: Path) -> str:
    """An empty database of this kind ("sqlite": a file in `folder`; "postgresql": the machine's, which CI
    has), its URL; the test is skipped when PostgreSQL cannot be reached."""
    url = f"sqlite:///{folder / 'proof.sqlite3'}" if kind == "sqlite" else POSTGRES

    async def empty() -> None:
        store = await SqlStore.open(url)
        try:
            await store.run(drop_everything)
        finally:
            await store.close()

    try:
        run(empty())
    except (OSError, SQLAlchemyError) as error:
        pytest.skip(f"PostgreSQL at {POSTGRES} is not reachable ({type(error).__name__}); CI has it")
    return url


def expected_pieces(texts: Sequence[str]) -> int:
    """How many Telegram messages a new person who writes `texts` gets (no timers involved)."""
    kb = build_knowledge(load_settings())
    state, pieces = Conversation(tz="Asia/Dubai"), 0
    for said in texts:
        state, actions = step(kb, state, TextReceived(said), now=utc_now())
        assert not any(isinstance(a, ScheduleTimer) for a in actions), "a script without timers"
        pieces += sum(len(render(a)) for a in actions if isinstance(a, Reply))
    return pieces


def write_config(
    folder: Path,
    database: str,
    standin: StandInProcess,
    *,
    rate: float,
    claim_seconds: float = 120,
    per_chat_seconds: float = 1.0,
    timeout: float = 10.0,
    redis: bool = True,
) -> Path:
    """A config.toml for workers that talk to the stand-in."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.toml"
    redis_line = f'redis_url = "{REDIS}"\nredis_prefix = "reflexbot-proof-{uuid.uuid4().hex[:8]}"\n' if redis else ""
    config.write_text(
        f'[storage]\nurl = "{database}"\n'
        f'[server]\npublic_url = "https://bot.example.com"\nclaim_seconds = {claim_seconds}\n{redis_line}'
        f'[telegram]\nenabled = true\nmode = "webhook"\napi_base_url = "{standin.base}/bot"\n'
        f"per_second = {rate}\nper_chat_seconds = {per_chat_seconds}\ntimeout_seconds = {timeout}\n"
        f"[whatsapp]\nenabled = false\n"
    )
    return config


async def seed_reminders(database: str, config: Path, people: int, due: datetime) -> None:
    """`people` Telegram users with a daily 22:00 reminder (made by the engine), all due at `due`.

    The engine computes the next 22:00 in Dubai; the proofs move that instant to `due` (now), so a
    run does not wait for the evening. Each firing schedules the next night's, as in production.
    """
    store = await SqlStore.open(database)
    try:
        await store.run(drop_everything)
    finally:
        await store.close()
    store = await SqlStore.open(database)
    try:
        kb = build_knowledge(load_settings(str(config)))
        state, actions = step(
            kb, Conversation(tz="Asia/Dubai"), TextReceived("remind me at 10pm every night"), now=utc_now()
        )
        (timer,) = [a for a in actions if isinstance(a, ScheduleTimer)]
        raw = state.to_json()
        now = utc_now()

        def insert_people(conn: Connection, start: int, stop: int) -> None:
            conn.execute(
                insert(conversations),
                [{"key": f"telegram:{n}", "state": raw, "updated_at": now} for n in range(start, stop)],
            )
            conn.execute(
                insert(timers),
                [
                    {
                        "key": f"telegram:{n}",
                        "timer_id": timer.timer_id,
                        "due_at": due,
                        "payload": "",
                        "status": "pending",
                    }
                    for n in range(start, stop)
                ],
            )

        for start in range(1, people + 1, 5000):
            stop = min(people + 1, start + 5000)
            await store.run(lambda conn, a=start, b=stop: insert_people(conn, a, b))
    finally:
        await store.close()


async def leftovers(database: str) -> dict[str, int]:
    """What the store still holds undone: reminders not fired, replies not delivered."""
    store = await SqlStore.open(database)
    try:

        def count(conn: Connection) -> dict[str, int]:
            return {
                "outbox": int(conn.scalar(text("SELECT count(*) FROM outbox")) or 0),
                "due": int(
                    conn.scalar(
                        text("SELECT count(*) FROM timers WHERE status IN ('pending', 'fired') AND due_at <= :now"),
                        {"now": utc_now() - timedelta(seconds=1)},
                    )
                    or 0
                ),
                "failed": int(conn.scalar(text("SELECT count(*) FROM timers WHERE status = 'failed'")) or 0),
            }

        return await store.run(count)
    finally:
        await store.close()


def resent_tags(log: str) -> set[str]:
    """The people (as log tags) whose replies a worker sent again after another died mid-delivery."""
    tags = set()
    for line in log.splitlines():
        if "are sent again" in line:
            tags.add(line.split(" replies to ", 1)[1].split()[0])
    return tags


def run(coro: Any) -> Any:
    return asyncio.run(coro)
