"""`reflexbot match - | head -1`, `reflexbot chat --jsonl | head -1`: once the reader of the output has gone,
the process ends quietly (exit code 0, no BrokenPipeError traceback), as command-line tools do."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.mark.parametrize("command", ["match", "chat"])
def test_a_reader_that_stops_reading_ends_it_quietly(command: str, tmp_path: Path) -> None:
    arguments = ["match", "-"] if command == "match" else ["chat", "--jsonl", "--db", str(tmp_path / "chat.db")]
    with subprocess.Popen(
        [sys.executable, "-m", "bot", *arguments],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    ) as child:
        assert child.stdin is not None and child.stdout is not None and child.stderr is not None
        child.stdin.write(b"chest pain\n")
        child.stdin.flush()
        first = json.loads(child.stdout.readline())  # one answer arrives
        assert first.get("red_flag") == "chest-pain" or "998" in first.get("text", "")
        child.stdout.close()  # the reader goes away
        child.stdin.write(b"I feel bloated\ncant sleep\nhello\n")
        child.stdin.close()
        errors = child.stderr.read().decode()
        assert child.wait(timeout=60) == 0
    assert "Traceback" not in errors and "BrokenPipeError" not in errors, errors
