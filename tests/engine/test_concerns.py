"""Signs that need a doctor but are no emergency, and the other places the bot says "see a doctor".

A concern ("urgent": today; "not-self-care": soon) is answered from every state with no points and no
Start button, a running session stopped first, and no check-in. "Worse" after a session gets stop advice
alone; weeks of a symptom get points with a plain line to see a doctor if it goes on. The pregnancy FAQ
says what the engine does in pregnancy.
"""

from __future__ import annotations

import pytest

from bot.engine import OptOut, Reply
from bot.engine import state as S
from bot.engine.general import long_story
from bot.engine.words import EngineWords
from bot.nlu import normalise
from content.loader import default_content
from content.model import Pregnancy
from tests.engine.helpers import REACH, answer_all, to_feedback
from tests.flow import Flow

URGENT = "my period is really heavy, soaking a pad every hour"
NOT_SELF_CARE = "I have a lump in my breast"
CONCERNS = {URGENT: "today", NOT_SELF_CARE: "doctor"}


def _replies(flow: Flow) -> list[Reply]:
    return [a for a in flow.last if isinstance(a, Reply)]


def _ids(flow: Flow) -> list[str]:
    return [c.id for r in _replies(flow) for c in r.choices]


# ---- concerns -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", list(CONCERNS))
@pytest.mark.parametrize("name", list(REACH))
def test_a_concern_from_every_state_gets_a_doctor_and_no_points(flow: Flow, name: str, text: str) -> None:
    REACH[name](flow)
    before = flow.state.state
    flow.say(text)
    replies = _replies(flow)
    assert CONCERNS[text] in replies[0].text
    assert "won't suggest points" in replies[0].text
    assert not any(i.startswith(("start:", "sym:", "later:")) for i in _ids(flow)), "no points, no Start"
    assert flow.state.session is None
    assert not any(t.startswith(("session", "later")) for t in flow.timers), "no session step, no nudge"
    if before == S.CHECK_IN:  # owed the check-in: it is asked again, and stays owed
        assert flow.state.state == S.CHECK_IN and _ids(flow) == ["safe:yes", "safe:no"]
    else:
        assert flow.state.state == S.IDLE and flow.state.emergency is None, "no check-in for a concern"
        assert flow.state.offered == () and flow.state.shown == ()


def test_a_concern_gets_its_kinds_message_or_its_levels_general_one(flow: Flow) -> None:
    urgent = flow.fork()
    urgent.say(URGENT)
    assert urgent.text() == urgent.kb.content.message("en", "urgent.heavy-period")
    assert _replies(urgent)[0].urgent, "see a doctor today: saved and delivered first"
    flow.say(NOT_SELF_CARE)
    assert flow.text() == flow.kb.content.message("en", "not-self-care.general")


def test_a_concern_stops_a_running_session(flow: Flow) -> None:
    REACH[S.SESSION_RUNNING](flow)
    flow.say(URGENT)
    assert flow.state.session is None and flow.state.state == S.IDLE
    assert flow.wait(600) == [], "no more steps"


def test_ok_after_a_concern_starts_nothing(flow: Flow) -> None:
    flow.say("I feel bloated")
    flow.say(NOT_SELF_CARE)
    flow.say("ok")
    assert flow.state.state == S.IDLE and flow.state.session is None
    assert "safety questions" not in flow.text()


def test_an_urgent_concern_is_answered_even_after_stop(flow: Flow) -> None:
    flow.say("hi")
    flow.send(OptOut())
    flow.say(URGENT)
    assert "today" in flow.text()
    assert flow.say(NOT_SELF_CARE) == [], "the rest waits for START"


# ---- "worse" after a session ----------------------------------------------------------------------


@pytest.mark.parametrize("how", ["button", "words"])
def test_worse_after_a_session_gets_stop_advice_without_points(flow: Flow, how: str) -> None:
    flow.say("I feel bloated")  # several items on offer: none of them may be offered beside the advice
    flow.tap(f"start:{flow.state.offered[0]}")
    answer_all(flow)
    to_feedback_from_session(flow)
    if how == "button":
        flow.tap("feel:worse")
    else:
        flow.say("I feel worse")
    text = flow.text()
    assert "stop pressing" in text and "doctor" in text and "998" in text
    assert not any(i.startswith(("start:", "sym:", "later:", "rem:")) for i in _ids(flow))
    assert flow.records[-1].kind == "feedback" and ("feeling", "worse") in flow.records[-1].data


def to_feedback_from_session(flow: Flow) -> None:
    """Run the session that just started to its last step."""
    flow.control("ready")
    while flow.state.state != S.FEEDBACK:
        if flow.state.state == S.SESSION_FINDING:
            flow.control("ready")
        else:
            flow.wait(30)


def test_better_still_offers_what_helps(flow: Flow) -> None:
    to_feedback(flow)
    flow.tap("feel:better")
    assert "rem:ask" in _ids(flow)


# ---- a long story -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I've had headaches for 3 weeks",
        "headaches for months",
        "I can't sleep since last year",
        "every day for weeks I get headaches",
        "I've been bloated for a long time",
    ],
)
def test_weeks_of_a_symptom_add_see_a_doctor_to_the_offer(flow: Flow, text: str) -> None:
    flow.say(text)
    assert flow.state.state == S.OFFERED
    offer = _replies(flow)[-1]
    assert "see a doctor if it goes on" in offer.text
    assert any(c.id.startswith("start:") for c in offer.choices), "still offered, with the line beside it"


@pytest.mark.parametrize(
    "text", ["I have a headache", "I'm 40 years old and can't sleep", "exam in 2 weeks, can't sleep"]
)
def test_no_long_story_no_extra_line(flow: Flow, text: str) -> None:
    flow.say(text)
    assert flow.state.state == S.OFFERED and "see a doctor if it goes on" not in flow.text()


@pytest.mark.parametrize(
    ("text", "long"),
    [
        ("for 3 weeks", True),
        ("for months", True),
        ("since last year", True),
        ("over the past month", True),
        ("for ages", True),
        ("3 years old", False),
        ("in 2 weeks", False),
        ("last week", False),
        ("last time", False),
    ],
)
def test_long_story_reads_durations(text: str, long: bool) -> None:
    words = EngineWords.of(default_content().words("en"))
    assert long_story(tuple(normalise(text).split()), words) is long


# ---- the pregnancy FAQ says what the engine does ----------------------------------------------------


def test_the_pregnancy_faq_names_the_points_the_engine_leaves_out_and_the_careful_ones(flow: Flow) -> None:
    answer = flow.kb.content.faqs["pregnancy"].answer["en"]
    points = flow.kb.content.points
    for code, point in points.items():
        name = "Duyin" if code == "EX-LE11" else code
        if point.pregnancy in (Pregnancy.FORBIDDEN, Pregnancy.CAUTION):
            assert name in answer, f"{code} ({point.pregnancy.value}) is not named in the FAQ"
        else:
            assert name not in answer, f"{code} is guided as usual in pregnancy"
    assert answer.startswith("If you're pregnant") and "I won't guide" in answer and "midwife" in answer


def test_what_the_faq_says_holds_for_a_pregnant_person(flow: Flow) -> None:
    flow.say("I'm pregnant")
    assert flow.state.answers["pregnancy"].value == "yes"
    flow.say("can i do it while pregnant")
    assert "I won't guide" in flow.text()
    forbidden = {c for c, p in flow.kb.content.points.items() if p.pregnancy is Pregnancy.FORBIDDEN}
    flow.say("period cramps")
    assert flow.state.offered and not set(flow.state.offered) & forbidden
    for code in forbidden:
        probe = flow.fork()
        probe.tap(f"start:{code}")
        answer_all(probe, {"pregnancy": "yes"})
        assert probe.state.session is None, f"{code} is never guided in pregnancy"
    zone = next(i for i in flow.state.offered if i.startswith("zone:"))
    flow.tap(f"start:{zone}")
    answer_all(flow, {"pregnancy": "yes"})
    assert flow.state.session is not None and flow.state.session.light, "zones: light pressure"
