""" "My data" in `reflexbot chat --jsonl`: the summary's message carries a "document" key, the path of the
file written beside the pictures (readable by the user alone), and the file is what the person did."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.conftest import T0
from tests.transcripts.test_transcripts import by_input, run_chat


@pytest.mark.slow
def test_the_chat_reports_the_file_in_document(tmp_path: Path) -> None:
    lines = ["remind me at 10pm every night", "book", json.dumps({"choice": "branch:dhcc"}), "Tuesday evening"]
    lines += ["Sara", json.dumps({"choice": "contact-chat"}), json.dumps({"choice": "consent:yes"}), "my data"]
    out = run_chat(lines, tmp_path / "chat.sqlite3", "--user", "sara", "--start", T0.isoformat())
    *before, asked = by_input(out)
    assert all("document" not in m for group in before for m in group), "only a reply with a file has the key"
    (summary,) = asked
    assert summary["text"].startswith("Here is what I keep about you.") and "every night at 22:00" in summary["text"]
    assert "received, not handled yet" in summary["text"]
    path = Path(summary["document"])
    assert path.name == "reflexbot-my-data-2026-11-21.json" and path.parent.name == "my-data"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    file = json.loads(path.read_text(encoding="utf-8"))
    assert file["person"] == file["person"] | {"channel": "console", "address": "sara", "zone": "Asia/Dubai"}
    assert [r["time"] for r in file["reminders"]] == ["22:00"]
    (booking,) = file["booking_requests"]
    assert booking["name"] == "Sara" and booking["preferred_time"] == "Tuesday evening" and booking["status"] == "new"
    assert booking["ref"] in summary["text"]
