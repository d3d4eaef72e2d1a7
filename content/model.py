"""The knowledge base as frozen, validated data: what the TOML files in content/ become once loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Pregnancy(StrEnum):
    """How a point stands in pregnancy (reference/acupoints.md)."""

    NONE = "none"
    CAUTION = "caution"
    FORBIDDEN = "forbidden"


class Region(StrEnum):
    """Where on the body a point or zone is worked; safety rules act on regions."""

    FOOT = "foot"
    ANKLE = "ankle"
    LEG = "leg"


@dataclass(frozen=True, slots=True)
class Technique:
    """How to press: one round is `reps` presses of `press_seconds` with `rest_seconds` between them.

    `rounds` rounds are done with `round_rest_seconds` between rounds. When `rest_seconds` is 0 the
    presses of a round run together ("press 10 times") and are guided as one step.
    """

    tool: str  # "thumb", "thumb-circles", "knuckle", "finger", "thumb-walk"
    press_seconds: int
    rest_seconds: int
    reps: int
    rounds: int = 1
    round_rest_seconds: int = 0


@dataclass(frozen=True, slots=True)
class PointText:
    """A point's words in one language."""

    name: str  # "Yongquan (Bubbling Spring)"
    location: str  # where it is, with body-inch (cun) guidance
    how: str  # how to press, in a sentence or two
    why: str  # what it is traditionally used for, phrased as tradition, never as a cure
    safety: str = ""  # extra care notes, may be empty


@dataclass(frozen=True, slots=True)
class Point:
    """An acupoint, stored and shown by its WHO code (KI1, EX-LE11)."""

    code: str
    aliases: tuple[str, ...]  # other spellings accepted on lookup, e.g. ("KD1",)
    region: Region
    bilateral: bool  # worked on the left foot/leg, then the right
    pregnancy: Pregnancy
    technique: Technique
    text: dict[str, PointText]  # by language code
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ZoneText:
    """A reflex zone's words in one language."""

    name: str
    location: str
    body_areas: str
    how: str


@dataclass(frozen=True, slots=True)
class Zone:
    """A reflex zone of the sole; id is one of toes, ball, arch, heel, inner-edge, outer-edge."""

    id: str
    technique: Technique
    text: dict[str, ZoneText]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SymptomText:
    """A symptom's words in one language: how it is shown and every way people say it."""

    label: str  # shown to the person: "bloating"
    phrases: tuple[str, ...]  # synonyms, slang and common misspellings, all matched the same


@dataclass(frozen=True, slots=True)
class Symptom:
    """Something a person may feel, mapped to points and zones, most relevant first."""

    id: str
    points: tuple[str, ...]  # WHO codes
    zones: tuple[str, ...]
    text: dict[str, SymptomText]


@dataclass(frozen=True, slots=True)
class RedFlag:
    """A symptom that stops everything and gets emergency advice; `kind` picks the message."""

    id: str
    kind: str  # "emergency", "self-harm", "dvt", "diabetic-foot", "pregnancy"
    phrases: dict[str, tuple[str, ...]]  # by language


@dataclass(frozen=True, slots=True)
class Faq:
    """A question people ask, the ways they ask it, and a short honest answer."""

    id: str
    questions: dict[str, tuple[str, ...]]
    answer: dict[str, str]
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Intent:
    """A global command ("help", "delete my data", "book") and the ways people say it."""

    id: str
    phrases: dict[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Content:
    """Everything the engine and the matcher know, loaded once and never changed."""

    points: dict[str, Point]  # by WHO code
    zones: dict[str, Zone]
    symptoms: dict[str, Symptom]
    red_flags: tuple[RedFlag, ...]
    faqs: dict[str, Faq]
    intents: dict[str, Intent]
    messages: dict[str, dict[str, str]]  # language -> message id -> text (str.format fields)
    languages: tuple[str, ...] = field(default=("en",))

    def point(self, code: str) -> Point | None:
        """Look a point up by code or alias, case-insensitive (KD1 finds KI1)."""
        key = code.strip().upper()
        found = self.points.get(key)
        if found is not None:
            return found
        for point in self.points.values():
            if key in (alias.upper() for alias in point.aliases):
                return point
        return None

    def message(self, lang: str, message_id: str, **fields: object) -> str:
        """The text of a message in a language (English when missing), formatted with fields."""
        table = self.messages.get(lang) or self.messages["en"]
        template = table.get(message_id) or self.messages["en"][message_id]
        return template.format(**fields) if fields else template
