"""APScheduler as the real-time trigger: it only wakes the runtime; the store's timer rows are the truth."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger("reflexbot.scheduler")

RunDue = Callable[[datetime], Awaitable[int]]
Clock = Callable[[], datetime]

WAKE_JOB = "reflexbot-wake"
SWEEP_JOB = "reflexbot-sweep"


def utc_now() -> datetime:
    """The real clock, aware and in UTC."""
    return datetime.now(UTC)


class Trigger:
    """Wakes the runtime when the earliest timer is due, and sweeps periodically as a safety net.

    APScheduler 3 drops jobs later than `misfire_grace_time` (1 s by default) and removes a one-shot
    job before it finishes; neither matters here, because a job only asks the runtime to look at the
    store. Lateness is judged by the engine from each timer's own due time, so late wakes still run.
    """

    def __init__(self, run_due: RunDue, clock: Clock = utc_now, sweep_seconds: int = 30) -> None:
        self._run_due = run_due
        self._clock = clock
        self._next: datetime | None = None
        self._scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        self._sweep_seconds = sweep_seconds

    def start(self) -> None:
        """Start in the running event loop; handle whatever became due while we were down."""
        self._scheduler.start()
        self._scheduler.add_job(self._run, "interval", seconds=self._sweep_seconds, id=SWEEP_JOB, replace_existing=True)
        self.wake_at(self._clock())

    @property
    def running(self) -> bool:
        """True while the scheduler triggers."""
        return bool(self._scheduler.running)

    def shutdown(self) -> None:
        """Stop triggering; timers stay in the store for the next start."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def wake_at(self, at: datetime) -> None:
        """Make sure the runtime runs at `at` at the latest."""
        if self._next is not None and self._next <= at and self._scheduler.get_job(WAKE_JOB) is not None:
            return
        self._next = at
        self._scheduler.add_job(self._run, "date", run_date=at, id=WAKE_JOB, replace_existing=True)

    async def _run(self) -> None:
        self._next = None
        try:
            await self._run_due(self._clock())
        except Exception:
            log.exception("running due timers failed; the sweep will try again")
