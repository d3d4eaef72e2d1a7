"""Whole conversations through `reflexbot chat --jsonl`, kept as data beside this file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
TRANSCRIPTS = sorted(HERE.glob("*.json"))


def run_chat(lines: list[str], db: Path, *args: str) -> list[dict[str, Any]]:
    """Run the scripted chat as a real process; returns its output objects."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--jsonl", "--db", str(db), *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def by_input(outputs: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Group bot messages by the input line that led to them (each group ends with an idle marker)."""
    groups: list[list[dict[str, Any]]] = [[]]
    for obj in outputs:
        if obj.get("idle"):
            groups.append([])
        else:
            groups[-1].append(obj)
    return groups[:-1]


@pytest.mark.slow
@pytest.mark.parametrize("path", TRANSCRIPTS, ids=lambda p: p.stem)
def test_transcript(path: Path, tmp_path: Path) -> None:
    script = json.loads(path.read_text(encoding="utf-8"))
    steps = script["steps"]
    lines = [s["in"] if isinstance(s["in"], str) else json.dumps(s["in"]) for s in steps]
    groups = by_input(run_chat(lines, tmp_path / "t.sqlite3", *script.get("args", [])))
    assert len(groups) == len(steps), "one idle marker after every input line, blank ones too"
    for number, (step, messages) in enumerate(zip(steps, groups, strict=True), start=1):
        check(step["expect"], messages, f"{path.stem} step {number} ({step['in']!r})")


def check(expect: dict[str, Any], messages: list[dict[str, Any]], where: str) -> None:
    """Hold a group of bot messages to a step's expectations."""
    text = "\n".join(m["text"] for m in messages)
    for needle in expect.get("contains", []):
        assert needle in text, f"{where}: {needle!r} not in {text!r}"
    if "choice" in expect:  # an id, or the name of a session button (its id adds session and step)
        ids = [c["id"] for m in messages for c in m["choices"]]
        wanted = expect["choice"]
        assert any(i == wanted or i.startswith(wanted + ":") for i in ids), f"{where}: {wanted} not in {ids}"
    if "texts" in expect:
        assert [m["text"] for m in messages] == expect["texts"], where
    if "texts_count" in expect:
        assert len(messages) == expect["texts_count"], f"{where}: {[m['text'] for m in messages]}"
    if "t_each" in expect:
        assert [m["t"] for m in messages] == expect["t_each"], where
    if expect.get("no_choices"):
        assert all(not m["choices"] for m in messages), where
    for m in messages:
        assert set(m) == {"t", "at", "text", "choices", "image"}, where
