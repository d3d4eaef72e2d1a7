"""With a real clock, a long run steps each timer at the time it really runs, session steps first."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bot.engine import Conversation, Knowledge, Reply, ScheduleTimer
from bot.runtime import Runtime
from bot.store import DueTimer, SqlStore
from tests.conftest import T0


class SteppingClock:
    """A clock that moves on by `tick` each time it is read, like real time during a long run."""

    def __init__(self, start: datetime, tick: timedelta) -> None:
        self.at, self.tick = start, tick

    def __call__(self) -> datetime:
        self.at += self.tick
        return self.at


class OrderedRuntime(Runtime):
    """The runtime, noting whose timer each turn fired and when (by the time it was stepped at)."""

    order: list[tuple[str, datetime]]

    async def fire(self, timer: DueTimer, now: datetime) -> None:
        """Note, then fire as usual."""
        self.order.append((timer.key, now))
        await super().fire(timer, now)


async def _runtime(kb: Knowledge, db: Path, clock: SteppingClock | None) -> tuple[OrderedRuntime, SqlStore]:
    store = await SqlStore.open(f"sqlite:///{db}")

    async def deliver(key: str, reply: Reply) -> None:
        return None

    runtime = OrderedRuntime(kb, store, deliver, claim_batch=4, clock=clock)
    runtime.order = []
    return runtime, store


async def _seed(store: SqlStore) -> None:
    """Twelve people's reminders due at T0, one person's session step due a little later."""
    state = Conversation(state="idle", intro_seen=True)
    for n in range(12):
        await store.commit_turn(f"console:r{n}", state, (ScheduleTimer("later", T0, payload="KI1"),), T0)
    step = ScheduleTimer("session:1:1", T0 + timedelta(seconds=2), priority=0)
    await store.commit_turn("console:step", state, (step,), T0)


async def test_a_step_due_during_a_long_run_is_taken_in_that_run_before_the_rest(kb: Knowledge, tmp_path: Path) -> None:
    runtime, store = await _runtime(kb, tmp_path / "a.sqlite3", SteppingClock(T0, timedelta(seconds=1)))
    await _seed(store)
    fired = await runtime.run_due(T0)
    assert fired == 13
    keys = [key for key, _ in runtime.order]
    assert keys.index("console:step") < 8, "taken as soon as it was due, ahead of the reminders still waiting"
    stepped_at = dict(runtime.order)["console:step"]
    assert stepped_at >= T0 + timedelta(seconds=2), "stepped at the time it ran, not at the run's start"
    await store.close()


async def test_without_a_clock_a_run_keeps_to_its_own_now(kb: Knowledge, tmp_path: Path) -> None:
    runtime, store = await _runtime(kb, tmp_path / "b.sqlite3", None)
    await _seed(store)
    assert await runtime.run_due(T0) == 12  # the step is not due at T0: the scripted chat's virtual time
    assert all(key != "console:step" and at == T0 for key, at in runtime.order)
    await store.close()
