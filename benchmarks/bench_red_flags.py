"""Red-flag recall and false alarms on a set nobody tuning the detector has read.

benchmarks/sets/red_flags_unseen.jsonl was written by a helper apart from the detector and from every
other set, and scored only by this script, which prints numbers and categories, never texts. Keep it
that way: read it and it is no longer an estimate of how the bot does on messages it has never seen
(the tests/nlu/red_flags_*.jsonl sets are the ones to read and tune on).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_red_flags.py [FILE]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from bot.nlu import Matcher
from content.loader import default_content

SET = Path(__file__).parent / "sets" / "red_flags_unseen.jsonl"


def main(path: Path) -> None:
    matcher = Matcher(default_content())
    cases = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    missed: Counter[str] = Counter()
    false: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for case in cases:
        flagged = matcher.understand(case["text"]).red_flag is not None
        totals[case["cat"]] += 1
        if case["expect"] == "red" and not flagged:
            missed[case["cat"]] += 1
        if case["expect"] == "not-red" and flagged:
            false[case["cat"]] += 1
    red = sum(1 for c in cases if c["expect"] == "red")
    calm = len(cases) - red
    caught = red - sum(missed.values())
    print(f"{path.name}: recall {caught}/{red} = {caught / red:.1%}; false red flags {sum(false.values())}/{calm}")
    for label, counts in (("missed", missed), ("false alarms", false)):
        if counts:
            print(f"  {label}: " + ", ".join(f"{cat} {n}/{totals[cat]}" for cat, n in sorted(counts.items())))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SET)
