"""Which FAQ a text asks, if any: the longest question phrase found wins."""

from __future__ import annotations

from collections.abc import Sequence

from bot.nlu.lexicon import Language, Token
from bot.nlu.spotting import CONFIDENT, spot

FAQ_FUZZY = 88.0


def match_faq(language: Language, tokens: Sequence[Token]) -> str | None:
    """The id of the FAQ the tokens ask; a one-word question only counts as a whole message."""
    hits = [
        hit
        for hit in spot(language.faqs, tokens, cross_clauses=True, fuzzy_cutoff=FAQ_FUZZY)
        if hit.score >= CONFIDENT and (hit.size > 1 or len(tokens) <= 2)
    ]
    if not hits:
        return None
    return max(hits, key=lambda h: (h.size, h.score, -h.start)).label
