"""How robust reading is to one slip of the thumb: every English message of the test sets with one word of
five or more letters mistyped (a letter left out, twice as often as two letters swapped, a letter doubled
or a vowel typed wrong), three seeds each.

    .venv/bin/python benchmarks/bench_typos.py [--seeds 3] [--show]

Reports the emergencies still caught and the calm messages (look-alikes and symptoms) read as emergencies.
A typo may turn a word into another real word ("tired" -> "tied"): no reader gets all of them back.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from bot.assembly import build_knowledge
from bot.config import REPO_CONFIG, load_settings

SETS = Path(__file__).resolve().parent.parent / "tests" / "nlu"


def messages() -> tuple[list[str], list[str]]:
    """The English emergencies and calm messages of the test sets (those marked xfail left out)."""
    red: list[str] = []
    calm: list[str] = []
    for path in sorted(SETS.glob("red_flags_*.jsonl")) + sorted(SETS.glob("symptoms_en_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line) if line.strip() else {}
            if not item or item.get("xfail") or item.get("lang", "en") != "en":
                continue
            expect = item.get("expect")
            if expect == "red":
                red.append(item["text"])
            elif expect == "not-red" or isinstance(expect, list):
                calm.append(item["text"])
    return red, calm


def mistyped(word: str, rnd: random.Random) -> str:
    """One slip inside a word (never its first or last letter)."""
    at = rnd.randrange(1, len(word) - 1)
    kind = rnd.choice(("drop", "drop", "swap", "double", "vowel"))
    if kind == "drop":
        return word[:at] + word[at + 1 :]
    if kind == "swap":
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if kind == "double":
        return word[:at] + word[at] + word[at:]
    if word[at] in "aeiou":
        return word[:at] + rnd.choice("aeiou".replace(word[at], "")) + word[at + 1 :]
    return word[:at] + word[at + 1 :]


def with_a_slip(text: str, rnd: random.Random) -> str | None:
    words = text.split()
    long = [i for i, word in enumerate(words) if len(word) >= 5 and word.isalpha()]
    if not long:
        return None
    at = rnd.choice(long)
    words[at] = mistyped(words[at], rnd)
    return " ".join(words)


def main(args: argparse.Namespace) -> None:
    matcher = build_knowledge(load_settings(str(REPO_CONFIG))).matcher
    red, calm = messages()
    caught = tried_red = alarms = tried_calm = 0
    for seed in range(1, args.seeds + 1):
        rnd = random.Random(seed)
        for text in red:
            slipped = with_a_slip(text, rnd)
            if slipped is None:
                continue
            tried_red += 1
            if matcher.understand(slipped).red_flag is not None:
                caught += 1
            elif args.show:
                print(f"missed   {slipped}")
        for text in calm:
            slipped = with_a_slip(text, rnd)
            if slipped is None:
                continue
            tried_calm += 1
            flag = matcher.understand(slipped).red_flag
            if flag is not None:
                alarms += 1
                if args.show:
                    print(f"alarm    {flag}: {slipped}")
    print(
        f"one slip per message, {args.seeds} seeds: emergencies caught {caught}/{tried_red} "
        f"({100 * caught / tried_red:.1f} %); calm read as emergency {alarms}/{tried_calm} "
        f"({100 * alarms / tried_calm:.1f} %)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--show", action="store_true")
    main(parser.parse_args())
