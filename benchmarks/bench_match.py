"""Matching speed: texts/s and p50/p99 per text over the eval utterances and typical variants.

.venv/bin/python benchmarks/bench_match.py [--rounds 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from bot.nlu import Matcher
from content.loader import default_content

ROOT = Path(__file__).resolve().parents[1]
EXTRA = [
    "I feel bloated and cant sleep",
    "no headache, just tired",
    "my back is killing me lately",
    "period cramps",
    "so tired lately",
    "hi",
    "what time is it",
    "x" * 2_000,
]


def texts() -> list[str]:
    """The public eval set (when ../shared is beside the repo) plus a few variants."""
    found = ROOT.parent / "shared" / "eval" / "nlu_dev.jsonl"
    lines = [json.loads(x)["text"] for x in found.read_text().splitlines() if x.strip()] if found.exists() else []
    return lines + EXTRA


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    rounds = parser.parse_args().rounds
    started = time.perf_counter()
    matcher = Matcher(default_content())
    load_ms = (time.perf_counter() - started) * 1000
    sample = texts()
    for text in sample:
        matcher.understand(text)  # warm up
    per_text: list[float] = []
    wall = time.perf_counter()
    for _ in range(rounds):
        for text in sample:
            t = time.perf_counter_ns()
            matcher.understand(text)
            per_text.append((time.perf_counter_ns() - t) / 1e6)
    total = time.perf_counter() - wall
    per_text.sort()
    p99 = per_text[int(len(per_text) * 0.99) - 1]
    print(f"matcher load {load_ms:.0f} ms; {len(per_text)} matches of {len(sample)} texts")
    print(
        f"texts/s {len(per_text) / total:,.0f}; p50 {statistics.median(per_text):.3f} ms; "
        f"p99 {p99:.3f} ms; max {per_text[-1]:.3f} ms"
    )


if __name__ == "__main__":
    main()
