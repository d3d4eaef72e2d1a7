"""`reflexbot match`: the contract's JSON object, one per text or per stdin line."""

from __future__ import annotations

import io
import json

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
