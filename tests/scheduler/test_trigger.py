"""APScheduler as the trigger: it is armed for the earliest due time and asks the runtime to run."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MAX_INSTANCES

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


class HeldRun:
    """A fake `run_due` whose first run stays open until released; records each run's `now`."""

    def __init__(self) -> None:
        self.calls: list[datetime] = []
        self.first_started = asyncio.Event()
        self.release = asyncio.Event()
        self.second = asyncio.Event()

    async def __call__(self, now: datetime) -> int:
        self.calls.append(now)
        if len(self.calls) == 1:
            self.first_started.set()
            await self.release.wait()
        else:
            self.second.set()
        return 0


class StepClock:
    """An injected clock that moves only when told. It starts a second before the real "now":
    APScheduler fires date jobs by the real clock, so every instant this clock gives is already due
    and a wake armed for it fires at once (no test waits for real time to pass)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC) - timedelta(seconds=1)

    def __call__(self) -> datetime:
        return self.now


PROMPT = 2.0  # seconds: far below the sweep (an hour here), generous for a loaded machine


async def test_a_wake_asked_for_during_a_run_runs_as_soon_as_the_run_ends() -> None:
    """The defect: the next session step fell due while a run was in progress; APScheduler skipped
    the wake ("maximum number of running instances reached") and only the sweep caught up."""
    clock = StepClock()
    run_due = HeldRun()
    trigger = Trigger(run_due, clock=clock, sweep_seconds=3600)
    trigger.start()  # wakes at once: the first run starts and is held open
    try:
        await asyncio.wait_for(run_due.first_started.wait(), PROMPT)
        first = clock.now
        clock.now += timedelta(milliseconds=5)  # the next step falls due during the run
        trigger.wake_at(clock.now)  # due at once: APScheduler looks at it before the held run resumes
        run_due.release.set()
        await asyncio.wait_for(run_due.second.wait(), PROMPT)
        assert run_due.calls == [first, clock.now]
    finally:
        trigger.shutdown()


async def test_a_sweep_during_a_run_does_not_overlap_it_and_runs_after() -> None:
    clock = StepClock()
    run_due = HeldRun()
    trigger = Trigger(run_due, clock=clock, sweep_seconds=3600)
    trigger.start()
    try:
        await asyncio.wait_for(run_due.first_started.wait(), PROMPT)
        clock.now += timedelta(milliseconds=5)
        await trigger._run()  # the sweep's job, while the wake's run is held open
        assert len(run_due.calls) == 1, "one run at a time"
        run_due.release.set()
        await asyncio.wait_for(run_due.second.wait(), PROMPT)
        assert run_due.calls[1] == clock.now
    finally:
        trigger.shutdown()


async def test_a_wake_apscheduler_skips_is_asked_again() -> None:
    clock = StepClock()
    run_due = HeldRun()
    trigger = Trigger(run_due, clock=clock, sweep_seconds=3600)
    trigger.start()
    try:
        await asyncio.wait_for(run_due.first_started.wait(), PROMPT)
        skipped = asyncio.Event()
        trigger._scheduler.add_listener(lambda _: skipped.set(), EVENT_JOB_MAX_INSTANCES)
        clock.now += timedelta(milliseconds=5)  # a step falls due during the run
        # Arm the wake job straight through APScheduler, as the old wake_at did during a run.
        trigger._scheduler.add_job(trigger._run, "date", run_date=clock.now, id=WAKE_JOB, replace_existing=True)
        await asyncio.wait_for(skipped.wait(), PROMPT)
        run_due.release.set()
        await asyncio.wait_for(run_due.second.wait(), PROMPT)
        assert run_due.calls[1] == clock.now
    finally:
        trigger.shutdown()


async def test_a_run_does_not_run_again_at_once_for_what_it_already_covered() -> None:
    """The runtime re-arms for the earliest pending timer when a run ends. One due before the run began
    that the run could not take (another worker holds it) is no reason to run again at once: that would
    spin until the other worker's lease runs out. The sweep retries it."""
    clock = StepClock()
    calls: list[datetime] = []

    async def run_due(now: datetime) -> int:
        calls.append(now)
        trigger.wake_at(now - timedelta(seconds=1))  # the earliest pending timer, held by another worker
        return 0

    trigger = Trigger(run_due, clock=clock, sweep_seconds=3600)
    finished = asyncio.Event()
    trigger._scheduler.add_listener(lambda _: finished.set(), EVENT_JOB_EXECUTED)  # after the Trigger's own
    trigger.start()
    try:
        await asyncio.wait_for(finished.wait(), PROMPT)
        assert len(calls) == 1
        assert trigger._scheduler.get_job(WAKE_JOB) is None, "no wake armed for what the run covered"
    finally:
        trigger.shutdown()
