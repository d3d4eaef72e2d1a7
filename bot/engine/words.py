"""The engine's words of one language, as sets ready for lookups: built once from content/languages.

Every word the engine reads a message with comes from there (`[safety]`, `[conversation]`); adding
a language adds a file, not Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from content.model import LanguageWords


@dataclass(frozen=True, slots=True)
class EngineWords:
    """Sets of words for the engine's own reading of messages in one language."""

    hedges: frozenset[str]
    pregnant: frozenset[str]
    pregnancy_nouns: frozenset[str]
    negations: frozenset[str]
    maybe: frozenset[str]
    nothing: frozenset[str]
    plain_no: frozenset[str]
    other_people: frozenset[str]
    absent: frozenset[str]
    present: frozenset[str]
    mistake: frozenset[str]
    topics: Mapping[str, frozenset[str]]
    answers: Mapping[str, frozenset[str]]
    risks: Mapping[str, tuple[tuple[str, ...], ...]]  # question -> phrases (as words) naming its risk
    mentions: Mapping[str, tuple[tuple[str, ...], ...]]  # question -> phrases that need a `present` word
    not_risks: tuple[tuple[str, ...], ...]
    first_person: frozenset[str]
    hypothetical: frozenset[str]
    breaks: frozenset[str]
    joiners: frozenset[str]  # [negation]: "no fever AND my BP is high" opens a new clause before a starter
    starters: frozenset[str]
    fillers: frozenset[str]  # [negation]: "I do NOT HAVE diabetes": a negation reaches over these
    topic_words: frozenset[str]  # every word of `risks` and `mentions`
    foot_parts: frozenset[str]
    celsius: frozenset[str]
    fahrenheit: frozenset[str]
    degrees: frozenset[str]
    surroundings: frozenset[str]
    once: frozenset[str]
    place_cues: frozenset[str]
    question_words: frozenset[str]
    answer_filler: frozenset[str]
    children: frozenset[str]
    safe: frozenset[str]
    not_safe: frozenset[str]
    long_units: frozenset[str]
    long_cues: frozenset[str]
    long_time: tuple[tuple[str, ...], ...]
    tomorrow: frozenset[str]
    male: frozenset[str]
    well: tuple[tuple[str, ...], ...]
    ordinals: dict[str, int]  # "second" -> 2, "первую" -> 1, "الثاني" -> 2 (phrases as their words joined)
    pick_words: frozenset[str]  # "let's do", "number", "option": said with a button's place
    not_hedges: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, words: LanguageWords) -> EngineWords:
        """The sets for one language's word lists."""
        s, c = words.safety, words.conversation
        return cls(
            hedges=frozenset(s.hedges),
            pregnant=frozenset(s.pregnant),
            pregnancy_nouns=frozenset(s.pregnancy_nouns),
            negations=frozenset(s.negations),
            maybe=frozenset(s.maybe),
            nothing=frozenset(s.nothing),
            plain_no=frozenset(s.plain_no) | frozenset(s.nothing),
            other_people=frozenset(s.other_people),
            absent=frozenset(s.absent),
            present=frozenset(s.present),
            mistake=frozenset(s.mistake),
            topics={q: frozenset(w) for q, w in s.topics.items()},
            answers={a: frozenset(w) for a, w in s.answers.items()},
            risks={q: _phrases(p) for q, p in s.risks.items()},
            mentions={q: _phrases(p) for q, p in s.mentions.items()},
            not_risks=_phrases(s.not_risks),
            first_person=frozenset(s.first_person),
            hypothetical=frozenset(s.hypothetical),
            breaks=frozenset(s.breaks),
            joiners=frozenset(words.negation.joiners),
            starters=frozenset(words.negation.starters),
            fillers=frozenset(words.negation.fillers),
            topic_words=frozenset(w for p in (*s.risks.values(), *s.mentions.values()) for w in " ".join(p).split()),
            foot_parts=frozenset(s.foot_parts),
            celsius=frozenset(s.celsius),
            fahrenheit=frozenset(s.fahrenheit),
            degrees=frozenset(s.degrees),
            surroundings=frozenset(s.surroundings),
            once=frozenset(c.once),
            place_cues=frozenset(c.place_cues),
            question_words=frozenset(c.question_words),
            answer_filler=frozenset(c.answer_filler),
            children=frozenset(c.children),
            safe=frozenset(c.safe),
            not_safe=frozenset(c.not_safe),
            long_units=frozenset(c.long_units),
            long_cues=frozenset(c.long_cues),
            long_time=_phrases(c.long_time),
            tomorrow=frozenset(c.tomorrow),
            male=frozenset(s.male),
            well=_phrases(s.well),
            ordinals={word: int(number) for number, words in c.ordinals.items() for word in words},
            pick_words=frozenset(c.pick_words),
            not_hedges=_phrases(s.not_hedges),
        )


def _phrases(phrases: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Phrases as tuples of words, longest first (so "heart disease" is found before "heart")."""
    return tuple(sorted((tuple(p.split()) for p in phrases), key=len, reverse=True))
