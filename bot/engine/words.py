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
    once: frozenset[str]
    place_cues: frozenset[str]
    question_words: frozenset[str]
    answer_filler: frozenset[str]
    children: frozenset[str]

    @classmethod
    def of(cls, words: LanguageWords) -> EngineWords:
        """The sets for one language's word lists."""
        s, c = words.safety, words.conversation
        return cls(
            hedges=frozenset(s.hedges),
            pregnant=frozenset(s.pregnant),
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
            once=frozenset(c.once),
            place_cues=frozenset(c.place_cues),
            question_words=frozenset(c.question_words),
            answer_filler=frozenset(c.answer_filler),
            children=frozenset(c.children),
        )
