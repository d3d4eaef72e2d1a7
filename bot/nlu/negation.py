"""Which hits a text says are absent: "no headache, just tired", "not bloated", "without back pain".

A cue ("no", "not", "without") negates a hit when only filler words stand between them ("I don't
really have a headache"); a list continues it ("no headache or nausea"). The scope ends at a clause
break (punctuation, "but", "just") and at any other word. "...is gone" after a hit negates it too.
Hedges ("not sure", "no idea") are not negation: when in doubt, the symptom or red flag stands.
The words of each language are in content/languages/<lang>.toml, [negation].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.nlu.lexicon import Token
from bot.nlu.spotting import Hit
from bot.nlu.words import Negation


def _cue_at(tokens: Sequence[Token], index: int, words: Negation) -> bool:
    if tokens[index].word not in words.cues:
        return False
    following = tokens[index + 1].word if index + 1 < len(tokens) else ""
    return following not in words.hedges


def _gone_after(hit: Hit, tokens: Sequence[Token], words: Negation) -> bool:
    """True when a word after the hit says it has passed ("el 9da3 5ala9"); never after a hit that says
    it cannot ("ma agdar atnafas 5ala9": "I can't breathe AT ALL")."""
    if any(tokens[index].word in words.cues for index in hit.positions):
        return False
    clause = tokens[hit.end - 1].clause
    for index in range(hit.end, min(hit.end + 4, len(tokens))):
        token = tokens[index]
        if token.clause != clause:
            return False
        if token.word in words.gone:
            return True
        if token.word not in words.gone_fillers:
            return False
    return False


def gone_within(hit: Hit, tokens: Sequence[Token], words: Negation) -> bool:
    """True when a hit read across clauses has a word said gone at the end of its own clause, before the rest
    of the hit: "кровотечения НЕТ, беременность 20 недель" (no bleeding; the pregnancy alone is no sign). The
    gone word must close that clause (`gone_fillers` only between): "кровь пошла, нет сил" denies nothing."""
    if any(tokens[index].word in words.cues for index in hit.positions):
        return False
    for position, following in zip(hit.positions, hit.positions[1:], strict=False):
        clause = tokens[position].clause
        if tokens[following].clause == clause:
            continue
        gone = False
        for index in range(position + 1, following + 1):  # to the rest's first word, in a later clause
            token = tokens[index]
            if token.clause != clause:
                if gone:
                    return True
                break
            if token.word in words.gone and not gone:
                gone = True
            elif token.word not in words.gone_fillers:
                break
    return False


def split_at(tokens: Sequence[Token], contrasts: frozenset[str]) -> tuple[Token, ...]:
    """The tokens with a new clause at each contrast word: "didn't hit my head | BUT I passed out", "haven't
    vomited | BUT I feel nauseous"."""
    split: list[Token] = []
    shift = 0
    for token in tokens:
        shift += token.word in contrasts
        split.append(replace(token, clause=token.clause + shift) if shift else token)
    return tuple(split)


def says_its_own(hit: Hit, tokens: Sequence[Token], own_negation: frozenset[str]) -> bool:
    """True when a hit holds a negation of its own ("CAN'T sleep", "NOT breathing"): it says something new,
    never an item of a denied list before it ("no headache and can't sleep")."""
    return any(tokens[position].word in own_negation for position in hit.positions)


def negated_hits(
    hits: Sequence[Hit], tokens: Sequence[Token], words: Negation, own_negation: frozenset[str] = frozenset()
) -> set[int]:
    """The indices (into `hits`, which must be disjoint and in text order) of negated hits. A hit holding
    one of `own_negation` ("cannot", "not") says something of its own: a negation before it, or a denied
    hit it follows, does not reach it ("no headache and CAN'T SLEEP", "no chest pain and CAN'T BREATHE")."""
    owner: dict[int, int] = {}
    for number, hit in enumerate(hits):
        for position in hit.positions:
            owner[position] = number
    negated: set[int] = set()
    for number, hit in enumerate(hits):
        clause = tokens[hit.start].clause
        index = hit.start - 1
        steps = 0
        if says_its_own(hit, tokens, own_negation):
            index = -1
        while index >= 0 and tokens[index].clause == clause and steps < 6:
            if index in owner:
                if owner[index] in negated:
                    negated.add(number)
                break
            if _cue_at(tokens, index, words):
                negated.add(number)
                break
            word = tokens[index].word
            if word in words.joiners and index + 1 < len(tokens) and tokens[index + 1].word in words.starters:
                break
            if word not in words.fillers and word not in words.joiners:
                break
            index -= 1
            steps += 1
        if number not in negated and _gone_after(hit, tokens, words):
            negated.add(number)
    return negated


def denied_inside(hit: Hit, tokens: Sequence[Token], words: Negation, reach: int = 0) -> bool:
    """True when a negation stands between a hit's words, right before one of its own later words in its
    clause: "голова НЕ болит", "راسي ما يعورني", "my back is NOT sore". Fillers and joiners may stand
    between, and `reach` other words: red flags read a short list on ("my calf is NOT swollen or red"),
    symptoms none ("my stomach is NOT bloated but I feel sick"). A cue the phrase itself holds ("уснуть НЕ
    могу") and a hedge ("not sure") deny nothing."""
    own = set(hit.positions)
    for index in range(hit.start, hit.end):
        word = tokens[index].word
        if index in own or word not in words.cues or word in hit.between:
            continue
        if index + 1 < len(tokens) and tokens[index + 1].word in words.hedges:
            continue
        after, skipped = index + 1, 0
        while after < hit.end and after not in own and tokens[after].clause == tokens[index].clause:
            if tokens[after].word not in words.fillers and tokens[after].word not in words.joiners:
                if skipped == reach:
                    break
                skipped += 1
            after += 1
            if skipped == reach > 0:
                break  # the reach is spent: what follows must be the hit's own word
        if after in own and tokens[after].clause == tokens[index].clause:
            return True
    return False
