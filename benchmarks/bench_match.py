"""Matching speed: texts/s and p50/p99 per text over the eval utterances and typical variants.

.venv/bin/python benchmarks/bench_match.py [--rounds 50]

Per text, two clocks: the wall clock (what a person waits, including any moment another process on the
machine had the core) and this thread's CPU time (what matching costs: the figure for the 1 ms bar, the
same on a busy machine as on a quiet one).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import dataclass, field
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


MIN_SAMPLES = 2_000

# Per language: a few everyday texts each (the NLU sets in tests/nlu hold many more).
BY_LANGUAGE = {
    "ar": ["عندي انتفاخ", "راسي يوجعني من الصبح", "ما اقدر انام", "ألم الدورة شديد", "ذكرني الساعة ١٠ بالليل"],
    "ar-Latn": ["3ndi inti5a5", "rasi y3awerni", "ma agdar anam", "3ndi sda3 shway"],
    "ru": ["у меня болит голова", "не могу уснуть", "меня пучит после еды", "напомни в 10 вечера"],
    "hi-Latn": ["mere seene mein dard ho raha hai", "sir dard hai"],
    "tl": ["masakit ang ulo ko", "hindi ako makatulog"],
}


@dataclass
class Timings:
    """Per text, in ms: on the wall clock and in this thread's CPU time."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def __iadd__(self, other: Timings) -> Timings:
        self.wall += other.wall
        self.cpu += other.cpu
        return self


def _measure(matcher: Matcher, sample: list[str], rounds: int) -> tuple[float, Timings]:
    timings = Timings()
    wall = time.perf_counter()
    for _ in range(rounds):
        for text in sample:
            t, c = time.perf_counter_ns(), time.thread_time_ns()
            matcher.understand(text)
            timings.cpu.append((time.thread_time_ns() - c) / 1e6)
            timings.wall.append((time.perf_counter_ns() - t) / 1e6)
    return time.perf_counter() - wall, timings


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.99) - 1)]


def _line(name: str, total: float, timings: Timings) -> str:
    return (
        f"{name:8} texts/s {len(timings.wall) / total:,.0f}; CPU p50 {statistics.median(timings.cpu):.3f} ms, "
        f"p99 {_p99(timings.cpu):.3f} ms, max {max(timings.cpu):.3f} ms; wall p99 {_p99(timings.wall):.3f} ms, "
        f"max {max(timings.wall):.3f} ms"
    )


def main() -> None:
    """Print the figures: load time, then throughput and latency in English and in each other language."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    rounds = parser.parse_args().rounds
    started = time.perf_counter()
    matcher = Matcher(default_content())
    load_ms = (time.perf_counter() - started) * 1000
    samples = {"en": texts(), **BY_LANGUAGE}
    for sample in samples.values():
        for text in sample:
            matcher.understand(text)  # warm up (and build each language's index)
    print(f"matcher load {load_ms:.0f} ms (English; other languages on first use)")
    everything = Timings()
    wall = 0.0
    for lang, sample in samples.items():
        # at least MIN_SAMPLES timings per language: a p99 of a few hundred is the slowest one or two, noise
        total, timings = _measure(matcher, sample, max(rounds, -(-MIN_SAMPLES // len(sample))))
        wall += total
        everything += timings
        print(_line(lang, total, timings))
    print(_line("all", wall, everything))
    huge = "I have a headache and " * 1000
    total, timings = _measure(matcher, [huge], 5)
    print(f"huge     a 22,000-character text: {max(timings.wall):.1f} ms at most")
    # A sign named again and again up to a Telegram message's 4,096 characters: each hit in one long clause
    # once read its whole clause against every history phrase (11 s for "chest pain" x 372).
    for sign in ("chest pain ", "ألم في الصدر ", "боль в груди ", "seene mein dard "):
        total, timings = _measure(matcher, [(sign * 400)[:4096]], 3)
        print(f"repeated {sign.strip()!r} to 4,096 characters: {max(timings.wall):.1f} ms at most")


if __name__ == "__main__":
    main()
