"""What the matcher knows about the words of each language, compiled from content/languages/<lang>.toml.

The word lists are data; only the stemmers are code, picked by name in the language file
(`stemmer = "english-light"`, or "none" for whole words).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import snowballstemmer

from content.model import EXACT, LanguageWords, expand_concepts


class Stemmer(Protocol):
    """Reduces a word to a stem that its inflections share ("aching", "aches" -> "ach")."""

    def __call__(self, word: str) -> str: ...


_VOWELS = frozenset("aeiouy")
_MEMORY = 65536  # words a stemmer remembers


def _undouble(word: str) -> str:
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in _VOWELS and word[-1] not in "lsz":
        return word[:-1]
    return word


class _Remembering:
    """A stemmer that remembers its answers (up to `_MEMORY` words) and its irregular forms; a class, not
    a closure, so that a built index can be pickled."""

    __slots__ = ("memory", "table")

    def __init__(self, irregular: Mapping[str, str]) -> None:
        self.table = dict(irregular)
        self.memory: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        found = self.memory.get(word)
        if found is None:
            found = self.table.get(word)
            if found is None:
                found = self.rules(word)
            if len(self.memory) >= _MEMORY:
                self.memory.clear()
            self.memory[word] = found
        return found

    def rules(self, word: str) -> str:
        return word


class _EnglishLight(_Remembering):
    """A small suffix-stripping stemmer for English, applied alike to phrases and texts."""

    __slots__ = ()

    def rules(self, word: str) -> str:
        if len(word) <= 3 or not word.isalpha():
            return word
        if word.endswith("ness") and len(word) > 6:
            word = word[:-4]
        if word.endswith("ing") and len(word) >= 6:
            word = _undouble(word[:-3])
        elif word.endswith(("ied", "ies")) and len(word) > 4:
            word = word[:-3] + "i"
        elif word.endswith("ed") and len(word) >= 5:
            word = _undouble(word[:-2])
        elif word.endswith("es") and len(word) >= 5 and (word[-3] in "sxz" or word[-4:-2] in ("ch", "sh")):
            word = word[:-2]
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
        if word.endswith("e") and len(word) > 3:
            word = word[:-1]
        if word.endswith("y") and len(word) > 3:
            word = word[:-1] + "i"
        return word


class _WholeWords(_Remembering):
    """No suffix rules: a word is its own stem, except the irregular forms the language lists."""

    __slots__ = ()


class _Snowball(_Remembering):
    """A Snowball stemmer (snowballstemmer's pure-Python port) for a language with rich endings: Russian
    cases ("головная боль", "головной боли"), Arabic prefixes and suffixes."""

    __slots__ = ("algorithm", "name")

    def __init__(self, irregular: Mapping[str, str], algorithm: str) -> None:
        super().__init__(irregular)
        self.name = algorithm
        self.algorithm = snowballstemmer.stemmer(algorithm)

    def rules(self, word: str) -> str:
        return str(self.algorithm.stemWord(word)) if word.isalpha() else word

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.table, self.name))


# Stemmers by the name a language file gives; content/loader.py accepts exactly these names.
STEMMERS: dict[str, Callable[[Mapping[str, str]], Stemmer]] = {
    "english-light": _EnglishLight,
    "none": _WholeWords,
    "snowball-russian": functools.partial(_Snowball, algorithm="russian"),
    "snowball-arabic": functools.partial(_Snowball, algorithm="arabic"),
}


@dataclass(frozen=True, slots=True)
class Negation:
    """A language's negation words (content.model.NegationWords) as sets."""

    cues: frozenset[str]
    fillers: frozenset[str]
    joiners: frozenset[str]
    hedges: frozenset[str]
    gone: frozenset[str]
    gone_fillers: frozenset[str]
    starters: frozenset[str]
    activities: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Grammar:
    """One language's word knowledge for the matcher, as sets ready for lookups."""

    stem: Stemmer
    stopwords: frozenset[str]
    common: frozenset[str]  # real words that are never typo-corrected
    keep_order: frozenset[str]  # a phrase holding one keeps its word order in any-order matching
    pain: tuple[str, ...]  # "pain", "болит": read with a body part named alone after a denied symptom
    figures: tuple[tuple[str, ...], ...]  # "tired of", "is such a headache": a symptom's words not meant
    negation: Negation
    verb_objects: frozenset[str]  # after a one-word red flag, make it a verb ("stroke my foot")
    verb_subjects: frozenset[str]  # before it, make it a noun again ("had a stroke my ...")
    past: tuple[tuple[str, ...], ...]  # "years ago", "history of", "one day": a clause that is not about now
    # ...of which a story's or a question's ("in the news", "what are the signs of"): a "suddenly" after them starts
    # what happens now ("watching the news and suddenly my dad collapsed")
    told: tuple[tuple[str, ...], ...]
    turns: frozenset[str]  # stems of the one-word "suddenly"s (class "sudden")
    nows: frozenset[str]  # stems of the one-word "now"s ([red_flags] now): a history before "and now" dates nothing
    lingering: tuple[tuple[str, ...], ...]  # ...unless one follows: "and now his arm is STILL weak"
    ages: tuple[tuple[str, ...], ...]  # "when i was" 12: before a number, a history
    others: frozenset[str]  # "husband", "mum", "he": someone else is meant
    little_ones: tuple[tuple[str, ...], ...]  # "toddler", "{n} year old": a little child ("{n}": a number up to 12)
    recurring: tuple[tuple[str, ...], ...]  # "happening again", "its back": after a history's sign, it is now
    dread: tuple[tuple[str, ...], ...]  # "going to die": a fear of dying, the body's sign beside it goes first
    first_person: frozenset[str]  # "i", "me": the writer
    addressed: tuple[tuple[str, ...], ...]  # "to my {}": someone a thing is for ("{}" a word of `others`)
    addressed_links: frozenset[str]  # "and", "my": join more of them ("to my mum AND MY sister")
    others_after: tuple[tuple[str, ...], ...]  # "ng {}": someone else named after the sign ("...ng kapatid ko")
    unborn: frozenset[str]  # "baby", "bump": in a pregnancy sign, the writer's own ("the baby isn't moving")
    denials: frozenset[str]  # "never": denies a red flag, not a symptom
    idioms: tuple[tuple[str, ...], ...]  # "gave me a": a red flag in a figure of speech
    sayings: tuple[tuple[str, ...], ...]  # "die of embarrassment": a saying, whatever the kind
    contrasts: frozenset[str]  # "but", "though": a new clause for red flags
    deniable: tuple[tuple[str, ...], ...]  # "suicidal", "hurt myself": self-harm names a cue may deny...
    intending: frozenset[str]  # ...over these words ("I don't WANT TO hurt myself")
    # ...or, in a language that puts the verb last, by a cue after the name, over `intending` words, ending
    # the clause or followed by one of these (the red-flag word class "deny_after", and [red_flags] deny_closers):
    # "khudkushi ka koi khayal NAHI HAI", "suicide ka NAHI SOCH raha", Russian "суицидальных мыслей НЕТ ПРОСТО стресс"
    deny_after: frozenset[str]
    # a self-harm name denied, then taken back in the next clause, which ends so (the red-flag word class
    # "taken_back"): "I wasn't suicidal before BUT NOW I AM", "suicidal nahi thi LEKIN AB HOON"
    taken_back: tuple[tuple[str, ...], ...]
    # a sign now likened to a past event after it (the red-flag word class "likened"): "chest heavy again LIKE WHEN
    # i had my heart attack last year" (the words from the likening on date the event likened, not the sign)
    likened: tuple[tuple[str, ...], ...]
    # a clause that opens with one of these ([red_flags] in_story) after a clause of a story (`told`)
    # is in that story: "смотрю сериал, ТАМ кто-то истекает кровью" (a place's "there" stays now: "захожу в подъезд,
    # там кто-то истекает кровью")
    in_story: frozenset[str]
    gestation: frozenset[str]  # "weeks" after a number from 4 to 42: pregnant...
    gestation_months: frozenset[str]  # "months" after a number from 3 to 9, "I am 7 months" / "7 months along"
    being: frozenset[str]
    along: frozenset[str]
    not_gestation: frozenset[str]  # "8 months old"
    week_of: frozenset[str]  # "week" before its number: "in week 30", "في الاسبوع 30"
    infants: frozenset[str]  # "my son is 8 months"
    current: tuple[tuple[str, ...], ...]  # "pregnant with my first": the present
    lead: frozenset[str]  # "that was" years ago
    pregnant: str  # ...the word it stands for (the first of the red-flag word class "pregnant")
    durations: frozenset[str]  # ...unless the number follows one of these ("for 3 weeks")
    # the language's number words ([when.numbers]): a month of pregnancy said in words ("नौ महीने की", "saat mahine")
    number_words: Mapping[str, int]
    # "keep fit", "overdose on netflix": stems of words in another sense, and the word they read as
    # ("blood pressure = bp"; "" when none)
    senses: Mapping[str, tuple[tuple[tuple[str, ...], str], ...]]  # by the stem of their first word
    # ...and by their second word too ("" for one word): a first word with thousands of senses ("so {young} does not
    # {kept_verb}") tries only those whose second word the text holds
    senses_by_second: Mapping[str, Mapping[str, tuple[tuple[int, tuple[str, ...], str], ...]]]
    reading_joints: frozenset[str]  # "150 OVER 95": a blood pressure reading
    high_reading: str  # a high reading reads as this word (the first of the red-flag word class "bp_high")
    crisis_reading: str  # a reading of 180/120 or more, as this word (the first of the class "bp_crisis"; "" if none)
    bp_ends: frozenset[str]  # stems of the last words of the class "bp": "blood PRESSURE 190" is a reading too
    bp_high: frozenset[str]  # stems of the words of the class "bp_high": "pressure VERY HIGH 200" is a reading too


def stem_table(words: LanguageWords) -> dict[str, str]:
    """Irregular forms and synonyms, each mapped to its stem (synonyms win, as they are listed later)."""
    table = dict(words.stems.irregular)
    for stem, synonyms in words.stems.synonyms.items():
        for word in synonyms:
            table[word] = stem
    return table


def compile_grammar(words: LanguageWords) -> Grammar:
    """The matcher's view of a language's words."""
    stem = STEMMERS[words.stems.stemmer](stem_table(words))
    return Grammar(
        stem=stem,
        stopwords=frozenset(words.matching.stopwords),
        common=frozenset(words.matching.common),
        keep_order=frozenset(words.matching.keep_order),
        pain=words.matching.pain,
        figures=tuple(tuple(phrase.split()) for phrase in words.matching.idioms),
        negation=Negation(
            cues=frozenset(words.negation.cues),
            fillers=frozenset(words.negation.fillers),
            joiners=frozenset(words.negation.joiners),
            hedges=frozenset(words.negation.hedges),
            gone=frozenset(words.negation.gone),
            gone_fillers=frozenset(words.negation.gone_fillers),
            starters=frozenset(words.negation.starters),
            activities=frozenset(words.negation.activities),
        ),
        verb_objects=frozenset(words.red_flags.verb_objects),
        verb_subjects=frozenset(words.red_flags.verb_subjects),
        past=tuple(tuple(phrase.split()) for phrase in (*words.red_flags.past, *words.red_flags.hypothetical)),
        told=tuple(tuple(phrase.split()) for phrase in words.red_flags.hypothetical),
        turns=frozenset(stem(word) for word in words.red_flags.concepts.get("sudden", ()) if " " not in word),
        nows=frozenset(stem(word) for word in words.red_flags.now),
        lingering=tuple(tuple(phrase.split()) for phrase in words.red_flags.lingering),
        ages=tuple(tuple(phrase.split()) for phrase in words.red_flags.ages),
        others=frozenset(words.red_flags.others),
        little_ones=tuple(tuple(phrase.split()) for phrase in words.red_flags.little_ones),
        recurring=tuple(tuple(phrase.split()) for phrase in words.red_flags.recurring),
        dread=tuple(tuple(phrase.split()) for phrase in words.red_flags.dread),
        first_person=frozenset(words.red_flags.first_person),
        addressed=tuple(tuple(pattern.split()) for pattern in words.red_flags.addressed),
        addressed_links=frozenset(words.red_flags.addressed_links),
        others_after=tuple(tuple(pattern.split()) for pattern in words.red_flags.others_after),
        unborn=frozenset(word for phrase in words.red_flags.concepts.get("baby", ()) for word in phrase.split()),
        denials=frozenset(words.red_flags.denials),
        # "{price_sight} {dekh_ke} {sight_did}": each class a word of [red_flags.concepts]
        idioms=tuple(tuple(p.split()) for p in expand_concepts(words.red_flags.idioms, words.red_flags.concepts)),
        sayings=tuple(tuple(phrase.split()) for phrase in words.red_flags.sayings),
        contrasts=frozenset(words.red_flags.contrasts),
        deniable=tuple(tuple(name.split()) for name in words.red_flags.deniable),
        intending=frozenset(words.red_flags.intending),
        deny_after=frozenset(words.red_flags.concepts.get("deny_after", ())) | frozenset(words.red_flags.deny_closers),
        taken_back=tuple(tuple(phrase.split()) for phrase in words.red_flags.concepts.get("taken_back", ())),
        likened=tuple(tuple(phrase.split()) for phrase in words.red_flags.concepts.get("likened", ())),
        in_story=frozenset(words.red_flags.in_story),
        gestation=frozenset(words.red_flags.gestation),
        gestation_months=frozenset(words.red_flags.gestation_months),
        being=frozenset(words.red_flags.being),
        along=frozenset(words.red_flags.along),
        not_gestation=frozenset(words.red_flags.not_gestation),
        week_of=frozenset(words.red_flags.week_of),
        infants=frozenset(words.red_flags.infants),
        current=tuple(tuple(phrase.split()) for phrase in words.red_flags.current),
        lead=frozenset(words.red_flags.lead),
        pregnant=_first_word(words.red_flags.concepts.get("pregnant", ())),
        durations=frozenset(words.red_flags.durations),
        number_words=dict(words.when.numbers),
        senses=(senses := _senses(words, stem)),
        senses_by_second=_by_second(senses),
        reading_joints=frozenset(words.red_flags.reading_joints),
        high_reading=_first_word(words.red_flags.concepts.get("bp_high", ())),
        crisis_reading=_first_word(words.red_flags.concepts.get("bp_crisis", ())),
        bp_ends=frozenset(stem(phrase.split()[-1]) for phrase in words.red_flags.concepts.get("bp", ()) if phrase),
        bp_high=frozenset(
            stem(word) for phrase in words.red_flags.concepts.get("bp_high", ()) for word in phrase.split()
        ),
    )


def _first_word(phrases: Sequence[str]) -> str:
    """The first one-word entry of a word class: a token read as that class ("30 weeks" as "pregnant") is one
    word, and Arabic's class `pregnant` opens with phrases ("في الشهر الثامن") that no single token matches."""
    return next((phrase for phrase in phrases if phrase and " " not in phrase), "")


def _senses(words: LanguageWords, stem: Stemmer) -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
    """The stems of every sense, each "{class}" standing for every word of that red-flag word class, with
    the word the sense reads as ("blood pressure = bp": "bp"; "" when it reads as nothing), by the stem
    of their first word. A word marked `EXACT` stays its written form, the mark before it."""
    found: dict[tuple[str, ...], str] = {}
    classes = words.red_flags.concepts
    for sense in words.red_flags.senses:
        phrase, _, reading = (part.strip() for part in sense.partition("="))
        slots: list[tuple[tuple[str, ...], ...]] = []
        for word in phrase.split():
            exact = word.startswith(EXACT)
            bare = word.removeprefix(EXACT)
            choices = expand_concepts((bare,), classes)
            slots.append(tuple(tuple(EXACT + w if exact else stem(w) for w in choice.split()) for choice in choices))
        for parts in itertools.product(*slots):
            found.setdefault(tuple(w for part in parts for w in part), reading)
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for stems, reading in found.items():
        by_first.setdefault(stems[0], []).append((stems, reading))
    return {first: tuple(senses) for first, senses in by_first.items()}


def _by_second(
    senses: Mapping[str, tuple[tuple[tuple[str, ...], str], ...]],
) -> dict[str, dict[str, tuple[tuple[int, tuple[str, ...], str], ...]]]:
    """The senses by the stem of their first word, then of their second ("" for a sense of one word), each with
    its place among its first word's senses (the file's order decides between senses of one size)."""
    index: dict[str, dict[str, list[tuple[int, tuple[str, ...], str]]]] = {}
    for first, found in senses.items():
        for place, (sense, reading) in enumerate(found):
            second = sense[1] if len(sense) > 1 else ""
            index.setdefault(first, {}).setdefault(second, []).append((place, sense, reading))
    return {first: {second: tuple(group) for second, group in by.items()} for first, by in index.items()}


@functools.cache
def grammar(lang: str) -> Grammar:
    """The Grammar of a shipped language (English when it has no file), for code without a Lexicon.

    Code that has a `Language` should use its `.words` (built from the content it was given).
    """
    from content.loader import default_content  # loaded on first use only: the NLU never reads files itself

    return compile_grammar(default_content().words(lang))
