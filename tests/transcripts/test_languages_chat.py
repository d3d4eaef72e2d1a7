"""The whole conversation in Arabic or Russian when the person writes so, without being asked; crises
answered in their language with 998 and 800 4673 (`reflexbot chat --jsonl`, a real process)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.engine.bidi import LRI, PDI
from tests.transcripts.test_transcripts import by_input, run_chat

ARABIC = re.compile(r"[\u0600-\u06ff]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@pytest.mark.slow
def test_an_arabic_conversation(tmp_path: Path) -> None:
    groups = by_input(run_chat(["عندي انتفاخ", "1"], tmp_path / "ar.sqlite3"))
    first = groups[0]
    assert all(ARABIC.search(m["text"]) for m in first)
    assert all(ARABIC.search(c["label"]) for m in first for c in m["choices"] if not c["label"][:1].isdigit())
    assert any(f"{LRI}998{PDI}" in m["text"] for m in first)  # the number reads left to right in Arabic
    assert all(ARABIC.search(m["text"]) for m in groups[1])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "script"),
    [("أفكر في الانتحار", ARABIC), ("я думаю о самоубийстве", CYRILLIC), ("ana abi amoot", ARABIC)],
)
def test_a_crisis_in_arabic_russian_or_arabizi(tmp_path: Path, text: str, script: re.Pattern[str]) -> None:
    replies = by_input(run_chat([text], tmp_path / "c.sqlite3"))[0]
    crisis = replies[-1]["text"]
    assert script.search(crisis) and "998" in crisis and "800 4673" in crisis


@pytest.mark.slow
def test_a_russian_conversation_and_switching_back(tmp_path: Path) -> None:
    groups = by_input(run_chat(["у меня болит голова", "English please", "I feel bloated"], tmp_path / "r.sqlite3"))
    assert all(CYRILLIC.search(m["text"]) for m in groups[0])
    assert not CYRILLIC.search(groups[1][-1]["text"]) and not CYRILLIC.search(groups[2][-1]["text"])
