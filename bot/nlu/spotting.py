"""Finding a PhraseIndex's phrases in a text's tokens: exactly, in any order, or by fuzzy spelling.

Scores are 0-100: an exact phrase is 100, the same words in another order or with a few words
between them a little less, a typo-corrected word costs a few points, and a fuzzy match scores
its rapidfuzz ratio. `resolve` then keeps the best hits that do not share a word.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.nlu.lexicon import Phrase, PhraseIndex, Token, initials

CONFIDENT = 85.0  # at or above: a match
UNSURE = 70.0  # from here to CONFIDENT: a "did you mean" candidate
EDIT_COST = 4.0  # points lost per letter changed by typo correction
WORD_FUZZY = 90.0  # a lone word needs to be this close to a one-word phrase
_FUZZY_TOKENS = 40  # at most this many unknown words are tried fuzzily
_MAX_FUZZY_SIZE = 4


@dataclass(frozen=True, slots=True)
class Hit:
    """A phrase found in a text: which label, on which tokens, how well."""

    label: str
    positions: tuple[int, ...]  # sorted token indices
    size: int  # how many words the phrase has
    score: float
    between: frozenset[str] = frozenset()  # words of the phrase that an any-order hit may leave out between its own

    @property
    def start(self) -> int:
        """The first token of the hit."""
        return self.positions[0]

    @property
    def end(self) -> int:
        """One past the last token of the hit."""
        return self.positions[-1] + 1


def _edit_cost(tokens: Sequence[Token], positions: Iterable[int], cost: float) -> float:
    return cost * sum(tokens[i].edits for i in positions)


def _exact(index: PhraseIndex, tokens: Sequence[Token], edit_cost: float) -> list[Hit]:
    hits: list[Hit] = []
    stems = [token.stem for token in tokens]
    for start in range(len(tokens)):
        clause = tokens[start].clause
        starting = index.exact.get(stems[start])
        if starting is None:
            continue
        for size in range(1, index.max_size + 1):
            end = start + size
            if end > len(tokens):
                break
            if tokens[end - 1].clause != clause:
                # a contrast word the phrase itself holds opens no clause inside it ("ko daure | par rahe")
                if size == 1 or tokens[end - 1].word not in index.bridges or tokens[end - 1].clause != clause + 1:
                    break
                clause += 1
            label = starting.get(" ".join(stems[start:end]))
            if label is None:
                break  # no phrase starts so
            if label:
                positions = tuple(range(start, end))
                hits.append(Hit(label, positions, size, 100.0 - _edit_cost(tokens, positions, edit_cost)))
    return hits


def _window(size: int) -> int:
    """How many tokens an any-order hit of `size` content words may span."""
    return 6 if size == 2 else (10 if size == 3 else 3 * size)


def _any_order(index: PhraseIndex, tokens: Sequence[Token], cross_clauses: bool, edit_cost: float) -> list[Hit]:
    where: dict[str, list[int]] = {}
    for position, token in enumerate(tokens):
        where.setdefault(token.stem, []).append(position)
    hits: list[Hit] = []
    present = where.__contains__
    for stem in where:
        anchored = index.anchored(stem)
        if anchored is None:
            continue
        for phrase in anchored.among(where):
            if not all(map(present, phrase.content)):
                continue
            hit = _place(phrase, where, tokens, cross_clauses, edit_cost, index.negating)
            if hit is not None:
                hits.append(hit)
    return hits


def _place(
    phrase: Phrase,
    where: dict[str, list[int]],
    tokens: Sequence[Token],
    cross: bool,
    edit_cost: float,
    negating: frozenset[str] = frozenset(),
) -> Hit | None:
    """The tightest placement of a phrase's content words around each occurrence of its first; a negating
    word of an ordered phrase not alone in its clause."""
    best: Hit | None = None
    window = _window(len(phrase.content))
    for anchor in where[phrase.anchor]:
        positions = [anchor if stem == phrase.anchor else _nearest(where[stem], anchor) for stem in phrase.content]
        if phrase.ordered and positions != sorted(positions):
            # a word said twice: the nearest of each may break the phrase's order where another keeps it
            # ("cannot feel my legs suddenly and cannot stand": the first "cannot", not the nearer second)
            kept = _in_order(phrase, where, anchor)
            if kept is None:
                continue
            positions = kept
        low, high = min(positions), max(positions)
        span = _span(tokens, low, high, window)
        if len(set(positions)) < len(positions) or span > window:
            continue
        if not cross and len({tokens[p].clause for p in positions}) > 1:
            continue
        if phrase.ordered and _negation_split(phrase, positions, tokens, negating):
            continue
        ordered = tuple(sorted(positions))
        score = max(86.0, 96.0 - 2.0 * (span - len(positions))) - _edit_cost(tokens, ordered, edit_cost)
        if best is None or score > best.score:
            best = Hit(phrase.label, ordered, len(phrase.stems), score, frozenset(phrase.text.split()))
    return best


def _negation_split(
    phrase: Phrase, positions: Sequence[int], tokens: Sequence[Token], negating: frozenset[str]
) -> bool:
    """Whether a negating word of the phrase stands alone in a clause of its own: it denies something else
    there ("NO bleeding, baby kicking well")."""
    clauses = [tokens[p].clause for p in positions]
    return any(
        stem in negating and clauses.count(clause) == 1 for stem, clause in zip(phrase.content, clauses, strict=True)
    )


def _in_order(phrase: Phrase, where: dict[str, list[int]], anchor: int) -> list[int] | None:
    """The tightest placement of an ordered phrase's words around one occurrence of its anchor that keeps
    their order: each word before it at its nearest occurrence before the next, each after at its nearest
    after the last; None when there is none."""
    content = phrase.content
    at = content.index(phrase.anchor)
    placed = [anchor] * len(content)
    for index in range(at - 1, -1, -1):
        found = where[content[index]]
        before = bisect_left(found, placed[index + 1]) - 1
        if before < 0:
            return None
        placed[index] = found[before]
    for index in range(at + 1, len(content)):
        found = where[content[index]]
        after = bisect_right(found, placed[index - 1])
        if after == len(found):
            return None
        placed[index] = found[after]
    return placed


def _nearest(positions: list[int], anchor: int) -> int:
    """The position nearest to `anchor`, the earlier of two as near; `positions` ascending (a text naming a
    word hundreds of times is searched, not walked, for each occurrence of the anchor)."""
    at = bisect_left(positions, anchor)
    if at == 0:
        return positions[0]
    if at == len(positions):
        return positions[-1]
    before, after = positions[at - 1], positions[at]
    return before if anchor - before <= after - anchor else after


def _span(tokens: Sequence[Token], low: int, high: int, limit: int) -> int:
    """How many non-filler tokens from `low` to `high`, counted only until it passes `limit`."""
    span = 0
    for index in range(low, high + 1):
        span += not tokens[index].filler
        if span > limit:
            break
    return span


def _fuzzy(index: PhraseIndex, tokens: Sequence[Token], cutoff: float, keep_own_words: bool = False) -> list[Hit]:
    """Close spellings around each unknown word. A group of words needs a word of the index, and is
    compared only with the phrases that share a word with it or begin their words with the same
    letters; a lone word only with those that start with its letter. `keep_own_words`: a word the phrases
    use is never read as a typo of another of them (red flags)."""
    unknown = [i for i, token in enumerate(tokens) if not token.known][:_FUZZY_TOKENS]
    if not unknown:
        return []
    relevant = [not t.filler and t.word in index.word_counts for t in tokens]
    hits: list[Hit] = []
    tried: set[tuple[int, int]] = set()
    for position in unknown:
        for size in range(1, min(_MAX_FUZZY_SIZE, index.max_size) + 1):
            bucket = index.sized.get(str(size))
            if bucket is None:
                continue
            for start in range(max(0, position - size + 1), position + 1):
                end = start + size
                if end > len(tokens) or (start, end) in tried:
                    continue
                tried.add((start, end))
                if tokens[start].clause != tokens[end - 1].clause:
                    continue
                if size > 1 and not any(relevant[start:end]):
                    continue
                query = " ".join(token.word for token in tokens[start:end])
                found = _closest(query, _candidates(index, size, tokens[start:end], query), bucket[0], cutoff)
                if found is None:
                    continue
                if not keep_own_words or _respells_no_own_word(index, tokens[start:end], bucket[0][found[0]]):
                    positions = tuple(range(start, end))
                    hits.append(Hit(bucket[1][found[0]], positions, size, found[1]))
    return hits


def _respells_no_own_word(index: PhraseIndex, window: Sequence[Token], text: str) -> bool:
    """True when a close phrase respells none of the window's words that the phrases themselves use: such
    a word is no typo of another ("malish KARNA chahti hoon" is not "MARNA chahti hoon")."""
    words = text.split()
    if len(words) != len(window) or len(window) == 1:
        return True
    return all(
        token.word == word or token.filler or not token.known or token.word not in index.word_counts
        for token, word in zip(window, words, strict=True)
    )


def _candidates(index: PhraseIndex, size: int, window: Sequence[Token], query: str) -> list[int]:
    """Positions in `index.sized[size]` worth comparing with the window's text."""
    by_initials, by_word = index.by_initials.get(str(size)) or {}, index.by_word.get(str(size)) or {}
    same_initials = by_initials.get(initials([token.word for token in window]), [])
    if size == 1:
        return same_initials
    found = set(same_initials)
    for token in window:
        if not token.filler and not token.word.isdigit():  # a number is shared by too many phrases to tell
            found.update(by_word.get(token.word, ()))
    return sorted(found)


def _closest(query: str, candidates: list[int], texts: list[str], cutoff: float) -> tuple[int, float] | None:
    """The closest phrase text among the candidates; a single word must be at least five letters."""
    if not candidates or (" " not in query and len(query) < 5):
        return None
    choices = [texts[i] for i in candidates]
    if " " not in query:
        cutoff = max(cutoff, WORD_FUZZY)
        choices = [text if len(text) >= 5 else "" for text in choices]
    found = process.extractOne(query, choices, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff)
    return None if found is None else (candidates[found[2]], float(found[1]))


def spot(
    index: PhraseIndex,
    tokens: Sequence[Token],
    *,
    cross_clauses: bool = False,
    fuzzy_cutoff: float | None = UNSURE,
    keep_own_words: bool = False,
    edit_cost: float = EDIT_COST,
) -> list[Hit]:
    """Every place a phrase of the index occurs in the tokens (overlapping hits included); `keep_own_words`:
    no word of the index is read as a misspelling of another ("karna chahti hoon" is not "marna chahti hoon");
    `edit_cost`: points a hit loses per letter that typo correction changed in its words."""
    if not tokens or not index.size:
        return []
    hits = _exact(index, tokens, edit_cost) + _any_order(index, tokens, cross_clauses, edit_cost)
    if fuzzy_cutoff is not None:
        hits += _fuzzy(index, tokens, fuzzy_cutoff, keep_own_words)
    return hits


def resolve(hits: Iterable[Hit]) -> list[Hit]:
    """The hits to believe, in text order: confident before unsure, longer before shorter, no shared words."""
    taken: set[int] = set()
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.score < CONFIDENT, -len(h.positions), -h.score, h.start)):
        if taken.isdisjoint(hit.positions):
            kept.append(hit)
            taken.update(hit.positions)
    return sorted(kept, key=lambda h: h.start)
