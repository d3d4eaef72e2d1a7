"""The views a foot is drawn in, read from content/views.toml: the right foot's silhouette and landmarks in a
1000 x 1000 box (x right, y down), as frozen data. Pure Python, no Pillow: the content loader checks every
place with `inside`."""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import content

Pt = tuple[float, float]

FILE = "views.toml"
BOX = 1000.0  # a view's coordinates run 0..BOX (shapes may run past it, cut by the picture's edge)
FORMS = ("closed", "open", "ellipse")
CORNERS = ("left", "right")
KINDS = ("pad", "hollow", "bone", "nail", "crease", "tendon", "border", "guide")
_STEPS = 12  # samples per curve segment
_ELLIPSE_STEPS = 48


class ViewsError(ValueError):
    """views.toml is missing or breaks its schema; the message names the file and key."""


@dataclass(frozen=True, slots=True)
class Mark:
    """A landmark drawn on the foot: `kind` picks the style, `points` the sampled line or outline."""

    kind: str
    closed: bool
    points: tuple[Pt, ...]


@dataclass(frozen=True, slots=True)
class Shape:
    """One part of the silhouette (the foot, a toe), as a sampled closed outline."""

    name: str
    outline: tuple[Pt, ...]


@dataclass(frozen=True, slots=True)
class View:
    """A view of the right foot: its silhouette is the union of `shapes`."""

    id: str
    about: str
    shapes: tuple[Shape, ...]
    marks: tuple[Mark, ...]
    corner: str = "right"  # the top corner the which-foot pictogram goes in (for the right foot)


def catmull_rom(points: Sequence[Pt], *, closed: bool, steps: int = _STEPS) -> tuple[Pt, ...]:
    """A smooth curve through `points` (uniform Catmull-Rom), sampled `steps` times per segment."""
    count = len(points)
    if count < 3:
        return tuple(points)
    out: list[Pt] = []
    segments = count if closed else count - 1
    for i in range(segments):
        if closed:
            p0, p1, p2, p3 = (points[(i + k) % count] for k in (-1, 0, 1, 2))
        else:
            p0, p1 = points[max(i - 1, 0)], points[i]
            p2, p3 = points[i + 1], points[min(i + 2, count - 1)]
        for step in range(steps):
            t = step / steps
            t2, t3 = t * t, t * t * t
            out.append(
                tuple(  # type: ignore[arg-type]
                    0.5
                    * (
                        2 * p1[k]
                        + (-p0[k] + p2[k]) * t
                        + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t2
                        + (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t3
                    )
                    for k in (0, 1)
                )
            )
    if not closed:
        out.append(points[-1])
    return tuple(out)


def ellipse(center: Pt, radii: Pt, steps: int = _ELLIPSE_STEPS) -> tuple[Pt, ...]:
    """An ellipse's outline, sampled."""
    return tuple(
        (
            center[0] + radii[0] * math.cos(2 * math.pi * i / steps),
            center[1] + radii[1] * math.sin(2 * math.pi * i / steps),
        )
        for i in range(steps)
    )


def in_polygon(polygon: Sequence[Pt], x: float, y: float) -> bool:
    """Even-odd rule: is (x, y) inside the closed polygon?"""
    found = False
    count = len(polygon)
    for i in range(count):
        x1, y1 = polygon[i]
        x2, y2 = polygon[(i + 1) % count]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            found = not found
    return found


def inside(view: View, x: float, y: float) -> bool:
    """Is (x, y) in the right foot's silhouette in this view?"""
    return any(in_polygon(shape.outline, x, y) for shape in view.shapes)


def centroid(polygon: Sequence[Pt]) -> Pt:
    """The area centroid of a simple polygon (the mean of its vertices if it has no area)."""
    area = cx = cy = 0.0
    count = len(polygon)
    for i in range(count):
        x1, y1 = polygon[i]
        x2, y2 = polygon[(i + 1) % count]
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(area) < 1e-9:
        return (sum(p[0] for p in polygon) / count, sum(p[1] for p in polygon) / count)
    return (cx / (3 * area), cy / (3 * area))


def _error(where: str, problem: str) -> ViewsError:
    return ViewsError(f"{FILE}: {where}: {problem}")


def _points(data: object, where: str, *, minimum: int) -> tuple[Pt, ...]:
    if not isinstance(data, list) or len(data) < minimum:
        raise _error(where, f"expected a list of at least {minimum} [x, y] pairs")
    return tuple(_pair(item, f"{where}[{index}]") for index, item in enumerate(data))


def _pair(data: object, where: str) -> Pt:
    if (
        not isinstance(data, list)
        or len(data) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in data)
    ):
        raise _error(where, "expected [x, y], two numbers")
    return (float(data[0]), float(data[1]))


def _table(data: object, where: str, allowed: tuple[str, ...]) -> dict[str, object]:
    if not isinstance(data, dict):
        raise _error(where, "expected a table")
    for key in data:
        if key not in allowed:
            raise _error(f"{where}.{key}", f"unknown key (allowed: {', '.join(allowed)})")
    return data


def _text(data: dict[str, object], key: str, where: str, allowed: tuple[str, ...] = ()) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _error(f"{where}.{key}", "expected a non-empty string")
    if allowed and value not in allowed:
        raise _error(f"{where}.{key}", f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _list(data: dict[str, object], key: str, where: str) -> list[object]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise _error(f"{where}.{key}", "expected an array of tables")
    return value


def _mark(data: object, where: str) -> Mark:
    table = _table(data, where, ("kind", "form", "points", "center", "radii"))
    kind = _text(table, "kind", where, KINDS)
    form = _text(table, "form", where, FORMS)
    if form == "ellipse":
        center, radii = _pair(table.get("center"), f"{where}.center"), _pair(table.get("radii"), f"{where}.radii")
        return Mark(kind, True, ellipse(center, radii))
    points = _points(table.get("points"), f"{where}.points", minimum=2)
    return Mark(kind, form == "closed", catmull_rom(points, closed=form == "closed"))


def _view(view_id: str, data: object) -> View:
    table = _table(data, view_id, ("about", "corner", "shape", "mark"))
    shapes = []
    for index, item in enumerate(_list(table, "shape", view_id)):
        where = f"{view_id}.shape[{index}]"
        shape = _table(item, where, ("name", "points"))
        points = _points(shape.get("points"), f"{where}.points", minimum=3)
        shapes.append(Shape(_text(shape, "name", where), catmull_rom(points, closed=True)))
    if not shapes:
        raise _error(f"{view_id}.shape", "a view needs at least one shape")
    marks = tuple(_mark(item, f"{view_id}.mark[{index}]") for index, item in enumerate(_list(table, "mark", view_id)))
    corner = _text(table, "corner", view_id, CORNERS) if "corner" in table else "right"
    return View(view_id, _text(table, "about", view_id), tuple(shapes), marks, corner)


def read_views(directory: Path) -> dict[str, View]:
    """Read and check `directory`/views.toml (not cached)."""
    try:
        with (directory / FILE).open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ViewsError(f"{FILE}: file is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise ViewsError(f"{FILE}: not valid TOML: {error}") from None
    if not data:
        raise ViewsError(f"{FILE}: (top level): no views")
    return {view_id: _view(view_id, item) for view_id, item in data.items()}


@functools.cache
def _cached(directory: Path) -> Mapping[str, View]:
    return MappingProxyType(read_views(directory))


def load_views(directory: Path | None = None) -> Mapping[str, View]:
    """The views in `directory`/views.toml (default: the shipped content/), read once per folder."""
    folder = Path(content.__file__).resolve().parent if directory is None else Path(directory).resolve()
    return _cached(folder)
