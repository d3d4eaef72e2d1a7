"""The console channel: parsing input lines, rendering replies, and the real-time chat process."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.channels.console.app import run_interactive
from bot.channels.console.parse import MAX_WAIT, Wait, parse_jsonl, parse_typed
from bot.channels.console.render import choice_lines, reply_lines, reply_object
from bot.config import REPO_CONFIG, load_settings
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


NOW = datetime(2026, 11, 21, 16, 0, 12, tzinfo=UTC)
DUBAI = ZoneInfo("Asia/Dubai")
SESSION = (Choice("s:pause", "Pause"), Choice("s:painful", "Too painful"), Choice("s:stop", "Stop"))


def test_reply_lines_wrap_to_the_width_and_keep_blank_lines() -> None:
    text = "word " * 30 + "\n\n• KI1 Yongquan " + "long " * 12 + "\nhttps://maps.app.goo.gl/a-very-long-link-indeed"
    lines = reply_lines(Reply(text.strip()), NOW, DUBAI, width=40).split("\n")
    assert lines[0].startswith("[20:00:12] bot: word")
    assert all(len(line) <= 40 for line in lines if "https://" not in line)
    blank = lines.index("")
    assert lines[blank + 1] == "      • KI1 Yongquan long long long long"
    assert lines[blank + 2].startswith("        long")  # under the bullet's text
    assert lines[-1] == "      https://maps.app.goo.gl/a-very-long-link-indeed"  # a link is never broken


def test_buttons_fill_lines_up_to_the_width() -> None:
    shown = reply_lines(Reply("Go", SESSION), NOW, DUBAI, width=40).split("\n")
    assert shown == ["[20:00:12] bot: Go", "      [1] Pause  [2] Too painful", "      [3] Stop"]
    assert reply_lines(Reply("Go", SESSION), NOW, DUBAI, width=80).split("\n")[1:] == [
        "      [1] Pause  [2] Too painful  [3] Stop"
    ]


def test_a_button_longer_than_the_width_wraps_at_words() -> None:
    label = "Start SP4 Gongsun (Grandfather Grandson)"
    lines = choice_lines((Choice("a", "Start"), Choice("b", label), Choice("c", "Clinic")), 40)
    assert all(len(line) <= 40 for line in lines), lines
    assert "Grandson)" in " ".join(lines) and not any(line.endswith("Grand") for line in lines)


def test_the_same_buttons_as_the_previous_message_are_listed_once() -> None:
    again = reply_lines(Reply("Press 2 of 12", SESSION), NOW, DUBAI, previous=SESSION)
    assert again == "[20:00:12] bot: Press 2 of 12\n      (same buttons: 1-3)"
    other = (Choice("x", "Pause"), Choice("y", "Stop"))
    assert "[1] Pause  [2] Stop" in reply_lines(Reply("Rest", other), NOW, DUBAI, previous=SESSION)
    assert "[1] Pause" in reply_lines(Reply("Rest", SESSION), NOW, DUBAI, previous=())


async def test_the_interactive_chat_wraps_and_does_not_repeat_buttons(tmp_path: Path) -> None:
    settings = load_settings(str(REPO_CONFIG), db=str(tmp_path / "c.sqlite3"), environ={})
    typed = io.StringIO("cant sleep\n1\nnone\nno\nno\nquit\n")
    shown = io.StringIO()
    assert await run_interactive(settings, "me", typed, shown, width=lambda: 50) == 0
    lines = shown.getvalue().split("\n")
    paths = [line for line in lines if line.strip().startswith("/")]  # a picture's file: never broken
    assert paths and all(line.strip().endswith(".png") for line in paths)
    assert all(len(line) <= 50 for line in lines if "://" not in line and line not in paths), [
        x for x in lines if len(x) > 50
    ]
    assert "" in lines[2:]  # paragraphs stay apart
    # "Are you pregnant?" shows the same Yes / No as the blood pressure question just before it.
    assert "      (same buttons: 1-2)" in lines
    assert sum(line.strip() == "[1] Yes  [2] No" for line in lines) == 1


@pytest.mark.slow
def test_interactive_chat_logs_to_a_file_never_into_the_chat(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFLEXBOT_")}
    for named in (True, False):
        log = tmp_path / "named.log" if named else tmp_path / "state" / "reflexbot" / "log" / "chat.log"
        extra = {"REFLEXBOT_LOG_FILE": str(log)} if named else {"XDG_STATE_HOME": str(tmp_path / "state")}
        done = subprocess.run(
            [sys.executable, "-m", "bot", "chat", "--db", str(tmp_path / "l.sqlite3")],
            input="cant sleep\nquit\n",
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={**env, **extra, "REFLEXBOT_LOG_LEVEL": "INFO"},
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert "reflexbot.runtime" in log.read_text(encoding="utf-8")
        assert "reflexbot.runtime" not in done.stdout and "INFO" not in done.stdout and done.stderr == ""


def test_a_data_file_is_shown_as_a_file_and_a_calendar_as_a_calendar() -> None:
    now = datetime(2026, 11, 21, 16, 0, tzinfo=UTC)
    tz = ZoneInfo("Asia/Dubai")
    data = reply_lines(Reply("x"), now, tz, document=Path("/cache/my-data/reflexbot-my-data-2026-11-21.json"))
    assert data.splitlines()[-1].strip() == "file: /cache/my-data/reflexbot-my-data-2026-11-21.json"
    ics = reply_lines(Reply("x"), now, tz, document=Path("/cache/calendar/appointment-RB-1-1.ics"))
    assert ics.splitlines()[-1].strip() == "calendar file: /cache/calendar/appointment-RB-1-1.ics"
