"""Engine turns per second through the runtime with the SQLite store (load, step, save, deliver).

    .venv/bin/python benchmarks/bench_turns.py [--people 200]

Each of `people` people sends the same ten events (a symptom, a session request, six safety answers,
"ready", "pause"); once one turn at a time, once with every person's turn in flight together.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.assembly import build_knowledge
from bot.config import REPO_CONFIG, load_settings
from bot.engine import ChoicePicked, Event, Reply, TextReceived, step
from bot.engine.state import Conversation
from bot.runtime import Runtime
from bot.store import SqlStore

SCRIPT: list[Event] = [
    TextReceived("I feel bloated"),
    ChoicePicked("start:ST44"),
    ChoicePicked("ans:acute:none"),
    ChoicePicked("ans:pressure:no"),
    ChoicePicked("ans:pregnancy:no"),
    ChoicePicked("ans:clot:no"),
    ChoicePicked("ans:foot:no"),
    ChoicePicked("ans:chronic:no"),
    ChoicePicked("ready"),
    TextReceived("pause"),
]


async def run(people: int, concurrent: bool) -> None:
    """Print pure-engine and full-turn figures."""
    kb = build_knowledge(load_settings(str(REPO_CONFIG)))
    now = datetime(2026, 11, 21, 16, 0, tzinfo=UTC)
    n = 2_000
    started = time.perf_counter()
    for i in range(n):
        state = Conversation()
        for event in SCRIPT:
            state, _ = step(kb, state, event, now=now + timedelta(seconds=i))
    pure = n * len(SCRIPT) / (time.perf_counter() - started)
    print(f"pure engine: {pure:,.0f} steps/s")

    with tempfile.TemporaryDirectory() as tmp:
        store = await SqlStore.open(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        delivered = 0

        async def deliver(key: str, reply: Reply) -> None:
            nonlocal delivered
            delivered += 1

        runtime = Runtime(kb, store, deliver)
        latencies: list[float] = []

        async def timed(key: str, event: Event) -> None:
            t = time.perf_counter()
            await runtime.handle(key, event, now)
            latencies.append((time.perf_counter() - t) * 1000)

        started = time.perf_counter()
        for event in SCRIPT:
            if concurrent:
                await asyncio.gather(*(timed(f"bench:{p}", event) for p in range(people)))
            else:
                for p in range(people):
                    await timed(f"bench:{p}", event)
        elapsed = time.perf_counter() - started
        await store.close()
    latencies.sort()
    turns = len(latencies)
    mode = f"{people} people at once" if concurrent else "one turn at a time"
    print(
        f"full turns with SQLite ({mode}): {turns / elapsed:,.0f} turns/s ({turns} turns, {delivered} replies); "
        f"p50 {statistics.median(latencies):.2f} ms; p99 {latencies[int(turns * 0.99) - 1]:.2f} ms"
    )


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(run(args.people, concurrent=False))
    asyncio.run(run(args.people, concurrent=True))


if __name__ == "__main__":
    main()
