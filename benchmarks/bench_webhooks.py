"""Webhook throughput with real processes: SQLite (one process) vs PostgreSQL with 1 and 2 workers.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_webhooks.py [--people 2000] [--runs sqlite1,pg1,pg2]

Each of `people` new people sends "hello" once through POST /telegram/webhook (64 requests in flight,
signed with the secret); the clock stops when the Telegram stand-in has received every reply. The
send pace is opened wide (5,000/s) so that the turns, not the pacing, are measured. Uses its own
PostgreSQL database (reflexbot_bench), never the tests' one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from benchmarks.bench_fanout import BENCH_DATABASE, ensure_database
from bot.store import SqlStore
from tests.conftest import drop_everything
from tests.prod.cluster import Server, StandInProcess, run, write_config
from tests.prod.test_production import deliver_once, first_reply_pieces

RUNS = {"sqlite1": ("sqlite", 1), "pg1": ("pg", 1), "pg2": ("pg", 2)}


async def empty(url: str) -> None:
    store = await SqlStore.open(url)
    try:
        await store.run(drop_everything)
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--runs", default="sqlite1,pg1,pg2")
    parser.add_argument("--postgres", default=BENCH_DATABASE)
    args = parser.parse_args()
    asyncio.run(ensure_database(args.postgres))
    pieces = first_reply_pieces()
    for name in args.runs.split(","):
        kind, workers = RUNS[name]
        with tempfile.TemporaryDirectory() as folder:
            url = args.postgres if kind == "pg" else f"sqlite:///{Path(folder) / 'hooks.sqlite3'}"
            standin = StandInProcess(rate=5000.0).start()
            server = None
            try:
                config = write_config(Path(folder), url, standin, rate=5000.0)
                run(empty(url))
                server = Server(config, workers=workers).start()
                started = time.monotonic()
                asyncio.run(deliver_once(args.people, server.port))
                stats = standin.wait_delivered(args.people * pieces, 600)
                seconds = time.monotonic() - started
                cpu, rss = server.usage()
            finally:
                if server is not None:
                    server.stop()
                standin.stop()
        print(
            json.dumps(
                {
                    "run": name,
                    "people": args.people,
                    "replies": stats["delivered"],
                    "updates_per_second": round(args.people / seconds, 1),
                    "cpu_ms_per_update": round(1000 * cpu / args.people, 2),
                    "peak_worker_rss_mb": round(rss / 1e6, 1),
                    "limited_429": stats["limited"],
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
