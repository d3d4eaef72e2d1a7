"""Each contraindication changes what is offered, as safety.md says."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.engine import state as S
from bot.engine.safety import QUESTIONS
from tests.engine.helpers import answer_all
from tests.flow import Flow

FORBIDDEN_IN_PREGNANCY = {"SP6", "BL60", "BL67", "EX-LE11", "LI4", "GB21"}


def start(flow: Flow, item: str, answers: dict[str, str] | None = None) -> None:
    flow.tap(f"start:{item}")
    answer_all(flow, answers)


def test_all_questions_asked_before_the_first_session(flow: Flow) -> None:
    flow.tap("start:KI1")
    asked = []
    while flow.state.state == S.SAFETY:
        asked.append(flow.state.question)
        flow.tap(f"ans:{flow.state.question}:{'none' if flow.state.question == 'acute' else 'no'}")
    assert asked == list(QUESTIONS)
    assert flow.state.state == S.SESSION_FINDING
    assert all(answer.at == flow.now.isoformat() for answer in flow.state.answers.values())


def test_only_acute_question_is_asked_again_the_next_day(flow: Flow) -> None:
    start(flow, "KI1")
    flow.control("stop")
    flow.now += timedelta(days=1)
    flow.tap("start:KI1")
    assert flow.state.question == "acute"
    flow.tap("ans:acute:none")
    assert flow.state.state == S.SESSION_FINDING


def test_slow_answers_are_asked_again_after_the_reask_period(flow: Flow) -> None:
    start(flow, "KI1")
    flow.control("stop")
    flow.now += timedelta(days=flow.kb.policy.reask_days + 1)
    flow.tap("start:KI1")
    flow.tap("ans:acute:none")
    assert flow.state.question == "pressure"


@pytest.mark.parametrize(
    ("question", "value", "phrase"),
    [
        ("acute", "fever", "fever"),
        ("pressure", "yes", "blood pressure"),
        ("clot", "yes", "clot"),
        ("foot", "both", "both feet"),
    ],
)
def test_no_massage_today(flow: Flow, question: str, value: str, phrase: str) -> None:
    start(flow, "KI1", {question: value})
    assert flow.state.state == S.IDLE and flow.state.session is None
    assert phrase in flow.text().lower()
    assert {"book", "clinic"} <= set(flow.choice_ids()), "the clinic is offered"
    assert not flow.timers


@pytest.mark.parametrize("value", ["ate", "exercised", "alcohol", "bath"])
def test_not_yet_offers_a_reminder_in_an_hour(flow: Flow, value: str) -> None:
    start(flow, "KI1", {"acute": value})
    assert "Not yet" in flow.text()
    assert "later:KI1" in flow.choice_ids()
    flow.tap("later:KI1")
    sent = flow.wait(59 * 60)
    assert sent == []
    sent = flow.wait(60)
    assert len(sent) == 1 and "start:KI1" in [c.id for c in sent[0].reply.choices]


@pytest.mark.parametrize("code", ["SP6", "BL60", "BL67", "EX-LE11"])
def test_pregnancy_never_guides_a_forbidden_point(flow: Flow, code: str) -> None:
    start(flow, code, {"pregnancy": "yes"})
    assert flow.state.session is None
    assert not any(c.split(":", 1)[-1] in FORBIDDEN_IN_PREGNANCY for c in flow.choice_ids())


def test_pregnancy_filters_forbidden_points_from_offers(flow: Flow) -> None:
    start(flow, "KI1", {"pregnancy": "yes"})
    flow.control("stop")
    for text in ("period pain", "cant sleep", "back pain", "cold feet", "headache"):
        flow.say(text)
        offered = {i for i in flow.state.offered if not i.startswith("zone:")}
        assert not offered & FORBIDDEN_IN_PREGNANCY, text


def test_pregnancy_caution_point_is_light(flow: Flow) -> None:
    start(flow, "KI1", {"pregnancy": "yes"})
    assert flow.state.session is not None and flow.state.session.light
    assert "pregnan" in flow.text().lower()


@pytest.mark.parametrize(("foot", "kept"), [("left", ("right",)), ("right", ("left",))])
def test_wound_on_one_foot_spares_it(flow: Flow, foot: str, kept: tuple[str, ...]) -> None:
    start(flow, "KI1", {"foot": foot})
    assert flow.state.session is not None and flow.state.session.feet == kept


def test_chronic_conditions_mean_gentle_and_see_a_practitioner(flow: Flow) -> None:
    start(flow, "KI1", {"chronic": "yes"})
    assert flow.state.session is not None and flow.state.session.light
    assert "practitioner" in flow.text()


def test_answers_are_typed_too(flow: Flow) -> None:
    flow.tap("start:KI1")
    flow.say("none of these")
    assert flow.state.question == "pressure"
    flow.say("no")
    assert flow.state.question == "pregnancy"
    flow.say("yes")
    assert flow.state.answers["pregnancy"].value == "yes"
