"""Safety facts said in passing: "fever 39", "I'm on warfarin", "I had a DVT", "a cut on my left foot".

Read from a message's normalised words ("," at clause breaks) with the [safety] words of its language
(content/languages/<lang>.toml); only the numbers of a temperature are read here ("39.5", "38,7", "38.7c",
"102 f"). A fact is the writer's unless someone else is named first ("my friend had a DVT"); it is not
stated when denied ("no fever", "my BP is normal") or asked about ("is it safe with a fever?"). What is
stated only ever raises a risk: words alone never lower one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.engine.state import SafetyAnswer
from bot.engine.words import EngineWords
from bot.nlu.occurrences import occurrences

ACUTE = "acute"  # the "right now" question: its risk is a fever
FOOT = "foot"  # its answer says which foot: "left", "right", "both"
CLAUSE = ","  # the normaliser's clause break
FEVER_C = 38.0  # a fever from 38.0 °C (100.4 °F) on (shared/reference/safety.md)
BODY_C = (34.0, 44.0)  # outside these a number is not a body temperature in °C...
BODY_F = (93.0, 111.2)  # ...or in °F
# The riskier answer wins when a message says two things; "left" and "right" make "both".
_RANK = {"no": 0, "yes": 1, "fever": 1, "left": 2, "right": 2, "both": 3}
_NUMBER = re.compile(r"(\d{2,3}(?:\.\d{1,2})?)([^\W\d_]*)")  # "39", "38.7", "38.7c", "102f"
_WHOLE = re.compile(r"\d{2,3}")
_TENTHS = re.compile(r"\d[^\W\d_]*")  # the "7" or "7c" of "38,7c", which the normaliser splits off


@dataclass(frozen=True, slots=True)
class Statement:
    """One safety fact a message states about the writer: the question it answers, and how."""

    question: str
    value: str  # "yes"; "fever"; "left", "right", "both" or "yes" (a foot, which one unsaid); "no" when denied


@dataclass(frozen=True, slots=True)
class Temperature:
    """A body temperature read from a message, in °C."""

    celsius: float
    unit: bool  # said with its unit ("38.7c", "102 f"): a reading even without the word "temperature"

    @property
    def fever(self) -> bool:
        """True from 38.0 °C (100.4 °F) on."""
        return round(self.celsius, 1) >= FEVER_C


def read_statements(tokens: Sequence[str], w: EngineWords) -> tuple[Statement, ...]:
    """The safety facts a message states about the writer: one per question, the riskiest answer kept.

    `tokens` are the normalised words, with "," at clause breaks (without them, the message is one clause).
    """
    found: dict[str, str] = {}
    clauses = _clauses(_join_decimals(tokens), w)
    for index, clause in enumerate(clauses):
        before = clauses[index - 1] if index else ()
        after = clauses[index + 1] if index + 1 < len(clauses) else ()
        for question, value in _read_clause(clause, before, after, w):
            found[question] = riskier(found.get(question), value)
    return tuple(Statement(question, value) for question, value in found.items())


def riskier(old: str | None, new: str) -> str:
    """The riskier of two answers to one question ("left" and "right" make "both")."""
    if old is None:
        return new
    if {old, new} == {"left", "right"}:
        return "both"
    return new if _RANK.get(new, 1) > _RANK.get(old, 1) else old


def learn(
    answers: Mapping[str, SafetyAnswer], statements: Sequence[Statement], now: datetime
) -> tuple[dict[str, SafetyAnswer], tuple[str, ...]]:
    """The answers after what a message states, and the notes it earns (message ids).

    A stated risk is recorded at once, dated `now`; nothing is lowered ("no" is never recorded). A fever
    is dated again each time it is said. A wound on a foot whose side is unsaid forgets the foot answer,
    so the question is asked again before any session (unless both feet are already ruled out).
    """
    learned = dict(answers)
    notes: list[str] = []
    at = now.isoformat()
    for statement in statements:
        question, value = statement.question, statement.value
        old = learned.get(question)
        if value == "no":
            continue
        if question == ACUTE:
            learned[ACUTE] = SafetyAnswer("fever", at)
            notes.append("safety.noted.fever")
        elif question == FOOT and value == "yes":
            if old is None or old.value != "both":
                learned.pop(FOOT, None)
                notes.append("safety.noted.foot")
        elif question == FOOT:
            side = riskier(old.value if old is not None and old.value != "no" else None, value)
            if old is None or old.value != side:
                learned[FOOT] = SafetyAnswer(side, at)
                notes.append(f"safety.noted.foot-{side}")
        elif old is None or old.value != "yes":
            learned[question] = SafetyAnswer("yes", at)
            notes.append(f"safety.noted.{question}")
    return learned, tuple(notes)


# ---- reading ------------------------------------------------------------------------------------


def _join_decimals(tokens: Sequence[str]) -> list[str]:
    """ "38 , 7" back to "38.7": the normaliser keeps "38.7" whole but splits a decimal comma."""
    out: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        tenths = index + 2 if index + 2 < len(tokens) and tokens[index + 1] == CLAUSE else index + 1
        if (
            _WHOLE.fullmatch(token)
            and _celsius(float(token), "", frozenset(), frozenset()) is not None
            and tenths < len(tokens)
            and _TENTHS.fullmatch(tokens[tenths])
        ):
            out.append(f"{token}.{tokens[tenths]}")
            index = tenths + 1
            continue
        out.append(token)
        index += 1
    return out


def _clauses(tokens: Sequence[str], w: EngineWords) -> list[tuple[str, ...]]:
    """Split at clause breaks, at "but" and the like, and at "and" before a new subject ("and my BP...")."""
    clauses: list[tuple[str, ...]] = []
    current: list[str] = []
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token == CLAUSE or token in w.breaks or (token in w.joiners and following in w.starters):
            if current:
                clauses.append(tuple(current))
            current = []
            continue
        current.append(token)
    if current:
        clauses.append(tuple(current))
    return clauses


def _read_clause(
    clause: Sequence[str], before: Sequence[str], after: Sequence[str], w: EngineWords
) -> Iterator[tuple[str, str]]:
    """(question, answer) for each risk one clause speaks of. `before` is the clause before (its person
    may be meant: "my husband is a heart patient, had a stent"), `after` the next ("temp: 38.9")."""
    words = masked(clause, w.not_risks)
    taken: set[int] = set()
    for named, table in ((True, w.risks), (False, w.mentions)):
        for question, phrases in table.items():
            for start, end in _find(words, phrases, taken):
                value = _value(question, words, start, end, named, (before, after), w)
                if value:
                    yield question, value
    if w.surroundings & set(words):
        return  # "it's 40C outside"
    for index in range(len(words)):  # "38.7C", "102 F": a reading with its unit, no other word needed
        reading = _temperature(words, index, w)
        if reading is None or not reading.unit or _asked(words, index, w):
            continue
        if _someone_else(words, index, index, before, w):
            continue
        yield ACUTE, "fever" if reading.fever and not _denied(words, index, index + 1, w) else "no"


def masked(words: Sequence[str], phrases: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """The words with every one of the phrases blanked out ("") ("hay fever" is no fever)."""
    masked = list(words)
    for start, end in _find(masked, phrases, set()):
        masked[start:end] = [""] * (end - start)
    return tuple(masked)


def _find(words: Sequence[str], phrases: tuple[tuple[str, ...], ...], taken: set[int]) -> Iterator[tuple[int, int]]:
    """(start, end) of each phrase found, longest phrases first, never over words already taken."""
    for where in occurrences(words, phrases):
        if not taken.intersection(where):
            taken.update(where)
            yield where.start, where.stop


def _value(
    question: str,
    words: Sequence[str],
    start: int,
    end: int,
    named: bool,
    around: tuple[Sequence[str], Sequence[str]],
    w: EngineWords,
) -> str:
    """What one mention says: "yes", "fever", a foot's side, "no" (denied) or "" (nothing stated).
    `around` holds the clauses before and after this one."""
    before, after = around
    if _asked(words, start, w) or _someone_else(words, start, end, before, w):
        return ""
    said = set(words)
    if question == FOOT and not w.foot_parts & said:
        return ""  # "a cut on my hand"
    if _denied(words, start, end, w):
        return "no"
    if question == ACUTE:
        reading = _reading(words, start, end, after, w)
        if reading is not None:
            return "fever" if reading.fever else "no"  # "temperature 37.2": no fever, whatever else is said
        return "fever" if named or w.present & said else ""
    if not (named or w.present & said):
        return ""  # "my blood pressure": it speaks of it, says nothing
    if question == FOOT:
        sides = {side for side in ("left", "right", "both") if w.answers.get(side, frozenset()) & said}
        if "both" in sides or {"left", "right"} <= sides:
            return "both"
        return sides.pop() if sides else "yes"
    return "yes"


def _asked(words: Sequence[str], index: int, w: EngineWords) -> bool:
    """True when the clause asks or supposes: "is it safe with high BP", "what if I have a fever"."""
    return (bool(words) and words[0] in w.question_words) or bool(w.hypothetical.intersection(words[:index]))


def _someone_else(words: Sequence[str], start: int, end: int, before: Sequence[str], w: EngineWords) -> bool:
    """True when the nearest person before the mention is someone else ("my FRIEND had a DVT"); with
    nobody before it in its clause, when someone else is named after it ("diabetes runs in the FAMILY") or
    is the last person of the clause before ("my HUSBAND is a heart patient, had a stent")."""
    for word in reversed(words[:start]):
        if word in w.first_person:
            return False
        if word in w.other_people:
            return True
    if w.other_people.intersection(words[end:]):
        return True
    for word in reversed(before):
        if word in w.first_person:
            return False
        if word in w.other_people:
            return True
    return False


def _denied(words: Sequence[str], start: int, end: int, w: EngineWords) -> bool:
    """True when a negation governs the mention ("no fever", "I don't have diabetes or high BP", "never had
    a clot") or an absence word goes with it ("normal blood pressure", "my BP is fine", "the fever is gone")."""
    if start and words[start - 1] in w.absent:
        return True
    for word in reversed(words[:start]):
        if word in w.negations:
            return True
        if not (word in w.fillers or word in w.joiners or word in w.present or word in w.topic_words):
            break
    for word in words[end : end + 3]:
        if word in w.joiners:
            break
        if word in w.absent:
            return True
    return False


def _reading(words: Sequence[str], start: int, end: int, after: Sequence[str], w: EngineWords) -> Temperature | None:
    """The temperature a fever or temperature word goes with: the nearest number after it, else before
    it, else one opening the next clause ("temp: 38.9")."""
    for index in (*range(end, len(words)), *range(start - 1, -1, -1)):
        reading = _temperature(words, index, w)
        if reading is not None:
            return reading
    return _temperature(after, 0, w) if after else None


def _temperature(words: Sequence[str], index: int, w: EngineWords) -> Temperature | None:
    """The body temperature a number at `index` reads as, in °C, or None ("39", "38.7c", "102 f")."""
    match = _NUMBER.fullmatch(words[index]) if index < len(words) else None
    if match is None:
        return None
    unit = match[2]
    if not unit:
        following = index + 1
        if following < len(words) and words[following] in w.degrees:
            following += 1  # "39 degrees c"
        if following < len(words) and words[following] in w.celsius | w.fahrenheit:
            unit = words[following]
    celsius = _celsius(float(match[1]), unit, w.celsius, w.fahrenheit)
    return None if celsius is None else Temperature(celsius, unit=bool(unit))


def _celsius(value: float, unit: str, celsius: frozenset[str], fahrenheit: frozenset[str]) -> float | None:
    """A number as a body temperature in °C, by its unit or, without one, by its range; None if not one."""
    in_c, in_f = BODY_C[0] <= value <= BODY_C[1], BODY_F[0] <= value <= BODY_F[1]
    if unit in fahrenheit or (not unit and in_f):
        return (value - 32) * 5 / 9 if in_f else None
    if unit in celsius or not unit:
        return value if in_c else None
    return None  # "39kg", "10am"
