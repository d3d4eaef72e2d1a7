"""A writable copy of the shipped content files, for planting problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """content/*.toml, content/messages/*.toml and content/languages/*.toml copied into a temporary folder
    (not the translations in text/: a test that plants a problem in English need not mend them)."""
    for path in CONTENT_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    for folder in ("messages", "languages"):
        (tmp_path / folder).mkdir()
        for path in (CONTENT_DIR / folder).glob("*.toml"):
            shutil.copy(path, tmp_path / folder / path.name)
    return tmp_path


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace `old` in a file (the first `count` times; -1: all), failing loudly when it is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
