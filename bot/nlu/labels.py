"""Typed answers to buttons: a number ("2"), the label, or a close spelling of the label."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process

from bot.nlu.normalise import normalise

LABEL_CUTOFF = 85.0


def match_label(text: str, labels: Sequence[str]) -> int | None:
    """The index of the label the text picks, or None; numbers count from 1."""
    if not labels:
        return None
    raw = text.strip().rstrip(".)")
    if raw.isascii() and raw.isdecimal() and len(raw) <= 2:
        number = int(raw)
        return number - 1 if 1 <= number <= len(labels) else None
    typed = normalise(text)
    if not typed:
        return None
    choices = [normalise(label) for label in labels]
    if typed in choices:
        return choices.index(typed)
    best = process.extractOne(typed, choices, scorer=fuzz.ratio, score_cutoff=LABEL_CUTOFF)
    return None if best is None else int(best[2])
