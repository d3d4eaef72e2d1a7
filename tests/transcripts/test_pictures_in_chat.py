"""`reflexbot chat --jsonl` gives each picture as the path of a PNG on disk (the contract's "image")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from tests.transcripts.test_transcripts import run_chat


@pytest.mark.slow
def test_the_offer_and_each_foot_come_with_a_png_on_disk(tmp_path: Path) -> None:
    script = ["I feel bloated", json.dumps({"choice": "start:ST44"})]
    script += [json.dumps({"text": t}) for t in ("none", "no", "no", "no", "no", "no")]
    script += ["ready", json.dumps({"wait": 600}), "where is it"]
    messages = [m for m in run_chat(script, tmp_path / "p.sqlite3") if not m.get("idle")]
    images = [(m["text"], m["image"]) for m in messages if m["image"] is not None]
    assert len(images) >= 4, [m["text"][:40] for m in messages]
    offer, left, right, asked = images[0], images[1], images[2], images[-1]
    assert "bloating" in offer[0] and "Left foot" in left[0] and "right foot" in right[0]
    assert left[1] != right[1] and asked[1] == right[1], "'where is it' shows the foot being worked on"
    for _, path in images:
        with Image.open(path) as picture:
            assert (picture.format, picture.size) == ("PNG", (800, 800))
    texts_without = [m for m in messages if m["image"] is None]
    assert texts_without, "plain replies keep image: null"
