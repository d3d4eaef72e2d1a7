"""Render every point's and zone's picture, on both feet: the time in all and per picture, and the PNG sizes.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_pictures.py [--out DIR] [--docs]

--out DIR writes every picture there (to look at them); --docs rewrites the README's two examples in
docs/pictures/ (KI1 on the right sole, ST44 on the right foot's top).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bot.pictures.draw import render
from bot.pictures.views import load_views
from content.loader import default_content
from content.model import Place

DOCS = Path(__file__).resolve().parents[1] / "docs" / "pictures"
EXAMPLES = {"KI1": "ki1-right-sole.png", "ST44": "st44-right-top.png"}


def items() -> list[tuple[str, str, Place]]:
    """(name, label, place) for every point and zone of the shipped content."""
    content = default_content()
    found = [(code, f"{code} {p.text['en'].name.split(' (')[0]}", p.place) for code, p in content.points.items()]
    found += [(zone_id, z.text["en"].name, z.place) for zone_id, z in content.zones.items()]
    return found


def main(out: Path | None, docs: bool) -> None:
    views = load_views()
    pictures = items()
    times: list[float] = []
    sizes: list[tuple[int, str]] = []
    start = time.perf_counter()
    for name, label, place in pictures:
        for foot in ("right", "left"):
            began = time.perf_counter()
            png = render(views[place.view], place, foot=foot, label=label)
            times.append(time.perf_counter() - began)
            sizes.append((len(png), f"{name}-{foot}"))
            if out is not None:
                out.mkdir(parents=True, exist_ok=True)
                (out / f"{name}-{foot}.png").write_bytes(png)
            if docs and foot == "right" and name in EXAMPLES:
                (DOCS / EXAMPLES[name]).write_bytes(png)
    total = time.perf_counter() - start
    print(f"{len(times)} pictures ({len(pictures)} items x 2 feet) in {total:.2f} s")
    print(
        f"per picture: mean {statistics.mean(times) * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms (the first of a view also draws its foot)"
    )
    kb = [size / 1024 for size, _ in sizes]
    print(f"PNG size: mean {statistics.mean(kb):.1f} KB, max {max(kb):.1f} KB ({max(sizes)[1]}), min {min(kb):.1f} KB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="write every picture to this folder")
    parser.add_argument("--docs", action="store_true", help="rewrite docs/pictures/ (the README's examples)")
    arguments = parser.parse_args()
    main(arguments.out, arguments.docs)
