"""Foot maps drawn from data: a view's outline and landmarks (content/views.toml) and an item's place
(points.toml, zones.toml) become an 800 x 800 PNG with the point's marker or the zone's shading, a label,
and a pictogram of both feet that tells, in no language, which foot is drawn.

Everything is drawn at 3x and reduced (anti-aliasing); the left foot is the right foot's layer mirrored
(labels are never mirrored). Deterministic: the same inputs give the same bytes."""

from __future__ import annotations

import functools
import io
import itertools
import math
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

from bot.pictures.views import BOX, View, centroid, load_views
from content.model import Place

SIZE = 800
DRAWING_VERSION = "1"  # bump whenever the drawing changes: picture names hash it
FEET = ("left", "right")

_SS = 3  # supersampling factor
_BIG = SIZE * _SS
_K = _BIG / BOX  # view units -> supersampled pixels
_COLOURS = 64  # the PNG's palette

Rgb = tuple[int, int, int]
Pt = tuple[float, float]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

# A light neutral foot, grey-brown lines; Okabe-Ito vermillion and blue for what to look at.
PAPER: Rgb = (255, 255, 255)
SKIN: Rgb = (247, 234, 220)
PAD: Rgb = (236, 218, 199)
HOLLOW: Rgb = (252, 245, 237)
BONE: Rgb = (232, 212, 191)
BONE_LINE: Rgb = (176, 150, 126)
NAIL: Rgb = (255, 252, 248)
LINE: Rgb = (150, 126, 104)
TENDON: Rgb = (222, 198, 174)
OUTLINE: Rgb = (72, 62, 54)
VERMILLION: Rgb = (213, 94, 0)
BLUE: Rgb = (0, 114, 178)
INK: Rgb = (20, 20, 20)
FAINT: Rgb = (190, 190, 190)
ZONE_ALPHA = 110  # of 255: the zone's blue over the skin

_FONT_SIZE = 30  # at SIZE; legible at phone size
_PICTOGRAM = (782.0, 18.0, 1000.0, 160.0)  # the both-feet pictogram's box, in view units (right foot)


def _px(point: Pt) -> Pt:
    """A view point in supersampled pixel coordinates (Pillow addresses pixels by their index)."""
    return (point[0] * _K - 0.5, point[1] * _K - 0.5)


def _pxs(points: Sequence[Pt]) -> list[Pt]:
    return [_px(p) for p in points]


@functools.cache
def _font(size: int) -> Font:
    return ImageFont.load_default(size=size)


def draw_label(draw: ImageDraw.ImageDraw, xy: Pt, text: str, font: Font) -> None:
    """Write `text` centred on `xy`. The one place text is drawn: right-to-left shaping (raqm) goes here."""
    draw.text(xy, text, font=font, fill=INK, anchor="mm")


def _label_size(draw: ImageDraw.ImageDraw, text: str, font: Font) -> Pt:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font, anchor="mm")
    return (right - left, bottom - top)


# --- the foot ------------------------------------------------------------------------------------------


def _mask(view: View) -> Image.Image:
    """The right foot's silhouette at 3x, 255 inside."""
    mask = Image.new("L", (_BIG, _BIG), 0)
    draw = ImageDraw.Draw(mask)
    for shape in view.shapes:
        draw.polygon(_pxs(shape.outline), fill=255)
    return mask


def _dashed(draw: ImageDraw.ImageDraw, points: Sequence[Pt], colour: Rgb, width: int, dash: float, gap: float) -> None:
    """A dashed polyline (lengths in supersampled pixels)."""
    pen_down, left = True, dash
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        length = math.hypot(x2 - x1, y2 - y1)
        done = 0.0
        while done < length:
            step = min(left, length - done)
            if pen_down:
                a, b = done / length, (done + step) / length
                draw.line(
                    [(x1 + (x2 - x1) * a, y1 + (y2 - y1) * a), (x1 + (x2 - x1) * b, y1 + (y2 - y1) * b)],
                    fill=colour,
                    width=width,
                )
            done += step
            left -= step
            if left <= 1e-9:
                pen_down = not pen_down
                left = dash if pen_down else gap


def _marks(draw: ImageDraw.ImageDraw, view: View) -> None:
    """The landmarks, each in its kind's style."""
    for mark in view.marks:
        points = _pxs(mark.points)
        if mark.kind in ("pad", "hollow"):
            draw.polygon(points, fill=PAD if mark.kind == "pad" else HOLLOW)
        elif mark.kind == "bone":
            draw.polygon(points, fill=BONE)
            draw.line([*points, points[0]], fill=BONE_LINE, width=4, joint="curve")
        elif mark.kind == "nail":
            draw.polygon(points, fill=NAIL)
            draw.line([*points, points[0]], fill=LINE, width=5, joint="curve")
        elif mark.kind == "crease":
            draw.line(points, fill=LINE, width=5, joint="curve")
        elif mark.kind == "tendon":
            draw.line(points, fill=TENDON, width=14, joint="curve")
        elif mark.kind == "border":
            _dashed(draw, points, LINE, 4, 10, 14)
        elif mark.kind == "guide":
            _dashed(draw, points, BONE_LINE, 4, 22, 16)


def _zone(image: Image.Image, silhouette: Image.Image, area: Sequence[Pt]) -> None:
    """A zone shaded blue and outlined, both kept within the foot."""
    polygon = _pxs(area)
    shade = Image.new("L", image.size, 0)
    ImageDraw.Draw(shade).polygon(polygon, fill=ZONE_ALPHA)
    edge = Image.new("L", image.size, 0)
    ImageDraw.Draw(edge).line([*polygon, polygon[0]], fill=255, width=7, joint="curve")
    blue = Image.new("RGB", image.size, BLUE)
    image.paste(blue, (0, 0), Image.composite(shade, Image.new("L", image.size, 0), silhouette))
    image.paste(blue, (0, 0), Image.composite(edge, Image.new("L", image.size, 0), silhouette))


def _print_outline(view: View) -> list[list[Pt]]:
    """The sole's shapes, for the pictogram."""
    return [list(shape.outline) for shape in view.shapes]


def _pictogram(draw: ImageDraw.ImageDraw, view: View, sole: View) -> None:
    """Both feet seen from above, in the top right corner: the drawn (right) foot filled blue, the other
    only outlined; in a side view an arrow shows which side of the foot is seen. Mirrored with the foot."""
    x0, y0, _, y1 = _pictogram_area(view)
    shapes = _print_outline(sole)
    xs = [p[0] for s in shapes for p in s]
    ys = [p[1] for s in shapes for p in s]
    scale = (y1 - y0) / (max(ys) - min(ys))
    width = (max(xs) - min(xs)) * scale
    gap = 44.0
    left_left = x0 + 10  # the left print's left edge; the arrow for an outer view fits after the right print
    right_left = left_left + width + gap

    def place(p: Pt, *, mirrored: bool, left_edge: float) -> Pt:
        u = (p[0] - min(xs)) * scale
        if mirrored:
            u = width - u
        return _px((left_edge + u, y0 + (p[1] - min(ys)) * scale))

    for mirrored, left_edge, fill in ((True, left_left, PAPER), (False, right_left, BLUE)):
        outlines = [[place(p, mirrored=mirrored, left_edge=left_edge) for p in shape] for shape in shapes]
        if fill == PAPER:  # the other foot: only its outline (a stroke under a white fill)
            for points in outlines:
                draw.line([*points, points[0], points[1]], fill=FAINT, width=8, joint="curve")
        for points in outlines:
            draw.polygon(points, fill=fill)
    arrow_y = y0 + (y1 - y0) * 0.55
    if view.id == "inner":  # looking at the right foot's inner side: from between the feet
        _arrow(draw, (left_left + width + 4, arrow_y), (right_left - 6, arrow_y))
    elif view.id in ("outer", "leg-outer"):  # from outside the right foot
        _arrow(draw, (right_left + width + 44, arrow_y), (right_left + width + 6, arrow_y))


def _arrow(draw: ImageDraw.ImageDraw, tail: Pt, head: Pt) -> None:
    (tx, ty), (hx, hy) = _px(tail), _px(head)
    angle = math.atan2(hy - ty, hx - tx)
    size = 30.0
    draw.line([(tx, ty), (hx - size * 0.6 * math.cos(angle), hy - size * 0.6 * math.sin(angle))], fill=OUTLINE, width=9)
    wing = [
        (hx, hy),
        (hx - size * math.cos(angle - 0.5), hy - size * math.sin(angle - 0.5)),
        (hx - size * math.cos(angle + 0.5), hy - size * math.sin(angle + 0.5)),
    ]
    draw.polygon(wing, fill=OUTLINE)


@functools.lru_cache(maxsize=32)
def _foot(view: View, area: tuple[Pt, ...]) -> Image.Image:
    """The right foot at 3x: outline, skin, landmarks, the zone's shading, and the pictogram."""
    image = Image.new("RGB", (_BIG, _BIG), PAPER)
    draw = ImageDraw.Draw(image)
    for shape in view.shapes:  # a stroke around every shape; the fills cover its inner half
        points = _pxs(shape.outline)
        draw.line([*points, points[0], points[1]], fill=OUTLINE, width=13, joint="curve")
    silhouette = _mask(view)
    image.paste(SKIN, (0, 0, _BIG, _BIG), silhouette)
    marks = image.copy()
    _marks(ImageDraw.Draw(marks), view)
    image.paste(marks, (0, 0), silhouette)  # landmarks stay within the foot
    if area:
        _zone(image, silhouette, area)
    _pictogram(draw, view, load_views().get("sole", view))
    return image


# --- the marker and label ------------------------------------------------------------------------------


def _anchor(place: Place) -> Pt:
    """The view point the marker is drawn at: a point's `at`, a zone's centroid."""
    if place.at is not None:
        return place.at
    return centroid(place.area)


def marker_pixel(view: View, place: Place, *, foot: str) -> tuple[int, int]:
    """The pixel (of SIZE x SIZE) at the centre of the marker; the left foot's mirrors the right's."""
    if foot not in FEET:
        raise ValueError(f"foot must be 'left' or 'right', got {foot!r}")
    x, y = _anchor(place)
    column = min(max(int(x * SIZE / BOX), 0), SIZE - 1)
    row = min(max(int(y * SIZE / BOX), 0), SIZE - 1)
    return (SIZE - 1 - column if foot == "left" else column, row)


def silhouette(view: View, *, foot: str) -> Image.Image:
    """The drawn foot's silhouette at SIZE (mode "1"): the left foot's is the right's mirrored."""
    mask = _mask(view).reduce(_SS).point(lambda v: 255 if v >= 128 else 0).convert("1")
    return mask.transpose(Image.Transpose.FLIP_LEFT_RIGHT) if foot == "left" else mask


def _label_box(
    centre: Pt, ring: float, size: Pt, mask: Image.Image, blocked: Sequence[tuple[float, float, float, float]]
) -> tuple[float, float, float, float]:
    """Where the label goes (supersampled pixels): beside the marker, inside the picture, off the pictogram,
    over as little of the foot as can be."""
    width, height = size
    margin = 8 * _SS
    best: tuple[float, tuple[float, float, float, float]] | None = None
    for rank, degrees in enumerate((0, 180, -30, 30, 210, 150, -45, 45, 225, 135, -60, 60, 240, 120, -90, 90)):
        for distance in (14 * _SS, 60 * _SS, 110 * _SS, 160 * _SS):
            dx, dy = math.cos(math.radians(degrees)), -math.sin(math.radians(degrees))
            reach = ring + distance
            cx = centre[0] + dx * reach + dx * width / 2
            cy = centre[1] + dy * reach + dy * height / 2
            box = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
            if box[0] < margin or box[1] < margin or box[2] > _BIG - margin or box[3] > _BIG - margin:
                continue
            if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in blocked):
                continue
            crop = mask.crop(tuple(int(v / _SS) for v in box))  # type: ignore[arg-type]
            histogram = crop.histogram()
            covered = sum(histogram[1:]) / max(sum(histogram), 1)
            cost = covered * 400 + rank * 1.0 + distance / _SS * 0.05
            if best is None or cost < best[0]:
                best = (cost, box)
    if best is None:  # nowhere fits: below the marker, clamped into the picture
        cx = min(max(centre[0], width / 2 + margin), _BIG - width / 2 - margin)
        cy = min(centre[1] + ring + height, _BIG - height / 2 - margin)
        return (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
    return best[1]


def _pictogram_area(view: View) -> tuple[float, float, float, float]:
    """The pictogram's box in view units, in the view's corner (for the right foot)."""
    x0, y0, x1, y1 = _PICTOGRAM
    return (x0, y0, x1, y1) if view.corner == "right" else (BOX - x1, y0, BOX - x0, y1)


def _pictogram_box(view: View, foot: str) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (v * _K for v in _pictogram_area(view))
    if foot == "left":
        x0, x1 = _BIG - x1, _BIG - x0
    return (x0, y0, x1, y1)


def _nearest_on_box(box: tuple[float, float, float, float], point: Pt) -> Pt:
    return (min(max(point[0], box[0]), box[2]), min(max(point[1], box[1]), box[3]))


def render(view: View, place: Place, *, foot: str, label: str) -> bytes:
    """The picture of one point or zone on one foot, as PNG bytes."""
    if place.view != view.id:
        raise ValueError(f"place is on view {place.view!r}, not {view.id!r}")
    image = _foot(view, tuple(place.area)).copy()
    if foot == "left":
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    column, row = marker_pixel(view, place, foot=foot)
    centre = (column * _SS + 1.0, row * _SS + 1.0)
    draw = ImageDraw.Draw(image)
    font = _font(_FONT_SIZE * _SS)
    is_point = place.at is not None
    ring = (26 if is_point else 12) * _SS
    text_w, text_h = _label_size(draw, label, font)
    pad_x, pad_y = 12 * _SS, 9 * _SS
    size = (text_w + 2 * pad_x, text_h + 2 * pad_y)
    box = _label_box(centre, ring, size, silhouette(view, foot=foot), [_pictogram_box(view, foot)])
    # leader: from the ring's edge to the label's nearest point
    near = _nearest_on_box(box, centre)
    distance = math.hypot(near[0] - centre[0], near[1] - centre[1])
    if distance > ring + 2:
        ux, uy = (near[0] - centre[0]) / distance, (near[1] - centre[1]) / distance
        start = (centre[0] + ux * ring, centre[1] + uy * ring)
        draw.line([start, near], fill=BLUE, width=4 * _SS)
    cx, cy = centre
    if is_point:
        r = ring
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=PAPER, width=9 * _SS)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=BLUE, width=5 * _SS)
        r = 11 * _SS
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=PAPER)
        r = 9 * _SS
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=VERMILLION)
    else:
        r = 9 * _SS
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=PAPER)
        r = 6 * _SS
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=BLUE)
    draw.rounded_rectangle(box, radius=10 * _SS, fill=PAPER, outline=BLUE, width=3 * _SS)
    draw_label(draw, ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), label, font)
    small = image.reduce(_SS).quantize(colors=_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()
