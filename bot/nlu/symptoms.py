"""Symptom matching: which symptoms a text names, which it denies, and near misses to ask about."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.nlu.lexicon import Language, Token
from bot.nlu.negation import negated_hits
from bot.nlu.spotting import CONFIDENT, UNSURE, Hit, resolve, spot

MAX_MAYBE = 3


@dataclass(frozen=True, slots=True)
class SymptomMatch:
    """A symptom id and how sure the matcher is of it."""

    id: str
    score: float  # 0-100


@dataclass(frozen=True, slots=True)
class SymptomReading:
    """What a text says about symptoms."""

    confident: tuple[SymptomMatch, ...]  # best first
    maybe: tuple[SymptomMatch, ...]  # "did you mean" candidates, only when nothing is confident
    negated: tuple[str, ...]  # ids said to be absent
    hits: tuple[Hit, ...]  # the believed hits, for red-flag overrides


def match_symptoms(language: Language, tokens: Sequence[Token]) -> SymptomReading:
    """Every symptom the tokens name, several per text, best first."""
    hits = resolve(spot(language.symptoms, tokens, fuzzy_cutoff=UNSURE))
    negated_numbers = negated_hits(hits, tokens, language.words.negation)
    scores: dict[str, tuple[float, int]] = {}
    negated: dict[str, None] = {}
    for number, hit in enumerate(hits):
        if number in negated_numbers:
            if hit.score >= CONFIDENT:
                negated.setdefault(hit.label, None)
            continue
        best = scores.get(hit.label)
        if best is None or hit.score > best[0]:
            scores[hit.label] = (hit.score, hit.start if best is None else best[1])
    ranked = sorted(scores.items(), key=lambda item: (-item[1][0], item[1][1]))
    confident = tuple(SymptomMatch(label, round(score, 1)) for label, (score, _) in ranked if score >= CONFIDENT)
    maybe: tuple[SymptomMatch, ...] = ()
    if not confident:
        maybe = tuple(SymptomMatch(label, round(score, 1)) for label, (score, _) in ranked)[:MAX_MAYBE]
    found = {match.id for match in confident}
    return SymptomReading(
        confident=confident,
        maybe=maybe,
        negated=tuple(label for label in negated if label not in found),
        hits=tuple(hits),
    )
