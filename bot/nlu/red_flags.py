"""Red-flag detection, run first on every text: an emergency sign stops everything else.

Generous on purpose: any order of words, typos, a whole story (the first 2,000 characters). A
red flag the text denies ("no chest pain") is reported apart, except self-harm, which always
gets support. A longer symptom phrase that contains a red-flag phrase wins ("can't breathe
through my nose" is a blocked nose, not an emergency).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.nlu.lexicon import Language, Token
from bot.nlu.negation import negated_hits
from bot.nlu.spotting import CONFIDENT, Hit, resolve, spot
from bot.nlu.words import Grammar

RED_FLAG_FUZZY = 85.0
NEVER_NEGATED = frozenset({"self-harm"})


@dataclass(frozen=True, slots=True)
class RedFlagReading:
    """The red flag a text raises (if any) and the ones it denies."""

    flag: str | None
    kind: str | None
    negated: tuple[str, ...]


# A one-word red flag used as a verb on an object is not an emergency: "stroke my foot gently"
# (the words are in content/languages/<lang>.toml, [red_flags]).
def _used_as_verb(hit: Hit, tokens: Sequence[Token], words: Grammar) -> bool:
    if len(hit.positions) != 1 or hit.end >= len(tokens) or tokens[hit.end].clause != tokens[hit.start].clause:
        return False
    before = tokens[hit.start - 1].word if hit.start > 0 else ""
    return tokens[hit.end].word in words.verb_objects and before not in words.verb_subjects


def _covered(hit: Hit, symptom_hits: Sequence[Hit]) -> bool:
    positions = set(hit.positions)
    return any(positions < set(s.positions) for s in symptom_hits)


def scan_red_flags(
    language: Language, tokens: Sequence[Token], kinds: Mapping[str, str], symptom_hits: Sequence[Hit] = ()
) -> RedFlagReading:
    """The strongest red flag in the tokens, and the red flags they say are absent."""
    hits = [
        h
        for h in resolve(spot(language.red_flags, tokens, cross_clauses=True, fuzzy_cutoff=RED_FLAG_FUZZY))
        if h.score >= CONFIDENT
    ]
    negated_numbers = negated_hits(hits, tokens, language.words.negation)
    raised: list[Hit] = []
    negated: dict[str, None] = {}
    for number, hit in enumerate(hits):
        if _covered(hit, symptom_hits) or _used_as_verb(hit, tokens, language.words):
            continue
        if number in negated_numbers and kinds.get(hit.label) not in NEVER_NEGATED:
            negated.setdefault(hit.label, None)
        else:
            raised.append(hit)
    if not raised:
        return RedFlagReading(None, None, tuple(negated))
    best = max(raised, key=lambda h: (h.score, h.size, -h.start))
    return RedFlagReading(
        best.label, kinds.get(best.label, "emergency"), tuple(label for label in negated if label != best.label)
    )
