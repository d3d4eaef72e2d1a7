"""`occurrences` finds every place of every phrase, phrase by phrase in their order, however large the table."""

from __future__ import annotations

import random

from bot.nlu.occurrences import occurrences


def plainly(said: list[str], phrases: tuple[tuple[str, ...], ...]) -> list[range]:
    """The reference: every phrase at every position, in the table's order."""
    return [
        range(start, start + len(phrase))
        for phrase in phrases
        for start in range(len(said))
        if phrase and tuple(said[start : start + len(phrase)]) == phrase
    ]


def test_small_and_large_tables_agree_with_the_plain_search() -> None:
    rng = random.Random(7)
    vocabulary = ["a", "b", "c", "d", "e"]
    for _ in range(400):
        size = rng.choice([1, 3, 7, 8, 20, 60])
        phrases = tuple(tuple(rng.choices(vocabulary, k=rng.randint(0, 3))) for _ in range(size))
        said = rng.choices(vocabulary, k=rng.randint(0, 30))
        assert list(occurrences(said, phrases)) == plainly(said, phrases)


def test_words_blanked_while_reading_are_no_longer_found() -> None:
    phrases = (*(("x", str(n)) for n in range(20)), ("hay", "fever"), ("fever",))
    said = ["hay", "fever", "and", "fever"]
    found = []
    for where in occurrences(said, phrases):
        found.append(where)
        said[where.start : where.stop] = [""] * len(where)
    assert found == [range(0, 2), range(3, 4)]  # "fever" inside "hay fever" was blanked before it was asked for


def test_a_table_rebuilt_at_the_same_address_is_read_afresh() -> None:
    for word in ("alpha", "beta", "gamma"):
        phrases = tuple((word, str(n)) for n in range(10))
        assert list(occurrences([word, "3"], phrases)) == [range(0, 2)]
