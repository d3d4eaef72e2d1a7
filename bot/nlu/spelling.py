"""Typo handling for one language: which unknown word a typed word most likely is.

Built once from the lexicon's words. In order of trust:
1. one letter doubled or undoubled ("bback", "kiling", "slep");
2. a lexicon word one edit away (two for words of 10+ letters); words under 7 letters only by two
   swapped letters ("cramsp"), because short real words sit too close to each other;
3. two lexicon words run together ("backpain") when they stand side by side in some phrase.
Real words are never touched: only words that are neither lexicon nor common words get here, and
the misspellings content lists on purpose ("peing"), which are also tried as typos ("peing too often").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.nlu.words import Grammar

_CACHE_SIZE = 4096


def _misspellings(counts: Counter[str], words: Grammar) -> set[str]:
    """Lexicon words that look like listed misspellings: a close spelling of a more used word with
    another stem ("bloted" beside "bloated"). As correction targets they would pull real words in
    ("bolted" -> "bloted"), so they are not targets."""
    by_letter: dict[str, list[str]] = {}
    for word in sorted(w for w in counts if len(w) >= 4 and w.isalpha()):
        by_letter.setdefault(word[0], []).append(word)
    found: set[str] = set()
    for word in (w for words_of in by_letter.values() for w in words_of):
        limit = 1 if len(word) < 10 else 2
        near = process.extract(word, by_letter[word[0]], scorer=OSA.distance, score_cutoff=limit, limit=None)
        if any(counts[other] > counts[word] and words.stem(other) != words.stem(word) for other, _, _ in near):
            found.add(word)
    return found


class Speller:
    """Corrects typed words towards the lexicon of one language."""

    def __init__(self, counts: Counter[str], pairs: Iterable[tuple[str, str]], words: Grammar) -> None:
        self.suspect = frozenset(word for word in _misspellings(counts, words) if word not in words.common)
        self.vocabulary = frozenset(counts)
        self._targets: dict[str, list[str]] = {}
        for word in sorted(counts):
            if len(word) >= 5 and word.isalpha() and word not in self.suspect:
                self._targets.setdefault(word[0], []).append(word)
        self._pairs = frozenset(pairs)
        self._cache: dict[str, tuple[str, ...]] = {}

    def refix(self, word: str) -> tuple[str, ...]:
        """A listed misspelling with a letter doubled or undoubled ("peing" -> "peeing"), if any."""
        return self._doubled(word)

    def fix(self, word: str) -> tuple[str, ...]:
        """The word as the lexicon knows it: corrected, split in two, or unchanged."""
        found = self._cache.get(word)
        if found is None:
            found = self._doubled(word) or self._correct(word) or self._split(word) or (word,)
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            self._cache[word] = found
        return found

    def _doubled(self, word: str) -> tuple[str, ...]:
        if len(word) < 4 or len(word) > 30:
            return ()
        for index in range(1, len(word)):
            if word[index] == word[index - 1] and (shorter := word[:index] + word[index + 1 :]) in self.vocabulary:
                return (shorter,)
        for index in range(1, len(word) + 1):
            longer = word[:index] + word[index - 1] + word[index:]
            if word[index - 1].isalpha() and longer in self.vocabulary:
                return (longer,)
        return ()

    def _correct(self, word: str) -> tuple[str, ...]:
        if len(word) < 5 or len(word) > 30:
            return ()
        limit = 1 if len(word) < 10 else 2
        letters = sorted(word)
        found = [
            (distance, sorted(target) != letters, str(target))
            for target, distance, _ in process.extract(
                word, self._targets.get(word[0], []), scorer=OSA.distance, score_cutoff=limit, limit=None
            )
        ]
        if len(word) < 7:
            found = [item for item in found if not item[1]]
        return (min(found)[2],) if found else ()

    def _split(self, word: str) -> tuple[str, ...]:
        if len(word) < 6 or len(word) > 30:
            return ()
        for cut in range(3, len(word) - 2):
            if (word[:cut], word[cut:]) in self._pairs:
                return word[:cut], word[cut:]
        return ()
