"""APScheduler as the real-time trigger: it only wakes the runtime; the store's timer rows are the truth."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MAX_INSTANCES, JobEvent
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

    One run at a time, and no wake is ever lost. APScheduler 3 skips a job whose previous instance
    is still running (`max_instances`; its maintainers' answer is "the job will just be skipped") and
    reports it only as an event. So a wake asked for while a run is in progress, a sweep that comes
    during a wake's run (or the reverse), and a wake APScheduler skipped are all remembered as the
    earliest instant asked for; when the job that holds the slot reports back (EVENT_JOB_EXECUTED,
    after APScheduler has freed the slot) the wake is armed again at max(now, that instant). Arming
    from inside the run would not do: a wake due at once is looked at before the slot is freed.
    An instant due by the `now` of the run in progress is not asked again: that run took all it could.

    Late wakes still run (`misfire_grace_time=None`): lateness is judged by the engine from each
    timer's own due time.
    """

    def __init__(self, run_due: RunDue, clock: Clock = utc_now, sweep_seconds: int = 30) -> None:
        self._run_due = run_due
        self._clock = clock
        self._sweep_seconds = sweep_seconds
        self._busy = False  # a run is in progress
        self._asked: datetime | None = None  # the earliest wake asked for that no run has covered yet
        self._covered: datetime | None = None  # the `now` of the latest run: it took all it could due by then
        self._scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        self._scheduler.add_listener(self._on_job_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MAX_INSTANCES)

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
        """Make sure the runtime runs at `at` at the latest (once the run in progress, if any, ends)."""
        if self._busy:
            self._ask(at)
            return
        if self._asked is not None:
            at, self._asked = min(at, max(self._clock(), self._asked)), None
        self._arm(at)

    def _ask(self, at: datetime) -> None:
        # Due by the latest run's `now`: that run took all it could, and what it could not (another
        # worker's lease) would only make us spin until the lease runs out; the sweep retries it.
        if self._covered is not None and at <= self._covered:
            return
        if self._asked is None or at < self._asked:
            self._asked = at

    def _arm(self, at: datetime) -> None:
        """One wake job, at the earliest instant asked for."""
        job = self._scheduler.get_job(WAKE_JOB)
        if job is not None and job.next_run_time is not None and job.next_run_time <= at:
            return
        self._scheduler.add_job(self._run, "date", run_date=at, id=WAKE_JOB, replace_existing=True)

    async def _run(self) -> None:
        now = self._clock()
        if self._busy:  # the sweep during a wake's run, or the reverse: runs again when that one ends
            self._ask(now)
            return
        self._busy = True
        self._covered = now
        if self._asked is not None and self._asked <= now:
            self._asked = None  # this run covers it
        try:
            await self._run_due(now)
        except Exception:
            log.exception("running due timers failed; the sweep will try again")
        finally:
            self._busy = False

    def _on_job_event(self, event: JobEvent) -> None:
        """APScheduler reports on a job: a skipped wake is asked again; a finished run re-arms what was asked."""
        if event.code == EVENT_JOB_MAX_INSTANCES:
            self._ask(self._clock())
            return  # the instance holding the slot reports back when it ends, and re-arms then
        if self._busy or self._asked is None or not self._scheduler.running:
            return
        at, self._asked = max(self._clock(), self._asked), None
        self._arm(at)
