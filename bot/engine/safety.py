"""Contraindications: which questions are due, and what the answers allow."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.engine.choices import SAFETY_OPTIONS
from bot.engine.knowledge import Knowledge
from bot.engine.state import SafetyAnswer
from bot.engine.statements import ACUTE, FOOT, masked, read_statements
from bot.engine.words import EngineWords
from content.model import Pregnancy

# ACUTE ("right now": fever, just ate...) is asked at every sitting (an answer counts for
# Policy.acute_valid_minutes only).
# Slow-changing: asked again after Policy.reask_days.
PERIODIC = ("pressure", "pregnancy", "clot", "foot", "chronic")
QUESTIONS = (ACUTE, *PERIODIC)

OPTIONS = SAFETY_OPTIONS  # the answers each question accepts, in button order (bot/engine/choices.py)
MAX_ANSWER_WORDS = 6  # a longer message is more than an answer: asked again with the buttons...
MAX_NAMING_WORDS = 8  # ...unless it names one answer ("I had my dinner about 20 min ago"), numbers aside
NOT_YET = frozenset({"ate", "exercised", "alcohol", "bath"})


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the answers allow for one item."""

    stop: str = ""  # why there is no massage today: "fever", "pressure", "clot", "feet"; empty if allowed
    not_yet: str = ""  # "ate", "exercised", "alcohol", "bath": wait an hour
    forbidden: bool = False  # the item is forbidden in pregnancy
    feet: tuple[str, ...] = ("left", "right")
    light: bool = False
    notes: tuple[str, ...] = ()  # message ids shown before the session


def due_questions(kb: Knowledge, answers: dict[str, SafetyAnswer], now: datetime) -> tuple[str, ...]:
    """The questions to ask before a session, in order: the acute one first, then stale periodic ones."""
    due: list[str] = []
    acute = answers.get(ACUTE)
    if acute is None or now - datetime.fromisoformat(acute.at) > timedelta(minutes=kb.policy.acute_valid_minutes):
        due.append(ACUTE)
    reask = timedelta(days=kb.policy.reask_days)
    for question in PERIODIC:
        answer = answers.get(question)
        if answer is None or now - datetime.fromisoformat(answer.at) > reask:
            due.append(question)
    return tuple(due)


# What a red flag tells us about the questions: it overrides an earlier "no" at once.
RED_FLAG_ANSWERS: dict[str, dict[str, str]] = {
    "dvt": {"clot": "yes"},
    "pregnancy": {"pregnancy": "yes"},
    "diabetic-foot": {"foot": "both", "chronic": "yes"},
}


def answers_after_red_flag(kind: str, answers: dict[str, SafetyAnswer], now: datetime) -> dict[str, SafetyAnswer]:
    """The safety answers, updated with what a red flag revealed (a swollen calf means a possible clot)."""
    learned = RED_FLAG_ANSWERS.get(kind, {})
    return {**answers, **{q: SafetyAnswer(v, now.isoformat()) for q, v in learned.items()}}


def pregnancy_subject(words: Sequence[str], w: EngineWords, *, asks: bool = False) -> str:
    """Who a message says is pregnant: "self", "other" ("my wife is pregnant") or "" (nobody, or denied).
    A question that names pregnancy as a thing asks about it ("is it safe in pregnancy?", "можно ли при
    беременности?"), unless the writer's own is meant ("is it safe in MY pregnancy?")."""
    for index, word in enumerate(words):
        before = set(words[max(0, index - 3) : index])
        if word not in w.pregnant or w.negations & before:
            continue
        if asks and word in w.pregnancy_nouns and not w.first_person & before:
            continue
        return "other" if w.other_people & set(words[max(0, index - 4) : index]) else "self"
    return ""


def says_pregnant(words: Sequence[str], w: EngineWords) -> bool:
    """True when a message says the person is pregnant ("I'm pregnant and ...", not "not pregnant")."""
    return pregnancy_subject(words, w) == "self"


def typed_answer(question: str, text: str, intent: str | None, w: EngineWords) -> str | None:
    """A typed answer to a safety question (`text` normalised, "," at clause breaks), or None to ask
    again with the buttons.

    Only a plain answer counts ("no", "none of these", "left foot", "I don't have diabetes", "my BP is
    normal"); anything
    more is asked again: a hedge ("no, but I could be"), the risk itself ("no, I'm diabetic", "no, just
    ate"), or other words. For pregnancy, "maybe" counts as yes. A "yes" is taken as it stands.
    """
    options = OPTIONS[question]
    tokens = text.split()
    words = [t for t in tokens if t != ","]
    said = set(words)
    if not words:
        return None
    if question == "pregnancy" and (said & w.maybe or says_pregnant(words, w)):
        return "yes"
    if question == "pregnancy" and any(token in w.male and not _denied(tokens, i, w) for i, token in enumerate(tokens)):
        return "no"  # "I'm a man", "لا، انا رجال" (not "I'm not a man")
    if question == ACUTE and any(s.question == ACUTE and s.value == "no" for s in read_statements(tokens, w)):
        return None  # "temperature 37.2": not the fever button, nor "none of these" (it says nothing of a meal)
    if _hedged(words, w):
        return None
    named = [v for v in options if v in w.answers and said & w.answers[v]]
    if named and len([word for word in words if not word.isdigit()]) <= MAX_NAMING_WORDS:
        # "left foot", "just ate", "I had dinner 10 min ago"; with a negation ("not eaten") or two of them,
        # ask again
        return named[0] if len(named) == 1 and not said & w.negations else None
    if len(words) > MAX_ANSWER_WORDS:
        return None
    if question != "pregnancy" and _said_well(question, words, w):
        return "none" if "none" in options else "no"
    if intent == "yes" and "yes" in options:
        return "yes"
    topic = w.topics.get(question, frozenset())
    mentions = [i for i, token in enumerate(tokens) if token in topic]
    if mentions and all(_denied(tokens, i, w) for i in mentions):
        return "none" if "none" in options else "no"  # "I don't have diabetes", "no wounds"
    if mentions:
        # "my blood pressure is normal", "no, my BP is fine": the question on screen, answered in words; "no,
        # high blood pressure" names the risk itself and "normal with tablets" a treatment: asked again
        stated = {s.value for s in read_statements(tokens, w) if s.question == question}
        plain = stated == {"no"} and not said & w.present
        return ("none" if "none" in options else "no") if plain else None
    if said <= w.plain_no:
        return "none" if "none" in options else "no"
    return None


def _said_well(question: str, words: list[str], w: EngineWords) -> bool:
    """ "All good", "no, I'm fine", "всё нормально", "my feet are fine", "its normal": nothing of the kind
    (never to "are you pregnant?": "I'm fine" says nothing of it). Only plain words may go with it, and the
    question's own ("my FEET are fine", "BP normal"), except to "right now...?" ("my temperature is fine" says
    nothing of a meal)."""
    rest = masked(words, w.well)
    if rest == tuple(words):
        return False
    own = frozenset() if question == ACUTE else w.topics.get(question, frozenset())
    own |= w.foot_parts if question == FOOT else frozenset()
    return all(not word or word in w.plain_no or word in own for word in rest)


def _hedged(words: Sequence[str], w: EngineWords) -> bool:
    """True when a hedge is said ("maybe", "but"), not counting one inside a phrase that is no hedge
    ("только что поел": "just ate", not "only")."""
    return any(word in w.hedges for word in masked(words, w.not_hedges))


def _denied(tokens: Sequence[str], index: int, w: EngineWords) -> bool:
    """True when a negation stands among the three words before `index`, in the same clause."""
    for token in reversed(tokens[max(0, index - 4) : index]):
        if token == ",":
            return False
        if token in w.negations:
            return True
    return False


def has_fever(kb: Knowledge, answers: dict[str, SafetyAnswer], now: datetime) -> bool:
    """True when a fever is on record for this sitting (the "right now" answer still counts)."""
    answer = answers.get(ACUTE)
    return answer is not None and answer.value == "fever" and ACUTE not in due_questions(kb, answers, now)


def is_pregnant(answers: dict[str, SafetyAnswer]) -> bool:
    """True when the person said they are pregnant."""
    answer = answers.get("pregnancy")
    return answer is not None and answer.value == "yes"


def pregnancy_rule(kb: Knowledge, item: str) -> Pregnancy:
    """How an item stands in pregnancy; zones are gentle and allowed."""
    found = kb.items.get(item)
    return found.pregnancy if found is not None else Pregnancy.NONE


def allowed_items(
    kb: Knowledge, answers: dict[str, SafetyAnswer], items: tuple[str, ...], *, others_pregnant: bool = False
) -> tuple[str, ...]:
    """Items that may be offered at all given what is known (never a point forbidden in pregnancy).

    When the person said someone they care for is pregnant, offers stay safe in pregnancy too: the
    points may well be pressed on her.
    """
    if not (is_pregnant(answers) or others_pregnant):
        return items
    return tuple(i for i in items if pregnancy_rule(kb, i) is not Pregnancy.FORBIDDEN)


def ruled_out(
    kb: Knowledge, answers: dict[str, SafetyAnswer], item: str, now: datetime, *, others_pregnant: bool = False
) -> Verdict | None:
    """The verdict when answers still valid already rule the item out (stop or forbidden), else None.

    Used before asking anything: "you told me your blood pressure is high" comes first, and the
    questions that no longer matter are not asked.
    """
    fresh = {q: a for q, a in answers.items() if q not in due_questions(kb, answers, now)}
    verdict = assess(kb, fresh, item, others_pregnant=others_pregnant)
    return verdict if (verdict.stop or verdict.forbidden) else None


def assess(kb: Knowledge, answers: dict[str, SafetyAnswer], item: str, *, others_pregnant: bool = False) -> Verdict:
    """Apply every known answer to one item; the first blocking answer wins.

    `others_pregnant` (someone they care for is pregnant: the points may be pressed on her) rules out
    the points forbidden in pregnancy too.
    """
    value = {q: a.value for q, a in answers.items()}
    if value.get(ACUTE) == "fever":
        return Verdict(stop="fever")
    if value.get("pressure") == "yes":
        return Verdict(stop="pressure")
    if value.get("clot") == "yes":
        return Verdict(stop="clot")
    if value.get("foot") == "both":
        return Verdict(stop="feet")
    if value.get(ACUTE) in NOT_YET:
        return Verdict(not_yet=value[ACUTE])
    notes: list[str] = []
    light = False
    if others_pregnant and pregnancy_rule(kb, item) is Pregnancy.FORBIDDEN:
        return Verdict(forbidden=True)
    if is_pregnant(answers):
        rule = pregnancy_rule(kb, item)
        if rule is Pregnancy.FORBIDDEN:
            return Verdict(forbidden=True)
        light = True
        notes.append("safety.note.pregnancy-caution" if rule is Pregnancy.CAUTION else "safety.note.pregnancy")
    feet: tuple[str, ...] = ("left", "right")
    if value.get("foot") in ("left", "right"):
        feet = ("right",) if value["foot"] == "left" else ("left",)
        notes.append(f"safety.note.spare-{value['foot']}")
    if value.get("chronic") == "yes":
        light = True
        notes.append("safety.note.chronic")
    return Verdict(feet=feet, light=light, notes=tuple(notes))


def stated_answers(words: Sequence[str], w: EngineWords) -> list[tuple[str, str]]:
    """The safety questions a sentence speaks about, with the answer it gives ("yes", "no", "fever", "left").

    Conservative: a denial ("no fever", "my BP is normal now") gives "no", which the engine only uses to
    ask the question again with its buttons (a risk is never lowered on words alone); a risk stated is
    recorded at once (bot/engine/statements.py reads it). Pregnancy is read with who is meant
    (`pregnancy_subject`); here it is only named.
    """
    found = [(s.question, s.value) for s in read_statements(words, w)]
    said = set(words)
    if w.topics.get("pregnancy", frozenset()) & said:
        if said & w.absent:
            found.append(("pregnancy", "no"))
        elif said & w.present:
            found.append(("pregnancy", "yes"))
    return found
