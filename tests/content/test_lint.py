"""Content lint: clean on the shipped content, and it finds planted problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from content.lint import check
from content.loader import default_content, load_content
from tests.content.conftest import CONTENT_DIR, edit


def test_real_content_is_clean() -> None:
    assert check(default_content()) == []


def test_choice_ids_fit_telegram() -> None:
    ok = ["sym:bloating", "x" * 64]
    assert check(default_content(), ok) == []
    problems = check(default_content(), ["", "é" * 33])
    assert problems == ["choice id '': 0 bytes (must be 1-64)", f"choice id {'é' * 33!r}: 66 bytes (must be 1-64)"]


@pytest.mark.parametrize(
    ("file", "old", "new", "problem"),
    [
        (
            "symptoms.toml",
            'points = ["ST44", "SP4"',
            'points = ["XX9", "SP4"',
            "symptoms.toml: bloating: unknown point XX9",
        ),
        (
            "symptoms.toml",
            'points = ["KI1", "ST36", "KI3", "SP3"]',
            'points = ["KD1", "ST36", "KI3", "SP3"]',
            "symptoms.toml: fatigue: unknown point KD1 (write KI1, the WHO code)",
        ),
        (
            "symptoms.toml",
            'zones = ["arch", "ball"]',
            'zones = ["sole", "ball"]',
            "symptoms.toml: bloating: unknown zone sole",
        ),
        (
            "symptoms.toml",
            'points = ["GB34"]\nzones = ["outer-edge"]',
            "points = []\nzones = []",
            "symptoms.toml: numbness: needs at least one point or zone",
        ),
        ("symptoms.toml", '"KI6"', '"LR1"', "points.toml: KI6: no symptom uses this point"),
        ("symptoms.toml", '"KI6"', '"SP1"', "symptoms.toml: constipation: points lists an item twice"),
        ("symptoms.toml", "[cold-limbs", "[Cold_Limbs", "symptoms.toml: Cold_Limbs: id must be kebab-case"),
        (
            "symptoms.toml",
            '"gassy", "gas",',
            '"gassy", "Cold Feet!",',
            "symptoms.toml: cold-limbs: phrase 'cold feet' also",
        ),
        (
            "symptoms.toml",
            '"gassy", "gas",',
            '"gassy", "chest pain",',
            "safety.toml: chest-pain: phrase 'chest pain' is also",
        ),
        (
            "points.toml",
            'aliases = ["KD3", "Taixi"]',
            'aliases = ["KD3", "Yongquan"]',
            "points.toml: KI3: code or alias Yongquan is also used by KI1",
        ),
        ("zones.toml", "[heel", "[heels", "zones.toml: heels: unknown zone id"),
        ("zones.toml", "[heel", "[heels", "zones.toml: heel: zone is missing"),
        ("zones.toml", "[heel", "[heels", "symptoms.toml: back-pain: unknown zone heel"),
        ("intents.toml", "[snooze.text.en]", "[later.text.en]", "intents.toml: snooze: the engine needs this intent"),
        ("faq.toml", "[pregnancy", "[Pregnancy", "faq.toml: Pregnancy: id must be kebab-case"),
        (
            "intents.toml",
            "[help.text.en]",
            '[help.text.ar]\nphrases = ["مساعدة"]\n\n[help.text.en]',
            "symptoms.toml: bloating: no text in language 'ar'",
        ),
    ],
)
def test_planted_problems(content_copy: Path, file: str, old: str, new: str, problem: str) -> None:
    edit(content_copy / file, old, new, -1)
    problems = check(load_content(content_copy))
    assert any(problem in line for line in problems), problems


def test_clean_copy_is_clean(content_copy: Path) -> None:
    shutil.copytree(CONTENT_DIR / "text", content_copy / "text")
    assert check(load_content(content_copy)) == []


def test_points_need_sources(content_copy: Path) -> None:
    path = content_copy / "points.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("sources = [", text.index("[SP1]"))
    end = text.index("]", start) + 1
    path.write_text(text[:start] + "sources = []" + text[end:], encoding="utf-8")
    assert "points.toml: SP1: sources must not be empty" in check(load_content(content_copy))


def test_messages_in_every_locale(content_copy: Path) -> None:
    (content_copy / "messages" / "en.toml").write_text('hello = "Hi {name}"\nbye = "Bye"\n', encoding="utf-8")
    arabic = 'reviewed = false\nhello = "مرحبا {nom}"\nextra = "x"\n'
    (content_copy / "messages" / "ar.toml").write_text(arabic, encoding="utf-8")
    problems = check(load_content(content_copy))
    assert "messages/ar.toml: bye: missing (present in messages/en.toml)" in problems
    assert "messages/ar.toml: hello: {fields} differ from messages/en.toml" in problems
    assert "messages/ar.toml: extra: not in messages/en.toml" in problems


def test_a_partial_messages_file_says_so(content_copy: Path) -> None:
    (content_copy / "messages" / "en.toml").write_text('hello = "Hi {name}"\nbye = "Bye"\n', encoding="utf-8")
    tagalog = 'reviewed = false\ncomplete = false\nhello = "Kumusta {name}"\n'
    (content_copy / "messages" / "tl.toml").write_text(tagalog, encoding="utf-8")
    content = load_content(content_copy)
    assert not [p for p in check(content) if p.startswith("messages/tl.toml")]
    assert content.message("tl", "bye") == "Bye" and content.message("tl", "hello", name="A") == "Kumusta A"
