"""Every point and zone has a place on a foot map: the loader refuses one without, on an unknown view, off
the box, or off the foot, naming the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.loader import ContentError, load_content
from tests.content.conftest import edit

KI1_PLACE = '[KI1.place]\nview = "sole"\nat = [515, 528]\n'


def test_shipped_places_load(content_copy: Path) -> None:
    content = load_content(content_copy)
    assert content.points["KI1"].place.view == "sole" and content.points["KI1"].place.at == (515.0, 528.0)
    assert len(content.zones["arch"].place.area) >= 3


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("", r"points\.toml: KI1\.place: missing"),
        ('[KI1.place]\nview = "palm"\nat = [515, 528]\n', r"points\.toml: KI1\.place\.view: 'palm' is not one of"),
        ('[KI1.place]\nview = "sole"\nat = [515, 1200]\n', r"points\.toml: KI1\.place\.at: .*outside the view's box"),
        ('[KI1.place]\nview = "sole"\nat = [-1, 528]\n', r"points\.toml: KI1\.place\.at: .*outside the view's box"),
        ('[KI1.place]\nview = "sole"\nat = [100, 100]\n', r"points\.toml: KI1\.place\.at: .*outside the foot"),
        ('[KI1.place]\nview = "sole"\nat = [515]\n', r"points\.toml: KI1\.place\.at: expected \[x, y\]"),
        ('[KI1.place]\nview = "sole"\n', r"points\.toml: KI1\.place\.at: missing"),
        ('[KI1.place]\nview = "sole"\nat = [515, 528]\narea = [[1, 2]]\n', r"KI1\.place\.area: unknown key"),
    ],
)
def test_bad_point_place(content_copy: Path, new: str, message: str) -> None:
    edit(content_copy / "points.toml", KI1_PLACE, new)
    with pytest.raises(ContentError, match=message):
        load_content(content_copy)


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("area = [[400, 600], [600, 600]]", r"zones\.toml: arch\.place\.area: expected a list of at least 3"),
        ("area = [[10, 10], [90, 10], [50, 90]]", r"zones\.toml: arch\.place\.area: the area's centre is outside"),
        ("area = [[400, 600], [600, 600], [500, 1001]]", r"zones\.toml: arch\.place\.area: corner 3: .*box"),
    ],
)
def test_bad_zone_place(content_copy: Path, new: str, message: str) -> None:
    path = content_copy / "zones.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[arch.place]")
    line = text.index("area = ", start)
    end = text.index("\n", line)
    path.write_text(text[:line] + new + text[end:], encoding="utf-8")
    with pytest.raises(ContentError, match=message):
        load_content(content_copy)


def test_broken_views_file(content_copy: Path) -> None:
    edit(content_copy / "views.toml", '\nkind = "pad"', '\nkind = "blob"')
    with pytest.raises(ContentError, match=r"views\.toml: sole\.mark\[0\]\.kind: 'blob' is not one of"):
        load_content(content_copy)
    (content_copy / "views.toml").unlink()
    with pytest.raises(ContentError, match=r"views\.toml: file is missing"):
        load_content(content_copy)
