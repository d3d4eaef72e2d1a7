"""Session step timing under load: guided sessions on SQLite beside a reminder fan-out and busy CPUs.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_timing.py [--sessions 200] [--people 5000]
        [--seconds 60] [--burners 2] [--spread 7] [--parallel 8]
        [--no-raw] [--out benchmarks/results/timing-DATE.txt]

One process, as `reflexbot serve` runs it: a Runtime over SqlStore on a SQLite file, the real Trigger
(APScheduler) on the real clock. `people` people have a daily reminder (made by the engine); `sessions`
other people each send a symptom, start ST44, answer the safety questions and press Ready, their Ready
spread over `spread` seconds (people do not start in step); from then on the engine times their press
and rest steps with timers, and each person presses Ready again when a foot is done. A few seconds after
the last Ready every reminder falls due at once, while `burners` processes burn a CPU each.

Measured, for every timer that moves a session on: lateness = when its reply reached `deliver` minus
the timer's due time as stored (the DueTimer the runtime fires). Reported: p50, p99 and max lateness,
how often two steps of one session were delivered within 200 ms of each other, the fan-out's own pace,
the Trigger's runs (how many, the longest), event-loop lag and machine load; raw rows go to `--out`.
After `seconds` everyone stops their session, the fan-out is waited for, and the burners are stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import gc
import itertools
import logging
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Event as ProcessEvent
from pathlib import Path

import psutil
from sqlalchemy import Connection, update

from bot.assembly import build_knowledge
from bot.config import REPO_CONFIG, load_settings
from bot.engine import ChoicePicked, Reply, TextReceived
from bot.runtime import Runtime
from bot.store import DueTimer, SqlStore
from bot.store.schema import timers
from scheduler import Trigger, utc_now
from tests.prod.cluster import seed_reminders

SAME_MOMENT = 0.2  # seconds: two steps of one session closer than this read as "at once"
FIRING: contextvars.ContextVar[DueTimer | None] = contextvars.ContextVar("firing", default=None)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One timer's first reply: whose, which timer, when it was due and when it was delivered."""

    key: str
    timer_id: str
    due: datetime
    delivered: datetime

    @property
    def lateness(self) -> float:
        """Seconds after the timer's due time."""
        return (self.delivered - self.due).total_seconds()


@dataclass
class Run:
    """One run of the runtime by the Trigger."""

    started: float
    seconds: float
    fired: int


@dataclass
class Record:
    """Everything the benchmark saw."""

    steps: list[Delivery] = field(default_factory=list)
    reminders: list[Delivery] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    lag: list[float] = field(default_factory=list)
    load: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    last_choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    seen: set[tuple[str, str, datetime]] = field(default_factory=set)
    skipped_wakes: int = 0


class TimedRuntime(Runtime):
    """The runtime, telling `deliver` which timer (if any) a reply comes from."""

    async def fire(self, timer: DueTimer, now: datetime) -> None:
        """Fire as usual, with the timer known to the replies it sends."""
        token = FIRING.set(timer)
        try:
            await super().fire(timer, now)
        finally:
            FIRING.reset(token)


class SkipCounter(logging.Handler):
    """Counts APScheduler's "skipped: maximum number of running instances reached" (the old defect)."""

    def __init__(self, record: Record) -> None:
        super().__init__(logging.WARNING)
        self.record = record

    def emit(self, entry: logging.LogRecord) -> None:
        """Count one skip."""
        if "maximum number of running instances" in entry.getMessage():
            self.record.skipped_wakes += 1


def burn(deadline: float, stop: ProcessEvent) -> None:
    """Keep one CPU busy until told to stop, or until the deadline at the latest."""
    while not stop.is_set() and time.monotonic() < deadline:
        for _ in range(100_000):
            pass


def pick(choices: tuple[str, ...], prefix: str, endings: tuple[str, ...] = ("",)) -> str | None:
    """The first choice id starting with `prefix` and ending with one of `endings`."""
    for ending in endings:
        for choice in choices:
            if choice.startswith(prefix) and choice.endswith(ending):
                return choice
    return None


async def run(args: argparse.Namespace, folder: Path) -> tuple[Record, dict[str, float]]:
    """Drive everything; returns what was seen and the timeline."""
    url = f"sqlite:///{folder / 'timing.sqlite3'}"
    settings = load_settings(str(REPO_CONFIG))
    far = datetime(2100, 1, 1, tzinfo=UTC)
    await seed_reminders(url, Path(REPO_CONFIG), args.people, far)  # made due later, all at once
    store = await SqlStore.open(url, clock=utc_now)
    record = Record()
    loop = asyncio.get_running_loop()
    pressing: set[asyncio.Task[None]] = set()
    fanned_out = asyncio.Event()
    runtime: TimedRuntime

    async def press_ready_again(key: str, choice: str) -> None:
        await asyncio.sleep(0.5)  # the person finds the point on the other foot
        await runtime.handle(key, ChoicePicked(choice), utc_now())

    async def deliver(key: str, reply: Reply) -> None:
        delivered = utc_now()
        timer = FIRING.get()
        choices = tuple(c.id for c in reply.choices)
        if key.startswith("bench:") and choices:
            record.last_choices[key] = choices
        if timer is None or (key, timer.timer_id, timer.due_at) in record.seen:
            return  # a person's own turn, or a second reply of the same timer
        record.seen.add((key, timer.timer_id, timer.due_at))
        item = Delivery(key, timer.timer_id, timer.due_at, delivered)
        if timer.timer_id.startswith("session:"):
            record.steps.append(item)
            ready = pick(choices, "ready:")
            if ready is not None and not stopping.is_set():  # a foot is done: on to the other one
                task = loop.create_task(press_ready_again(key, ready))
                pressing.add(task)
                task.add_done_callback(pressing.discard)
        elif timer.timer_id.startswith("reminder:"):
            record.reminders.append(item)
            if len(record.reminders) >= args.people:
                fanned_out.set()

    async def run_due(now: datetime) -> int:
        started = time.perf_counter()
        fired = await runtime.run_due(now)
        record.runs.append(Run(started, time.perf_counter() - started, fired))
        return fired

    # Wired as `reflexbot serve` wires it: the trigger calls through to the runtime, which has the real clock.
    trigger = Trigger(run_due)
    kb = build_knowledge(settings)
    gc.freeze()  # as serve does: the long-lived knowledge out of the collector's full scans
    runtime = TimedRuntime(
        kb,
        store,
        deliver,
        default_tz=settings.policy.default_tz,
        parallel=args.parallel,
        wake_at=trigger.wake_at,
        clock=utc_now,
    )
    logging.getLogger("apscheduler").addHandler(SkipCounter(record))
    stopping = asyncio.Event()

    async def watch() -> None:
        """Event-loop lag every 50 ms; machine load every second."""
        psutil.cpu_percent()
        last_load = time.monotonic()
        while not stopping.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.05)
            record.lag.append(time.perf_counter() - before - 0.05)
            if time.monotonic() - last_load >= 1.0:
                last_load = time.monotonic()
                record.load.append(os.getloadavg()[0])
                record.cpu.append(psutil.cpu_percent())

    async def person(n: int, ready_at: float) -> bool:
        key = f"bench:{n}"
        await runtime.handle(key, TextReceived("I feel bloated"), utc_now())
        start = pick(record.last_choices.get(key, ()), "start:ST44") or pick(record.last_choices.get(key, ()), "start:")
        if start is None:
            return False
        await runtime.handle(key, ChoicePicked(start), utc_now())
        for _ in range(20):  # the safety questions, whatever their order: "none of these" / "no"
            answer = pick(record.last_choices.get(key, ()), "ans:", (":none", ":no"))
            if answer is None:
                break
            await runtime.handle(key, ChoicePicked(answer), utc_now())
        ready = pick(record.last_choices.get(key, ()), "ready:")
        if ready is None:
            return False
        await asyncio.sleep(max(0.0, ready_at - time.monotonic()))
        await runtime.handle(key, ChoicePicked(ready), utc_now())
        return True

    stop_burning = multiprocessing.Event()
    budget = args.seconds + args.spread + 300  # the burners end by themselves at the latest by then
    burners = [
        multiprocessing.Process(target=burn, args=(time.monotonic() + budget, stop_burning), daemon=True)
        for _ in range(args.burners)
    ]
    timeline: dict[str, float] = {}
    watcher = loop.create_task(watch())
    try:
        for burner in burners:
            burner.start()
        trigger.start()
        t0 = time.monotonic()
        setup = 3.0 + args.sessions * 0.02  # enough for everyone's first turns
        readies = [t0 + setup + args.spread * n / max(1, args.sessions) for n in range(args.sessions)]
        started = await asyncio.gather(*(person(n, readies[n]) for n in range(args.sessions)))
        timeline["setup_s"] = setup
        timeline["sessions_started"] = sum(started)
        fan_due = utc_now() + timedelta(seconds=args.fanout_after)

        def make_due(conn: Connection) -> None:
            conn.execute(update(timers).where(timers.c.key.like("telegram:%")).values(due_at=fan_due))

        await store.run(make_due)
        trigger.wake_at(fan_due)  # as it would have been armed for 22:00
        timeline["fanout_due_after_last_ready_s"] = args.fanout_after
        await asyncio.sleep(args.seconds)
        stopping.set()
        for key in list(record.last_choices):
            await runtime.handle(key, TextReceived("stop"), utc_now())
        if len(record.reminders) < args.people:
            with contextlib.suppress(TimeoutError):  # every reminder out, or three minutes at most
                await asyncio.wait_for(fanned_out.wait(), 180)
        timeline["reminders_delivered"] = len(record.reminders)
        for task in list(pressing):
            task.cancel()
    finally:
        stopping.set()
        await watcher
        await runtime.stop()
        trigger.shutdown()
        await store.close()
        stop_burning.set()
        for burner in burners:
            burner.join(timeout=5)
            if burner.is_alive():
                burner.terminate()
                burner.join()
    return record, timeline


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank; 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(q * len(ordered) + 0.5) - 1))]


def report(args: argparse.Namespace, record: Record, timeline: dict[str, float], wall: float) -> list[str]:
    """The summary lines."""
    lateness = [d.lateness for d in record.steps]
    close = 0
    by_person: dict[str, list[datetime]] = defaultdict(list)
    for item in record.steps:
        by_person[item.key].append(item.delivered)
    for times in by_person.values():
        times.sort()
        close += sum((b - a).total_seconds() < SAME_MOMENT for a, b in itertools.pairwise(times))
    fan = [d.lateness for d in record.reminders]
    fan_span = (
        (max(d.delivered for d in record.reminders) - min(d.due for d in record.reminders)).total_seconds()
        if record.reminders
        else 0.0
    )
    runs = sorted(record.runs, key=lambda r: r.seconds)
    ms = 1000.0
    lines = [
        f"bench_timing {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: python {platform.python_version()}, "
        f"{platform.platform()}, {os.cpu_count()} CPUs",
        "command: " + " ".join(sys.argv),
        f"sessions {args.sessions} (started {timeline.get('sessions_started', 0):.0f}), reminder people {args.people}, "
        f"burners {args.burners}, parallel {args.parallel}, Ready spread over {args.spread:g} s, "
        f"fan-out due {args.fanout_after:g} s after the last Ready, window {args.seconds:g} s, wall {wall:.0f} s, "
        f"session steps: {len(lateness)}; lateness p50 {percentile(lateness, 0.5) * ms:.0f} ms, "
        f"p99 {percentile(lateness, 0.99) * ms:.0f} ms, max {max(lateness, default=0) * ms:.0f} ms; "
        f"two steps of one session within {SAME_MOMENT * ms:.0f} ms: {close}",
        f"session steps later than 250 ms: {sum(x > 0.25 for x in lateness)}, later than 1 s: "
        f"{sum(x > 1.0 for x in lateness)}",
        f"fan-out: {len(record.reminders)}/{args.people} reminders, last delivered {fan_span:.1f} s after due "
        f"({len(record.reminders) / max(fan_span, 1e-9):.0f}/s); lateness p50 {percentile(fan, 0.5):.1f} s",
        f"trigger runs: {len(runs)}, longest {runs[-1].seconds * ms if runs else 0:.0f} ms "
        f"(fired {runs[-1].fired if runs else 0}), p50 {percentile([r.seconds for r in runs], 0.5) * ms:.0f} ms; "
        f"APScheduler skipped wakes (max_instances): {record.skipped_wakes}",
        f"event-loop lag: p50 {percentile(record.lag, 0.5) * ms:.1f} ms, "
        f"p99 {percentile(record.lag, 0.99) * ms:.1f} ms, max {max(record.lag, default=0) * ms:.0f} ms",
        f"machine: load average (1 min) mean {statistics.fmean(record.load) if record.load else 0:.1f} "
        f"max {max(record.load, default=0):.1f}; "
        f"CPU busy mean {statistics.fmean(record.cpu) if record.cpu else 0:.0f} %",
    ]
    return lines


def main() -> None:
    """Parse arguments, run, print and save."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--people", type=int, default=5000, help="reminders due at once")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long sessions run after the last Ready")
    parser.add_argument("--burners", type=int, default=2, help="processes each burning a CPU")
    parser.add_argument("--spread", type=float, default=7.0, help="seconds over which people press Ready")
    parser.add_argument("--fanout-after", type=float, default=5.0, help="seconds after the last Ready")
    parser.add_argument("--parallel", type=int, default=16, help="people's timers run at once (serve's default)")
    parser.add_argument("--raw", action=argparse.BooleanOptionalAction, default=True, help="every step in --out")
    parser.add_argument("--out", default=f"benchmarks/results/timing-{datetime.now(UTC):%Y-%m-%d}.txt")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        record, timeline = asyncio.run(run(args, Path(folder)))
    lines = report(args, record, timeline, time.monotonic() - started)
    print("\n".join(lines), flush=True)
    if args.out:
        with open(args.out, "a", encoding="utf-8") as sink:
            sink.write("\n".join(lines) + "\n" + by_due_time(record.steps) + "\n")
            runs = " ".join(f"{r.seconds * 1000:.0f}/{r.fired}" for r in record.runs)
            sink.write(f"raw: trigger runs in order (ms/timers fired): {runs}\n")
            if args.raw and record.steps:
                first = min(d.due for d in record.steps)
                sink.write("raw: session steps by delivery: key timer due(s after the first step's due) lateness_ms\n")
                for item in sorted(record.steps, key=lambda d: d.delivered):
                    due = (item.due - first).total_seconds()
                    sink.write(f"  {item.key} {item.timer_id} {due:.3f} {item.lateness * 1000:.1f}\n")
            sink.write("\n")


def by_due_time(steps: list[Delivery], width: float = 5.0) -> str:
    """Lateness (ms) of the steps due in each `width` seconds from the first: where the late ones are."""
    if not steps:
        return "by due time: no steps"
    first = min(d.due for d in steps)
    buckets: dict[int, list[float]] = defaultdict(list)
    for item in steps:
        buckets[int((item.due - first).total_seconds() // width)].append(item.lateness * 1000)
    parts = [
        f"{n * width:g}s n{len(v)} p50 {percentile(v, 0.5):.0f} p99 {percentile(v, 0.99):.0f} max {max(v):.0f}"
        for n, v in sorted(buckets.items())
    ]
    return f"by due time ({width:g} s buckets from the first step's due; lateness ms): " + " | ".join(parts)


if __name__ == "__main__":
    main()
