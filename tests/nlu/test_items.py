"""Points and zones asked for by name, alias or code; symptoms that only mention a body part are not lookups."""

from __future__ import annotations

import dataclasses

import pytest

from bot.nlu.items import ItemIndex, find_items
from bot.nlu.normalise import normalise
from content.model import Content


@pytest.fixture(scope="module")
def index(content: Content) -> ItemIndex:
    """The item index over the shipped content."""
    return ItemIndex(content)


def find(index: ItemIndex, text: str) -> tuple[str, ...]:
    return index.find(normalise(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # codes, in every spelling people type them
        ("KI1", ("KI1",)),
        ("KD1", ("KI1",)),
        ("kd 1", ("KI1",)),
        ("ki-1", ("KI1",)),
        ("show me ST44", ("ST44",)),
        ("st 44", ("ST44",)),
        ("st-44", ("ST44",)),
        ("St44 please", ("ST44",)),
        ("LR3", ("LR3",)),
        ("lv3", ("LR3",)),
        ("LV 3", ("LR3",)),
        ("sp6", ("SP6",)),
        ("SP-6?", ("SP6",)),
        ("EX-LE11", ("EX-LE11",)),
        ("ex le 11", ("EX-LE11",)),
        ("exle11", ("EX-LE11",)),
        ("GB 41", ("GB41",)),
        ("kd3", ("KI3",)),
        ("KI6", ("KI6",)),
        ("where is BL60", ("BL60",)),
        # names and aliases, pinyin joined or spaced, and the English translations
        ("yongquan", ("KI1",)),
        ("yong quan", ("KI1",)),
        ("Yong-Quan", ("KI1",)),
        ("bubbling spring", ("KI1",)),
        ("where is the bubbling spring point?", ("KI1",)),
        ("taichong", ("LR3",)),
        ("tai chong", ("LR3",)),
        ("san yin jiao", ("SP6",)),
        ("sanyinjiao", ("SP6",)),
        ("zusanli", ("ST36",)),
        ("zu san li", ("ST36",)),
        ("leg three miles", ("ST36",)),
        ("Li Neiting", ("ST44",)),
        ("neiting", ("ST44",)),
        ("duyin", ("EX-LE11",)),
        ("du yin", ("EX-LE11",)),
        ("dadun", ("LR1",)),
        ("kunlun", ("BL60",)),
        ("taixi", ("KI3",)),
        ("how do I find gongsun", ("SP4",)),
        # close spellings of pinyin names
        ("yongqan", ("KI1",)),
        ("yongquen", ("KI1",)),
        ("taichung", ("LR3",)),
        ("sanyinjao", ("SP6",)),
        ("zusanly", ("ST36",)),
        # the article's "Duyin (LR1)": the name wins over the wrong code
        ("LR1 Duyin", ("EX-LE11",)),
        ("Duyin (LR1)", ("EX-LE11",)),
        ("duyin lr1", ("EX-LE11",)),
        ("LR1", ("LR1",)),
        ("LR1 Dadun", ("LR1",)),
        # zones, when asked for
        ("arch", ("zone:arch",)),
        ("the arch zone", ("zone:arch",)),
        ("heel zone", ("zone:heel",)),
        ("the heel please", ("zone:heel",)),
        ("toes", ("zone:toes",)),
        ("ball of the foot", ("zone:ball",)),
        ("show me the arch", ("zone:arch",)),
        ("where is the heel", ("zone:heel",)),
        ("where's the ball zone?", ("zone:ball",)),
        ("how do I find the inner edge", ("zone:inner-edge",)),
        ("the outer edge zone", ("zone:outer-edge",)),
        ("inner edge", ("zone:inner-edge",)),
        ("show me the toes zone for headaches", ("zone:toes",)),
        ("zone: heel", ("zone:heel",)),
        # several at once, in text order, without repeats
        ("SP6 and LR3", ("SP6", "LR3")),
        ("SP6 and LR3 taichong", ("SP6", "LR3")),
        ("KI1, yongquan and the arch zone", ("KI1", "zone:arch")),
        ("LR3 helped my headache", ("LR3",)),
    ],
)
def test_finds(index: ItemIndex, text: str, expected: tuple[str, ...]) -> None:
    assert find(index, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I feel bloated",
        "can't sleep",
        "headache",
        "my heel hurts",
        "heel area hurts",
        "my toes are cold",
        "pain in the ball of my foot",
        "my arch aches after running",
        "where is the heel pain coming from",
        "show me what to do for my heel pain",
        "I have cracked heels and sore toes",
        "during my period",
        "take a taxi",
        "I am 44",
        "at 3 pm",
        "young and tired",
        "what is reflexology",
        "",
        ",",
        "how often should I do it",
        "st",
        "44",
        "ki",
        "st 45",
    ],
)
def test_ignores(index: ItemIndex, text: str) -> None:
    assert find(index, text) == ()


def test_bare_article_code_falls_back_to_its_point_when_content_lacks_the_code(content: Content) -> None:
    without_lr1 = dataclasses.replace(content, points={k: v for k, v in content.points.items() if k != "LR1"})
    index = ItemIndex(without_lr1)
    assert find(index, "LR1") == ("EX-LE11",)
    assert find(index, "lv1") == ("EX-LE11",)
    assert find(index, "dadun") == ()


def test_every_point_is_found_by_code_alias_and_name(index: ItemIndex, content: Content) -> None:
    for code, point in content.points.items():
        assert find(index, code) == (code,), code
        for alias in point.aliases:
            assert find(index, alias) == (code,), alias
        assert find(index, point.text["en"].name) == (code,), point.text["en"].name


def test_every_zone_is_found_by_id_and_name(index: ItemIndex, content: Content) -> None:
    for zone_id, zone in content.zones.items():
        assert find(index, zone_id) == (f"zone:{zone_id}",), zone_id
        assert find(index, f"show me the {zone.text['en'].name}") == (f"zone:{zone_id}",), zone_id


def test_find_items_is_the_one_call_form(content: Content) -> None:
    assert find_items(content, normalise("show me ST44")) == ("ST44",)


def test_long_text_is_bounded(index: ItemIndex) -> None:
    assert find(index, "yongquan " + "word " * 1000) == ("KI1",)
