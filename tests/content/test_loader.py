"""The loader on the real files, and its errors on broken copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import content.loader as loader
from content import disk_cache
from content.loader import ContentError, default_content, load_content
from content.model import Pregnancy, Region
from tests.content.conftest import edit


def test_real_content_loads() -> None:
    content = load_content()
    assert content.languages[0] == "en"
    assert len(content.points) >= 15
    assert set(content.zones) == {"toes", "ball", "arch", "heel", "inner-edge", "outer-edge"}
    assert len(content.symptoms) >= 15
    emergencies = [flag for flag in content.red_flags if flag.severity == "emergency"]
    assert {flag.kind for flag in emergencies} == {"emergency", "self-harm", "dvt", "diabetic-foot", "pregnancy"}
    assert {flag.severity for flag in content.red_flags} == {"emergency", "urgent", "not-self-care"}
    assert all(flag.sources for flag in content.red_flags)
    assert default_content() is default_content()


def test_article_points_corrected() -> None:
    content = default_content()
    ki1 = content.point("KD1")
    assert ki1 is not None and ki1.code == "KI1"
    duyin = content.points["EX-LE11"]
    assert duyin.pregnancy is Pregnancy.FORBIDDEN and "second toe" in duyin.text["en"].location
    assert "LR1" in content.points and content.points["LR1"].text["en"].name.startswith("Dadun")
    assert "top of the foot" in content.points["ST44"].text["en"].location
    sp1 = content.points["SP1"].technique
    assert (sp1.press_seconds, sp1.rest_seconds, sp1.reps, sp1.rounds, sp1.round_rest_seconds) == (1, 0, 10, 3, 5)
    bl67 = content.points["BL67"].technique
    assert (bl67.tool, bl67.press_seconds, bl67.rest_seconds) == ("knuckle", 5, 2)
    assert content.points["ST36"].region is Region.LEG


@pytest.mark.parametrize(
    ("code", "pregnancy"),
    [
        ("SP6", "forbidden"),
        ("BL60", "forbidden"),
        ("BL67", "forbidden"),
        ("EX-LE11", "forbidden"),
        ("KI1", "caution"),
        ("KI6", "caution"),
        ("SP4", "caution"),
        ("BL62", "caution"),
        ("GB41", "caution"),
        ("LR3", "caution"),
        ("ST36", "caution"),
        ("KI3", "none"),
        ("SP1", "none"),
    ],
)
def test_pregnancy_levels(code: str, pregnancy: str) -> None:
    assert default_content().points[code].pregnancy.value == pregnancy


def test_faq_and_intents() -> None:
    content = default_content()
    assert "no convincing evidence" in content.faqs["does-it-work"].answer["en"]
    assert all(faq.sources for faq in content.faqs.values())
    assert "greeting" in content.intents and "salam" in content.intents["greeting"].phrases["en"]


def test_messages_folder_may_be_missing(content_copy: Path) -> None:
    for path in (content_copy / "messages").glob("*.toml"):
        path.unlink()
    (content_copy / "messages").rmdir()
    assert load_content(content_copy).messages == {}


def test_extra_language_is_listed(content_copy: Path) -> None:
    edit(content_copy / "intents.toml", "[help.text.en]", '[help.text.de]\nphrases = ["hilfe"]\n\n[help.text.en]')
    assert "de" in load_content(content_copy).languages


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("points.toml", 'region = "foot"', 'region = "hand"', "points.toml: KI1.region: 'hand' is not one of"),
        ("points.toml", 'pregnancy = "caution"', 'pregnancy = "maybe"', "points.toml: KI1.pregnancy:"),
        ("points.toml", "bilateral = true", 'bilateral = "yes"', "points.toml: KI1.bilateral: expected true or false"),
        ("points.toml", "press_seconds = 30", "press_seconds = 0", "KI1.technique.press_seconds: must be at least 1"),
        ("points.toml", "reps = 3", "reps = -3", "KI1.technique.reps: must be at least 1"),
        ("points.toml", "reps = 3", "reps = 2.5", "KI1.technique.reps: expected an integer"),
        ("points.toml", 'tool = "thumb-circles"', 'tool = "elbow"', "KI1.technique.tool: 'elbow' is not one of"),
        ("points.toml", 'name = "Yongquan (Bubbling Spring)"', 'name = "  "', "KI1.text.en.name: must not be empty"),
        ("points.toml", 'name = "Yongquan (Bubbling Spring)"', 'nme = "x"', "KI1.text.en.nme: unknown key"),
        ("points.toml", "[KI1.text.en]", "[KI1.text.english]", "KI1.text.english: not a language code"),
        ("zones.toml", 'body_areas = "head, brain', 'body_area = "head, brain', "zones.toml: toes.text.en.body_area"),
        (
            "symptoms.toml",
            'label = "bloating"',
            "label = 3",
            "symptoms.toml: bloating.text.en.label: expected a string",
        ),
        ("symptoms.toml", '"bloating", "bloated",', '"bloating", 7,', "bloating.text.en.phrases: item 2 must be"),
        ("safety.toml", 'kind = "dvt"', 'kind = "urgent"', "safety.toml: dvt.kind: 'urgent' is not one of"),
        ("faq.toml", 'answer = "A good time', 'answer = ""\n# "', "faq.toml: best-time.text.en.answer: must not be"),
        ("intents.toml", "[help.text.en]", "[help.txt.en]", "intents.toml: help.txt: unknown key"),
        ("points.toml", "[KI1]", "[KI1]\n[KI1]", "points.toml: not valid TOML"),
    ],
)
def test_broken_copies(content_copy: Path, file: str, old: str, new: str, message: str) -> None:
    edit(content_copy / file, old, new)
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    assert message in str(caught.value)


def test_missing_file(content_copy: Path) -> None:
    (content_copy / "faq.toml").unlink()
    with pytest.raises(ContentError, match=r"^faq\.toml: file is missing$"):
        load_content(content_copy)


def test_message_must_be_text(content_copy: Path) -> None:
    (content_copy / "messages" / "de.toml").write_text("reviewed = false\nwelcome = 3\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"messages/de\.toml: welcome: expected a string"):
        load_content(content_copy)


def test_the_shipped_content_comes_from_its_cache_as_it_was_built(tmp_path: Path) -> None:
    """default_content() is loaded from the cache of built content: the same as reading the files."""
    folder = Path(loader.__file__).resolve().parent
    saved = disk_cache.folder() / f"content-{loader.source_fingerprint(folder)}.pickle"
    assert default_content() == load_content()
    assert saved.exists() and saved.stat().st_mode & 0o077 == 0


def test_any_changed_content_file_makes_another_cache_name(tmp_path: Path) -> None:
    copy = tmp_path / "content"
    shutil.copytree(Path(loader.__file__).resolve().parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = loader.source_fingerprint(copy)
    assert loader.source_fingerprint(copy) == before
    edit(copy / "text" / "ru" / "symptoms.toml", "[", "[ ")
    assert loader.source_fingerprint(copy) != before
