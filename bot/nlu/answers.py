"""Typed answers to the buttons on screen: the label, a close spelling of it, or a key word of it.

"Dubai Healthcare City" and "dhcc" pick "DHCC Branch, Dubai Healthcare City"; "go on" and "lighter"
pick "Go on, lighter"; "skip tonight" picks "Skip tonight". A key word must belong to one label only
("branch" picks nothing when two labels say "Branch").
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence

from rapidfuzz import fuzz, process

from bot.nlu.normalise import CLAUSE, normalise

LABEL_CUTOFF = 85.0
WORD_CUTOFF = 85.0
MAX_TYPED_WORDS = 6


def _words(text: str) -> list[str]:
    return [w for w in normalise(text).split() if w != CLAUSE]


@functools.lru_cache(maxsize=4096)
def _label(label: str) -> str:
    """A button's label as typed answers are compared with it (labels recur: read once)."""
    return " ".join(_words(label))


def _word_in(word: str, label_words: Sequence[str]) -> bool:
    if word in label_words:
        return True
    if len(word) < 4:
        return False
    return process.extractOne(word, label_words, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF) is not None


def label_typed(typed_text: str, labels: Sequence[str]) -> int | None:
    """The index of the label a typed text spells out (or nearly: "none of thes"), or None; no key words."""
    typed = " ".join(_words(typed_text))
    if not typed or not labels:
        return None
    choices = [_label(label) for label in labels]
    if typed in choices:
        return choices.index(typed)
    best = process.extractOne(typed, choices, scorer=fuzz.ratio, score_cutoff=LABEL_CUTOFF)
    return None if best is None else int(best[2])


def match_choice(typed_text: str, labels: Sequence[str], filler: Collection[str] = ()) -> int | None:
    """The index of the label a typed (normalised or raw) text picks, or None; `filler` words
    ("the", "please": the language's [conversation] answer_filler) are dropped before comparing."""
    typed = " ".join(_words(typed_text))
    if not typed or not labels:
        return None
    found = label_typed(typed_text, labels)
    if found is not None:
        return found
    choices = [_label(label) for label in labels]
    words = [w for w in typed.split() if w not in filler]
    if not words or len(words) > MAX_TYPED_WORDS:
        return None
    holders = [index for index, label in enumerate(choices) if all(_word_in(w, label.split()) for w in words)]
    return holders[0] if len(holders) == 1 else None
