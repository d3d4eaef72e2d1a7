"""APScheduler as the trigger: it is armed for the earliest due time and asks the runtime to run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scheduler import Trigger
from scheduler.trigger import WAKE_JOB

T0 = datetime(2026, 11, 21, 16, 0, tzinfo=UTC)


async def test_wake_keeps_the_earliest_time() -> None:
    calls: list[datetime] = []

    async def run_due(now: datetime) -> int:
        calls.append(now)
        return 0

    trigger = Trigger(run_due, clock=lambda: T0)
    trigger._scheduler.start(paused=True)
    try:
        trigger.wake_at(T0 + timedelta(hours=2))
        trigger.wake_at(T0 + timedelta(hours=1))
        trigger.wake_at(T0 + timedelta(hours=3))
        job = trigger._scheduler.get_job(WAKE_JOB)
        assert job is not None and job.next_run_time == T0 + timedelta(hours=1)
        assert job.misfire_grace_time is None, "late wakes still run; the engine judges lateness"
        await trigger._run()
        assert calls == [T0]
    finally:
        trigger.shutdown()


async def test_a_failing_run_is_logged_not_raised() -> None:
    async def run_due(now: datetime) -> int:
        raise RuntimeError("database away")

    trigger = Trigger(run_due, clock=lambda: T0)
    await trigger._run()  # the periodic sweep will try again
