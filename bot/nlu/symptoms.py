"""Symptom matching: which symptoms a text names, which it denies, and near misses to ask about."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, fields

from bot.nlu.lexicon import Language, Token
from bot.nlu.negation import denied_inside, negated_hits, split_at
from bot.nlu.occurrences import occurrences
from bot.nlu.spotting import CONFIDENT, UNSURE, Hit, resolve, spot
from bot.nlu.words import Negation

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
    bare: tuple[str, ...] = ()  # a part named alone after a denial, with the pain word ("chest pain"), for red flags

    def merged(self, other: SymptomReading) -> SymptomReading:
        """This reading with the symptoms another reading of the same text found (its hits stay apart)."""
        best: dict[str, float] = {}
        for match in (*self.confident, *other.confident):
            best[match.id] = max(best.get(match.id, 0.0), match.score)
        confident = tuple(SymptomMatch(i, score) for i, score in sorted(best.items(), key=lambda item: -item[1]))
        negated = dict.fromkeys(label for label in (*self.negated, *other.negated) if label not in best)
        maybe = () if confident else self.maybe or other.maybe
        return SymptomReading(confident, maybe, tuple(negated), self.hits, self.bare)


@functools.cache
def either_negation(first: Negation, second: Negation) -> Negation:
    """The negation words of two languages together, for one read inside the other ("ما عندي headache")."""
    return Negation(**{f.name: getattr(first, f.name) | getattr(second, f.name) for f in fields(Negation)})


def _with_shared_words(
    candidates: Sequence[Hit], kept: list[Hit], tokens: Sequence[Token], joiners: frozenset[str]
) -> list[Hit]:
    """The kept hits, and each confident hit of another symptom that shares its pain word with one of them
    across a list of body parts: "my back and KNEES hurt", "my back hurts and my KNEES too", "tired eyes
    and FEET". `resolve` lets a word serve one hit only; here it serves two when nothing but joiners and
    fillers stands between the two hits' own words, and nothing but fillers follows a part named after the
    shared word ("my back hurts and my knees ARE FINE" borrows nothing)."""
    owner = {position: hit for hit in kept for position in hit.positions}
    labels = {hit.label for hit in kept}
    added: list[Hit] = []
    for hit in sorted(candidates, key=lambda h: (-h.score, h.start)):
        if hit.score < CONFIDENT or hit.label in labels:
            continue
        shared = [p for p in hit.positions if p in owner]
        own = [p for p in hit.positions if p not in owner]
        partners = {owner[p] for p in shared}
        if not shared or not own or len(partners) != 1:
            continue
        partner = partners.pop()
        partner_own = [p for p in partner.positions if p not in shared]
        if not partner_own or not _listed(partner_own, own, set(shared), tokens, joiners):
            continue
        added.append(hit)
        labels.add(hit.label)
        owner.update((p, hit) for p in own)
    return sorted((*kept, *added), key=lambda h: h.start) if added else kept


def _listed(
    first: list[int], second: list[int], shared: set[int], tokens: Sequence[Token], joiners: frozenset[str]
) -> bool:
    """True when two hits' own words stand in one list: only joiners, fillers and the shared words between
    them, and only fillers after the later one when the shared word came before it."""
    earlier, later = sorted((first, second))
    if max(earlier) > min(later):
        return False  # interleaved
    between = range(max(earlier) + 1, min(later))
    if not any(tokens[i].word in joiners for i in between):
        return False
    if any(i not in shared and tokens[i].word not in joiners and not tokens[i].filler for i in between):
        return False
    if min(shared) > max(later):
        return True  # "back and knees HURT"
    clause = tokens[max(later)].clause
    rest = [token for token in tokens[max(later) + 1 :] if token.clause == clause]
    return all(token.filler or token.word in joiners for token in rest)


def _bare_parts_after(
    denied: Sequence[Hit], tokens: Sequence[Token], language: Language, negation: Negation
) -> list[str]:
    """A body part named alone after a denied symptom, as a text with the language's pain words: "no
    headache, just my BACK" -> "back pain", "my head doesn't hurt, my CHEST does" -> "chest pain",
    "спина не болит, ШЕЯ только", "ما عندي صداع بس ظهري". The rest must be that one word among fillers,
    joiners, contrasts and hedges ("just", "только", "بس"): "not tired, just my heart is HEAVY" is no part
    alone, and a negation of its own ("no headache, no back") denies it too."""
    pain = language.words.pain
    if not denied or not pain:
        return []
    rest = tokens[max(hit.end for hit in denied) :]
    if any(t.word in negation.cues for t in rest):
        return []
    small = negation.fillers | negation.joiners | negation.hedges | language.words.contrasts
    told = [t.word for t in rest if not t.filler and t.word not in small]
    return [f"{told[0]} {word}" for word in pain] if len(told) == 1 else []


def _read_bare(language: Language, bare: Sequence[str], denied: set[str]) -> list[str]:
    """The symptoms the bare parts name, none of those just denied."""
    found: list[str] = []
    for text in bare:
        read = resolve(spot(language.symptoms, language.analyse(text), fuzzy_cutoff=None))
        labels = [hit.label for hit in read if hit.score >= CONFIDENT and len(hit.positions) == 2]
        found.extend(label for label in labels if label not in denied and label not in found)
    return found


def _just_inside(hit: Hit, tokens: Sequence[Token], just: frozenset[str]) -> bool:
    """True when a "just" no clause is split at stands between a hit's own words: "ما عندي امساك بطني بس منفوخ"
    (no constipation, my belly is JUST bloated) names what is left after a denial, no item of its list."""
    own = set(hit.positions)
    return any(tokens[index].word in just for index in range(hit.start, hit.end) if index not in own)


def match_symptoms(
    language: Language, tokens: Sequence[Token], *, fuzzy: bool = True, negation: Negation | None = None
) -> SymptomReading:
    """Every symptom the tokens name, several per text, best first. `negation`: other words than the
    language's own; `fuzzy` False finds only the phrases as written (typo-fixed words aside)."""
    negation = negation or language.words.negation
    # "haven't vomited BUT I feel nauseous"; not at a contrast that is also a small word (Arabic "بس" is
    # "but" and "just": "راسي بس يوجعني")
    tokens = split_at(tokens, language.plain_contrasts)
    found_anywhere = spot(language.symptoms, tokens, fuzzy_cutoff=UNSURE if fuzzy else None)
    hits = _with_shared_words(found_anywhere, resolve(found_anywhere), tokens, negation.joiners)
    if language.words.figures:  # "tired of waiting", "my kids are a pain in the neck"
        figurative = {p for where in occurrences([t.word for t in tokens], language.words.figures) for p in where}
        hits = [hit for hit in hits if not figurative.issuperset(hit.positions)]
    just = (language.words.contrasts - language.plain_contrasts) & negation.hedges
    negated_numbers = {
        number
        for number in negated_hits(hits, tokens, negation, language.words.keep_order)
        if not _just_inside(hits[number], tokens, just)
    }
    negated_numbers.update(number for number, hit in enumerate(hits) if denied_inside(hit, tokens, negation))
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
    bare: list[str] = []
    if not any(score >= CONFIDENT for score, _ in scores.values()):
        denied = [hits[number] for number in negated_numbers if hits[number].score >= CONFIDENT]
        bare = _bare_parts_after(denied, tokens, language, negation)
        for label in _read_bare(language, bare, {hit.label for hit in denied}):
            scores.setdefault(label, (CONFIDENT, len(tokens)))
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
        bare=tuple(bare),
    )
