"""Where phrases (tuples of words) occur in a list of words."""

from __future__ import annotations

from collections.abc import Iterator, KeysView, Sequence

Phrases = Sequence[tuple[str, ...]]
ByFirst = dict[str, tuple[tuple[int, tuple[str, ...]], ...]]

SMALL = 8
"""A table of fewer phrases is looked up phrase by phrase; a larger one by its phrases' first words."""

_BY_FIRST: dict[int, tuple[Phrases, ByFirst]] = {}
_KEPT = 4096  # tables indexed at most: a language's tables are a few dozen, kept for good


def occurrences(said: Sequence[str], phrases: Phrases) -> Iterator[range]:
    """Where each of the phrases occurs in the words, phrase by phrase in their order, every occurrence: the
    positions it covers. Only where a phrase's first word stands is looked at, and only the phrases whose
    first word is said: a long text naming a phrase hundreds of times, or a table of hundreds of phrases,
    costs one pass over the words, not one per phrase and position. The words are compared as they are when
    each occurrence is asked for (a caller may blank the words it has taken)."""
    if len(phrases) < SMALL:
        yield from _phrase_by_phrase(said, phrases)
        return
    by_first = _by_first(phrases)
    found = [(order, start, phrase) for start, word in enumerate(said) for order, phrase in by_first.get(word, ())]
    found.sort(key=lambda candidate: (candidate[0], candidate[1]))
    for _order, start, phrase in found:
        if tuple(said[start : start + len(phrase)]) == phrase:
            yield range(start, start + len(phrase))


def _phrase_by_phrase(said: Sequence[str], phrases: Phrases) -> Iterator[range]:
    starts: dict[str, list[int]] = {}
    for position, word in enumerate(said):
        starts.setdefault(word, []).append(position)
    for phrase in phrases:
        size = len(phrase)
        for start in starts.get(phrase[0], ()) if size else ():
            if tuple(said[start : start + size]) == phrase:
                yield range(start, start + size)


def first_words(phrases: Phrases) -> KeysView[str]:
    """The words the phrases start with: a text holding none of them holds none of the phrases."""
    return _by_first(phrases).keys()


def _by_first(phrases: Phrases) -> ByFirst:
    """The phrases by their first word, each with its place in the table, worked out once per table (a
    language keeps its tables for good; the table itself is kept beside them, so its id is never another's)."""
    known = _BY_FIRST.get(id(phrases))
    if known is None or known[0] is not phrases:
        if len(_BY_FIRST) >= _KEPT:
            _BY_FIRST.clear()
        grouped: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for order, phrase in enumerate(phrases):
            if phrase:
                grouped.setdefault(phrase[0], []).append((order, phrase))
        known = _BY_FIRST[id(phrases)] = (phrases, {first: tuple(group) for first, group in grouped.items()})
    return known[1]
