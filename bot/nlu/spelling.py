"""Typo handling for one language: which unknown word a typed word most likely is.

Built once from the lexicon's words. In order of trust:
1. one letter doubled or undoubled ("bback", "kiling", "slep");
2. a lexicon word one edit away (two for words of 10+ letters); words under 7 letters only by two
   swapped letters ("cramsp"), because short real words sit too close to each other, or, where the
   language has a list of its real words (English), by one letter left out inside the word when only
   one lexicon word lacks it and the typed word is no real word ("pinful", "ashma"; not "cases");
3. two lexicon words run together ("backpain") when they stand side by side in some phrase;
4. text-speak: a dropped final "g" ("bleedin", "gapin"), "-tion"/"-sion" written as it sounds
   ("contracshns", "infecshun", "depreshun"), or vowels left out ("wrst", "thrt", "fingrs", "myslf": at
   most one vowel typed, the letters in order, the same consonants), towards the most used lexicon word
   that reads so.
Real words are never touched: only words that are neither lexicon nor common words get here, and
the misspellings content lists on purpose ("peing"), which are also tried as typos ("peing too often").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.nlu.words import Grammar

_CACHE_SIZE = 4096
# pyspellchecker's English list counts how often each word was seen; 50 is its floor, where misspellings
# sit beside rare words ("troat", "panful"): a word seen more often is a real word, not a typo
REAL_WORD_SEEN = 100


def real_words(lang: str) -> Mapping[str, int] | None:
    """How often each word of a language is seen, for the languages whose typos are read against such a
    list (pyspellchecker's, from subtitles): English. Loaded only when a language's indexes are built."""
    if lang != "en":
        return None
    from spellchecker import SpellChecker  # a second to load: kept out of every other import

    return SpellChecker(language="en", distance=1).word_frequency.dictionary


VOWELS = frozenset("aeiou")
_SOUNDED = re.compile(r"sh[aeiou]?n")  # "-tion" and "-sion" as they sound: "infecshun", "contracshns"


def skeleton(word: str) -> str:
    """The word's consonants in order (its first letter kept, vowel or not): "worst" -> "wrst", "ever" ->
    "evr"; what is left when text-speak drops the vowels."""
    return word[:1] + "".join(c for c in word[1:] if c not in VOWELS)


def _typed_in_order(typed: str, word: str) -> bool:
    """Whether every letter of `typed` appears in `word`, in order."""
    letters = iter(word)
    return all(c in letters for c in typed)


def _misspellings(counts: Counter[str], words: Grammar) -> dict[str, str]:
    """Lexicon words that look like listed misspellings: a close spelling of a more used word with
    another stem ("bloted" beside "bloated"), each with the most used such word. As correction targets
    they would pull real words in ("bolted" -> "bloted"), so they are not targets."""
    by_letter: dict[str, list[str]] = {}
    for word in sorted(w for w in counts if len(w) >= 4 and w.isalpha()):
        by_letter.setdefault(word[0], []).append(word)
    found: dict[str, str] = {}
    for word in (w for words_of in by_letter.values() for w in words_of):
        limit = 1 if len(word) < 10 else 2
        near = process.extract(word, by_letter[word[0]], scorer=OSA.distance, score_cutoff=limit, limit=None)
        more_used = [
            (-counts[other], other)
            for other, _, _ in near
            if counts[other] > counts[word] and words.stem(other) != words.stem(word)
        ]
        if more_used:
            found[word] = min(more_used)[1]
    return found


class Speller:
    """Corrects typed words towards the lexicon of one language."""

    def __init__(
        self,
        counts: Counter[str],
        pairs: Iterable[tuple[str, str]],
        words: Grammar,
        owners: Mapping[str, frozenset[str]] | None = None,
        real: Mapping[str, int] | None = None,
    ) -> None:
        suspects = _misspellings(counts, words)
        self.suspect = frozenset(word for word in suspects if word not in words.common)
        # A listed misspelling that lacks one letter of a word the same item uses ("hedache" and "headache"
        # are both headache's) is read as that word. Others may be real words of another item ("spitting"
        # blood, a "splitting" headache; "drooping" beside "drooling") and stay as they are.
        owned = owners or {}
        self._meant = {
            word: other
            for word, other in suspects.items()
            if word in self.suspect
            and word.isascii()  # Latin letters only, as for every correction (a Russian form is a real word)
            and len(other) == len(word) + 1
            and _typed_in_order(word, other)
            and owned.get(word, frozenset()) & owned.get(other, frozenset())
        }
        self.vocabulary = frozenset(counts)
        self._targets: dict[str, list[str]] = {}
        for word in sorted(counts):
            if len(word) >= 5 and word.isalpha() and word not in self.suspect:
                self._targets.setdefault(word[0], []).append(word)
        self._pairs = frozenset(f"{first} {second}" for first, second in pairs)  # strings load faster than tuples
        self._counts = counts
        self._skeletons: dict[str, list[str]] = {}
        for word in sorted(counts):
            if len(word) >= 3 and word.isalpha() and word.isascii() and word not in self.suspect:  # Latin only
                self._skeletons.setdefault(skeleton(word), []).append(word)
        # Short words a letter left out inside a target makes that are real words ("cases", not "causes"),
        # or None: the language has no list of its real words, and no letter left out is put back
        self._real_short: frozenset[str] | None = None
        if real is not None:
            self._real_short = frozenset(
                shorter
                for targets in self._targets.values()
                for target in targets
                if len(target) in (6, 7)
                for index in range(1, len(target) - 1)
                if real.get(shorter := target[:index] + target[index + 1 :], 0) >= REAL_WORD_SEEN
            )
        self._cache: dict[str, tuple[str, ...]] = {}

    def refix(self, word: str) -> tuple[str, ...]:
        """A listed misspelling as the word it stands for: a letter doubled or undoubled ("peing" ->
        "peeing"), else the more used word it misspells ("hedache" -> "headache"), so that phrases
        written with the right spelling find it too."""
        return self._doubled(word) or ((self._meant[word],) if word in self._meant else ())

    def fix(self, word: str) -> tuple[str, ...]:
        """The word as the lexicon knows it: corrected, split in two, or unchanged."""
        found = self._cache.get(word)
        if found is None:
            found = self._doubled(word) or self._correct(word) or self._split(word) or self._text_speak(word) or (word,)
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
            # nearest first, then two letters swapped, then a letter left out (the commonest slips), then
            # the word the content uses most ("beeding": "bleeding", not "bending")
            (distance, sorted(target) != letters, len(target) != len(word) + 1, -self._counts[target], str(target))
            for target, distance, _ in process.extract(
                word, self._targets.get(word[0], []), scorer=OSA.distance, score_cutoff=limit, limit=None
            )
        ]
        if len(word) < 7:
            # two letters swapped ("cramsp"), or one letter left out inside a word that is no real word, when
            # only one word lacks it ("pinful", "ashma"); not at its end, where a real word lacks an ending
            # ("scare", "scared"); a letter typed wrong in a short word is as likely another real word
            swapped = [item for item in found if not item[1]]
            dropped = [item for item in found if not item[2] and item[4][:-1] != word]
            if self._real_short is None or word in self._real_short or len(dropped) != 1:
                dropped = []
            found = swapped or dropped
        return (min(found)[4],) if found else ()

    def _text_speak(self, word: str) -> tuple[str, ...]:
        if len(word) < 3 or len(word) > 20:
            return ()
        if word.endswith("in") and (whole := f"{word}g") in self.vocabulary:
            return (whole,)
        if sounded := self._sounded(word):
            return sounded
        if sum(c in VOWELS for c in word) > 1:
            return ()
        found = [
            (-self._counts[w], len(w), w)
            for w in self._skeletons.get(skeleton(word), ())
            if len(word) < len(w) <= len(word) + 3 and _typed_in_order(word, w)
        ]
        return (min(found)[2],) if found else ()

    def _sounded(self, word: str) -> tuple[str, ...]:
        """ "-tion" or "-sion" written as it sounds: the word so spelt, a letter doubled if need be
        ("depreshun" -> "depresion" -> "depression")."""
        if not _SOUNDED.search(word):
            return ()
        for spelling in ("tion", "sion"):
            respelt = _SOUNDED.sub(spelling, word)
            if respelt in self.vocabulary:
                return (respelt,)
            if found := self._doubled(respelt):
                return found
        return ()

    def _split(self, word: str) -> tuple[str, ...]:
        if len(word) < 6 or len(word) > 30:
            return ()
        for cut in range(3, len(word) - 2):
            if f"{word[:cut]} {word[cut:]}" in self._pairs:
                return word[:cut], word[cut:]
        return ()
