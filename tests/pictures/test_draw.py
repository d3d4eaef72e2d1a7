"""The foot maps: every shipped place is drawn on its view, inside the foot; left mirrors right; the PNGs
are small, 800 x 800 and the same bytes every time."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageOps

from bot.pictures.draw import BLUE, SIZE, VERMILLION, marker_pixel, render, silhouette
from bot.pictures.views import centroid, inside, load_views
from content.loader import default_content
from content.model import Place

MAX_BYTES = 60_000
POINTS = ("KI1", "EX-LE11", "ST44", "BL67", "SP1", "KI3", "KI6", "LR1", "LR2", "LR3", "ST41", "SP3", "SP4", "GB41",
          "BL60", "BL62", "ST36", "SP6", "GB34")  # fmt: skip
ZONES = ("toes", "ball", "arch", "heel", "inner-edge", "outer-edge")


def _places() -> list[tuple[str, Place]]:
    content = default_content()
    return [(code, p.place) for code, p in content.points.items()] + [(z, s.place) for z, s in content.zones.items()]


def test_every_point_and_zone_has_a_place_on_a_view() -> None:
    content, views = default_content(), load_views()
    assert set(POINTS) <= set(content.points) and set(ZONES) == set(content.zones)
    for code in POINTS:
        place = content.points[code].place
        assert place.view in views and place.at is not None and not place.area, code
    for zone_id in ZONES:
        place = content.zones[zone_id].place
        assert place.view == "sole" and place.at is None and len(place.area) >= 3, zone_id


@pytest.mark.parametrize(("name", "place"), _places(), ids=lambda v: v if isinstance(v, str) else "")
def test_marker_is_inside_the_drawn_foot(name: str, place: Place) -> None:
    view = load_views()[place.view]
    anchor = place.at if place.at is not None else centroid(place.area)
    assert inside(view, *anchor), name
    for foot in ("right", "left"):
        mask = silhouette(view, foot=foot)
        x, y = marker_pixel(view, place, foot=foot)
        assert mask.getpixel((x, y)), (name, foot)
        # the rendered picture draws the marker there: a point's vermillion dot, a zone's blue dot
        image = Image.open(io.BytesIO(render(view, place, foot=foot, label=name))).convert("RGB")
        expected = VERMILLION if place.at is not None else BLUE
        pixel = image.getpixel((x, y))
        assert isinstance(pixel, tuple)
        assert max(abs(a - b) for a, b in zip(pixel, expected, strict=True)) <= 24, (name, foot, pixel)


@pytest.mark.parametrize(("name", "place"), _places(), ids=lambda v: v if isinstance(v, str) else "")
def test_left_mirrors_right(name: str, place: Place) -> None:
    view = load_views()[place.view]
    x, y = marker_pixel(view, place, foot="right")
    assert marker_pixel(view, place, foot="left") == (SIZE - 1 - x, y)


@pytest.mark.parametrize("view_id", sorted(load_views()))
def test_left_silhouette_is_the_right_one_mirrored(view_id: str) -> None:
    view = load_views()[view_id]
    right, left = silhouette(view, foot="right"), silhouette(view, foot="left")
    assert right.size == (SIZE, SIZE)
    assert left.tobytes() == ImageOps.mirror(right).tobytes()
    assert 0.05 < right.convert("L").histogram()[255] / SIZE**2 < 0.6  # a foot, not a blob or a speck


def test_the_foot_is_drawn_where_the_silhouette_is() -> None:
    view = load_views()["sole"]
    place = default_content().points["KI1"].place
    image = Image.open(io.BytesIO(render(view, place, foot="right", label="KI1 Yongquan"))).convert("RGB")
    mask = silhouette(view, foot="right")
    heel = (int(507 * SIZE / 1000), int(880 * SIZE / 1000))  # on the heel, away from marker and label
    assert mask.getpixel(heel) and image.getpixel(heel) != (255, 255, 255)
    assert not mask.getpixel((5, SIZE - 5)) and image.getpixel((5, SIZE - 5)) == (255, 255, 255)


@pytest.mark.parametrize("foot", ["right", "left"])
def test_png_is_small_square_and_deterministic(foot: str) -> None:
    content, views = default_content(), load_views()
    for name, place, label in (
        ("ST44", content.points["ST44"].place, "ST44 Neiting"),
        ("arch", content.zones["arch"].place, "Arch"),
    ):
        first = render(views[place.view], place, foot=foot, label=label)
        assert first == render(views[place.view], place, foot=foot, label=label), name
        assert first.startswith(b"\x89PNG") and len(first) < MAX_BYTES, (name, len(first))
        assert Image.open(io.BytesIO(first)).size == (SIZE, SIZE)


def test_feet_differ_and_bad_input_is_refused() -> None:
    views = load_views()
    place = default_content().points["SP1"].place
    view = views[place.view]
    assert render(view, place, foot="left", label="SP1") != render(view, place, foot="right", label="SP1")
    with pytest.raises(ValueError, match="foot"):
        marker_pixel(view, place, foot="both")
    with pytest.raises(ValueError, match="view"):
        render(views["sole"], place, foot="right", label="SP1")


def test_views_are_the_expected_ones() -> None:
    assert set(load_views()) == {"sole", "top", "inner", "outer", "leg-outer"}
    assert load_views() is load_views()
