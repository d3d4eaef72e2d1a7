"""Where phrases (tuples of words) occur in a list of words."""

from __future__ import annotations

from collections.abc import Iterator, Sequence


def occurrences(said: Sequence[str], phrases: Sequence[tuple[str, ...]]) -> Iterator[range]:
    """Where each of the phrases occurs in the words, phrase by phrase in their order, every occurrence: the
    positions it covers. Only where a phrase's first word stands is looked at: a long text naming a phrase
    hundreds of times, or a table of hundreds of phrases, costs one pass over the words, not one per phrase
    and position. The words are compared as they are when each occurrence is asked for (a caller may blank
    the words it has taken)."""
    starts: dict[str, list[int]] = {}
    for position, word in enumerate(said):
        starts.setdefault(word, []).append(position)
    for phrase in phrases:
        size = len(phrase)
        for start in starts.get(phrase[0], ()) if size else ():
            if tuple(said[start : start + size]) == phrase:
                yield range(start, start + size)
