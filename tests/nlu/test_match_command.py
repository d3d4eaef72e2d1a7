"""`reflexbot match`: the contract's JSON object, one per text or per stdin line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from bot.match_command import run_match
from bot.nlu import Matcher
from bot.nlu.report import match_report

KEYS = ["text", "lang", "red_flag", "severity", "symptoms", "negated", "points", "zones"]


def test_report_shape(matcher: Matcher) -> None:
    report = match_report(matcher.understand("I feel bloated"), "I feel bloated")
    assert list(report) == KEYS
    assert report["text"] == "I feel bloated"
    assert report["symptoms"] == [{"id": "bloating", "score": 100.0}]
    assert report["red_flag"] is None
    assert report["points"][:2] == ["ST44", "SP4"]  # type: ignore[index]


def test_single_text() -> None:
    out = io.StringIO()
    assert run_match("chest pain", None, io.StringIO(), out) == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["red_flag"] == "chest-pain"
    assert json.loads(lines[0])["severity"] == "emergency"


def test_stdin_lines_keep_order_and_blanks() -> None:
    texts = ["I feel bloated", "", "hi", "no headache, just tired", "👍 ça va?"]
    out = io.StringIO()
    assert run_match("-", "en", io.StringIO("\n".join(texts) + "\n"), out) == 0
    reports = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["text"] for r in reports] == texts
    assert reports[1] == {
        "text": "",
        "lang": "en",
        "red_flag": None,
        "severity": None,
        "symptoms": [],
        "negated": [],
        "points": [],
        "zones": [],
    }
    assert reports[3]["negated"] == ["headache"]
    assert "👍" in out.getvalue()  # ensure_ascii=False


def test_lone_surrogate_is_safe_json() -> None:
    out = io.StringIO()
    run_match("x\ud800y", None, io.StringIO(), out)
    out.getvalue().encode("utf-8")


def test_a_reader_that_stops_reading_ends_it_quietly() -> None:
    """`reflexbot match - | head -1`: once the reader has gone, the process ends without a traceback."""
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "match", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).parents[2],
    ) as child:
        assert child.stdin is not None and child.stdout is not None and child.stderr is not None
        child.stdin.write(b"chest pain\n")
        child.stdin.flush()
        assert json.loads(child.stdout.readline())["red_flag"] == "chest-pain"
        child.stdout.close()  # the reader goes away
        child.stdin.write(b"I feel bloated\ncant sleep\n")
        child.stdin.close()
        errors = child.stderr.read().decode()
        assert child.wait(timeout=60) == 0
    assert "Traceback" not in errors and "BrokenPipeError" not in errors, errors
