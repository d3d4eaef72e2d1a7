"""One reminder fan-out run with real processes, as the proofs and the benchmark drive it.

Seeds `people` with a due 22:00 reminder, starts the Telegram stand-in and `reflexbot serve` (with
`workers` processes), optionally kill -9s a worker a third of the way in (uvicorn's supervisor starts a
new one; a single process is restarted by hand), and waits until every reminder is delivered.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.runtime import log_key
from scheduler import utc_now
from tests.prod.cluster import Server, StandInProcess, leftovers, resent_tags, run, seed_reminders, write_config


@dataclass
class FanOut:
    """What a run measured."""

    people: int
    workers: int
    database: str
    rate: float
    stats: dict[str, Any]
    counts: dict[int, int]
    resent: set[str]  # people (log tags) whose reply was sent again after a worker died mid-delivery
    left: dict[str, int]
    cpu_seconds: float
    peak_rss: int
    wall: float
    killed: bool

    @property
    def missing(self) -> int:
        return sum(1 for n in range(1, self.people + 1) if self.counts.get(n, 0) == 0)

    @property
    def twice(self) -> list[int]:
        return sorted(chat for chat, count in self.counts.items() if count > 1)

    def unexplained_twice(self) -> list[int]:
        """People who got the reminder twice without a worker dying while it was being sent to them."""
        return [chat for chat in self.twice if log_key(f"telegram:{chat}") not in self.resent]

    def summary(self) -> dict[str, Any]:
        return {
            "people": self.people,
            "workers": self.workers,
            "database": self.database.split(":", 1)[0],
            "killed": self.killed,
            "configured_rate": self.rate,
            "delivered": self.stats["delivered"],
            "missing": self.missing,
            "twice": len(self.twice),
            "resent_after_kill": len(self.resent),
            "unexplained_twice": len(self.unexplained_twice()),
            "limited_429": self.stats["limited"],
            "limited_overall_chat": (self.stats["limited_overall"], self.stats["limited_chat"]),
            "injected_failures": self.stats["injected"],
            "rate": round(self.stats["rate"], 2),
            "steady_rate": round(self.stats["steady_rate"], 2),
            "rate_error_pct": round(100 * (self.stats["steady_rate"] / self.rate - 1), 2),
            "cpu_ms_per_reminder": round(1000 * self.cpu_seconds / max(1, self.stats["delivered"]), 2),
            "peak_worker_rss_mb": round(self.peak_rss / 1e6, 1),
            "wall_seconds": round(self.wall, 1),
            "left_in_store": self.left,
        }


def fan_out(
    folder: Path,
    database: str,
    people: int,
    *,
    workers: int = 1,
    rate: float = 100.0,
    kill: bool = False,
    restart: bool = False,
    fail: float = 0.0,
    claim_seconds: float = 120,
    timeout: float = 10.0,
    hold: float = 3.0,
    deadline: float = 3600,
) -> FanOut:
    """Run one fan-out to the end and collect what the stand-in, the workers and the store saw.

    `kill`: kill -9 a worker a third of the way in. `restart`: stop gracefully there and start again.
    """
    standin = StandInProcess(rate=rate, fail=fail, hold=hold).start()
    server: Server | None = None
    try:
        config = write_config(folder, database, standin, rate=rate, claim_seconds=claim_seconds, timeout=timeout)
        run(seed_reminders(database, config, people, utc_now()))
        started = time.monotonic()
        server = Server(config, workers=workers).start()
        sampler = _Sampler(server)
        logs = ""
        if restart:  # a graceful stop (SIGTERM) a third of the way in, then a new start
            standin.wait_delivered(people // 3, deadline)
            sampler.stop()
            cpu_before = sampler.cpu
            logs += server.stop()
            server = Server(config, workers=workers).start()
            sampler = _Sampler(server, cpu_before, sampler.rss)
        if kill:
            standin.wait_delivered(people // 3, deadline)
            if workers > 1:  # one of the supervisor's workers; the supervisor starts a new one
                victim = server.worker_pids()[0]
                os.kill(victim, 9)
            else:  # the one process; restarted by hand, on the same database
                sampler.stop()
                cpu_before = sampler.cpu
                server.kill()
                logs += server.log.read_text() if server.log else ""
                server = Server(config, workers=1).start()
                sampler = _Sampler(server, cpu_before, sampler.rss)
        stats = standin.wait_delivered(people, deadline)
        # A reply a killed worker had sent, unknown to the store, is sent again once its lease runs out:
        # its person already counts, so wait for that many more deliveries, not only one each.
        left = run(leftovers(database))
        if kill and left["outbox"]:
            standin.wait_delivered(stats["delivered"] + left["outbox"], claim_seconds + 60)
        wall = time.monotonic() - started
        sampler.stop()
        logs += server.stop()  # graceful: what is in flight finishes
        server = None
        left = run(leftovers(database))
        counts = standin.counts()
        stats = standin.stats()
        return FanOut(
            people,
            workers,
            database,
            rate,
            stats,
            counts,
            resent_tags(logs),
            left,
            sampler.cpu,
            sampler.rss,
            wall,
            kill,
        )
    finally:
        if server is not None:
            server.stop()
        standin.stop()


class _Sampler:
    """Samples the workers' CPU time and resident memory once a second (workers may be replaced)."""

    def __init__(self, server: Server, cpu: float = 0.0, rss: int = 0) -> None:
        self.server = server
        self.base = cpu
        self.seen: dict[int, float] = {}
        self.rss = rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    @property
    def cpu(self) -> float:
        return self.base + sum(self.seen.values())

    def _loop(self) -> None:
        while not self._stop.wait(1.0):
            self.sample()

    def sample(self) -> None:
        import psutil

        for pid in self.server.worker_pids():
            try:
                proc = psutil.Process(pid)
                times = proc.cpu_times()
                self.seen[pid] = times.user + times.system
                self.rss = max(self.rss, proc.memory_info().rss)
            except psutil.NoSuchProcess:
                pass

    def stop(self) -> None:
        self.sample()
        self._stop.set()
        self._thread.join()
