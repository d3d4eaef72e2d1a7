"""The console channel: parsing input lines, rendering replies, and the real-time chat process."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.channels.console.parse import MAX_WAIT, Wait, parse_jsonl, parse_typed
from bot.channels.console.render import reply_object
from bot.engine import Choice, ChoicePicked, Reply, TextReceived


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("I feel bloated\n", TextReceived("I feel bloated")),
        ('{"text": "hi"}', TextReceived("hi")),
        ('{"choice": "start:KI1"}', ChoicePicked("start:KI1")),
        ('{"wait": 12.5}', Wait(12.5)),
        ('{"wait": -3}', Wait(0.0)),
        ('{"wait": "soon"}', Wait(0.0)),
        ('{"wait": 1e308}', Wait(MAX_WAIT)),
        ('{"wait": "inf"}', Wait(MAX_WAIT)),
        ('{"wait": NaN}', Wait(0.0)),
        ('{"text": null}', TextReceived("")),
        ('{"broken json', TextReceived('{"broken json')),
        ("   \n", None),
    ],
)
def test_parse_jsonl(line: str, expected: object) -> None:
    assert parse_jsonl(line) == expected


def test_typed_number_picks_shown_button() -> None:
    shown = (Choice("a", "A"), Choice("b", "B"))
    assert parse_typed("2\n", shown) == ChoicePicked("b")
    assert parse_typed("3\n", shown) == TextReceived("3")
    assert parse_typed("²\n", shown) == TextReceived("²")


def test_reply_object_has_the_contract_fields() -> None:
    start = datetime(2026, 11, 21, 16, 0, tzinfo=UTC)
    now = datetime(2026, 11, 21, 16, 0, 12, tzinfo=UTC)
    obj = reply_object(Reply("x", (Choice("start", "Start"),)), now, start, ZoneInfo("Asia/Dubai"))
    assert obj == {
        "t": 12.0,
        "at": "2026-11-21T20:00:12+04:00",
        "text": "x",
        "choices": [{"id": "start", "label": "Start"}],
        "image": None,
    }


@pytest.mark.slow
def test_interactive_chat_runs_and_quits(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", str(tmp_path / "i.sqlite3")],
        input="cant sleep\n1\nquit\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "not a cure" in done.stdout and "safety questions" in done.stdout
    assert "Traceback" not in done.stderr
