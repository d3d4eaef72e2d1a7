"""The JSONL sets of red-flag messages (tests/nlu/red_flags_*.jsonl) as pytest parameters."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent


def read_sets(names: Iterable[str]) -> list[dict[str, Any]]:
    """Every message of the named sets, one JSON object a line."""
    return [json.loads(line) for name in names for line in (HERE / name).read_text().splitlines() if line.strip()]


def expecting(cases: list[dict[str, Any]], expect: str, id_length: int = 60) -> list[Any]:
    """The cases expecting `expect` ("red" or "not-red"); a case the detector is known to get wrong says
    why ("xfail") and must really fail (strict)."""
    return [
        pytest.param(
            c,
            id=c["text"][:id_length],
            marks=[pytest.mark.xfail(reason=c["xfail"], strict=True)] if "xfail" in c else [],
        )
        for c in cases
        if c["expect"] == expect
    ]


def of_kind(cases: list[dict[str, Any]], *kinds: str) -> list[Any]:
    """The cases of these kinds; a known gap (its "gap" says why) is expected to fail until it is mended (strict)."""
    return [
        pytest.param(case, marks=pytest.mark.xfail(strict=True, reason=case["gap"])) if "gap" in case else case
        for case in cases
        if case["kind"] in kinds
    ]
