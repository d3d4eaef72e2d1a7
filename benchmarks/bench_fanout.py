"""Reminder fan-out with real processes: 100,000 people, PostgreSQL, 1 and 2 workers, kill -9 mid-way.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_fanout.py [--people 100000] [--rate 100]
        [--runs pg1,pg2,pg2-kill,sqlite-kill] [--out benchmarks/results/fanout.jsonl]

Each run seeds the people (a daily 22:00 reminder made by the engine, due now), starts the Telegram
stand-in (tests/prod/standin.py: Telegram's limits, a count per person) and `reflexbot serve`, and
waits until every reminder is delivered. Printed per run: delivered, missing, twice (and whether each
was a reply in doubt when a worker died), 429s from the stand-in, the rate (whole run and the middle
90 %) against the configured one, CPU milliseconds per reminder, the largest worker's memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from pathlib import Path

import asyncpg

from tests.prod.fanout import fan_out

BENCH_DATABASE = "postgresql://postgres@127.0.0.1:5432/reflexbot_bench"


async def ensure_database(url: str) -> None:
    """The benchmark's own database (never the tests' one), made on first use."""
    server, _, name = url.rpartition("/")
    connection = await asyncpg.connect(server + "/postgres")
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


RUNS = {
    "pg1": {"database": "pg", "workers": 1, "kill": False},
    "pg2": {"database": "pg", "workers": 2, "kill": False},
    "pg2-kill": {"database": "pg", "workers": 2, "kill": True},
    "sqlite1": {"database": "sqlite", "workers": 1, "kill": False},
    "sqlite-kill": {"database": "sqlite", "workers": 1, "kill": True},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--runs", default="pg1,pg2,pg2-kill,sqlite-kill")
    parser.add_argument(
        "--claim-seconds", type=float, default=30.0, help="lease before a dead worker's share is retaken"
    )
    parser.add_argument("--out", default="")
    parser.add_argument("--postgres", default=BENCH_DATABASE, help="a database of its own: it is emptied")
    args = parser.parse_args()
    asyncio.run(ensure_database(args.postgres))
    for name in args.runs.split(","):
        spec = RUNS[name]
        with tempfile.TemporaryDirectory() as folder:
            database = args.postgres if spec["database"] == "pg" else f"sqlite:///{Path(folder) / 'fanout.sqlite3'}"
            result = fan_out(
                Path(folder),
                database,
                args.people,
                workers=int(spec["workers"]),
                rate=args.rate,
                kill=bool(spec["kill"]),
                claim_seconds=args.claim_seconds,
            )
        line = json.dumps({"run": name, **result.summary()})
        print(line, flush=True)
        if args.out:
            with open(args.out, "a", encoding="utf-8") as sink:
                sink.write(line + "\n")


if __name__ == "__main__":
    main()
