"""Contraindications stated in free text are recorded at once, with their date, and used before any point.

"fever 39", "I'm on warfarin", "I had a DVT two years ago", "a cut on my left foot": each is a safety answer
the moment it is said (bot/engine/statements.py), in every state that takes free text; a denial ("no fever",
"my BP is fine"), a question ("can I do it with a fever?") or someone else's condition records nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.engine import state as S
from bot.engine.safety import stated_answers
from bot.engine.state import SafetyAnswer
from bot.engine.statements import Statement, learn, read_statements
from bot.nlu import normalise
from tests.engine.helpers import REACH, answer_all
from tests.flow import Flow

FEVER_ADVICE = "No foot massage today"


def _read(flow: Flow, text: str) -> dict[str, str]:
    return {s.question: s.value for s in read_statements(normalise(text).split(), flow.kb.words("en"))}


def _values(flow: Flow) -> dict[str, str]:
    return {question: answer.value for question, answer in flow.state.answers.items()}


def _offered_points(flow: Flow) -> list[str]:
    return [c for c in flow.choice_ids() if c.startswith("start:")]


# ---- what a sentence states ---------------------------------------------------------------------

STATED = [
    ("fever 39", "acute", "fever"),
    ("Fever 39.5", "acute", "fever"),
    ("temperature 39.5", "acute", "fever"),
    ("I have a temp of 38.6", "acute", "fever"),
    ("my temperature is 38", "acute", "fever"),
    ("temp 38,7", "acute", "fever"),
    ("Temp: 38.9", "acute", "fever"),
    ("38.7C", "acute", "fever"),
    ("38.7 °C", "acute", "fever"),
    ("39 degrees C", "acute", "fever"),
    ("102 F", "acute", "fever"),
    ("102°F", "acute", "fever"),
    ("100.4F", "acute", "fever"),
    ("temp 101", "acute", "fever"),
    ("running a fever", "acute", "fever"),
    ("I feel feverish", "acute", "fever"),
    ("I have a high temperature", "acute", "fever"),
    ("my BP is high", "pressure", "yes"),
    ("high blood pressure", "pressure", "yes"),
    ("I have hypertension", "pressure", "yes"),
    ("I take pills for my blood pressure", "pressure", "yes"),
    ("I'm on warfarin", "chronic", "yes"),
    ("blood thinners", "chronic", "yes"),
    ("aspirin daily", "chronic", "yes"),
    ("I have diabetes", "chronic", "yes"),
    ("type 2 diabetic", "chronic", "yes"),
    ("heart disease", "chronic", "yes"),
    ("I had a heart attack last year", "chronic", "yes"),
    ("I had a DVT two years ago", "clot", "yes"),
    ("history of blood clots", "clot", "yes"),
    ("I have a cut on my foot", "foot", "yes"),  # which foot is not said
    ("there's a blister on my left heel", "foot", "left"),
    ("I broke my right toe", "foot", "right"),
    ("cuts on both feet", "foot", "both"),
    ("gout in my left big toe, and a cut on the right foot", "foot", "both"),
]


@pytest.mark.parametrize(("text", "question", "value"), STATED)
def test_a_stated_risk_is_read(flow: Flow, text: str, question: str, value: str) -> None:
    assert _read(flow, text).get(question) == value, _read(flow, text)


NOTHING_STATED = [
    "no fever",
    "I don't have a fever",
    "not pregnant",
    "my BP is fine",
    "my BP is normal",
    "low blood pressure",
    "I don't have diabetes or high blood pressure",
    "I've never had a clot",
    "no history of dvt",
    "no cuts on my feet",
    "temperature 36.8",
    "temperature 37.2, just tired",
    "fever 37.5",
    "my temperature is normal",
    "38,7",  # a number alone, no unit and no temperature word
    "it's 40C outside",
    "I have hay fever",
    "take my temperature",
    "can I do it with a fever?",
    "what if my blood pressure is high",
    "is it safe with diabetes?",
    "my friend had a DVT",
    "my son has a fever",
    "my husband has high blood pressure",
    "diabetes runs in my family",
    "I have a cut on my hand",
    "my feet are sore",
    "my feet burn at night",
    "too much pressure",
    "I'm 39 and my temperature is 37",
    "my husband is a heart patient, had a stent in 2019",
    "my boss gives me a heart attack every monday",
    "blood clots in my period",
    "my uncle passed away from a heart attack last year",
]


@pytest.mark.parametrize("text", NOTHING_STATED)
def test_no_risk_is_read_from_a_denial_a_question_or_someone_else(flow: Flow, text: str) -> None:
    read = _read(flow, text)
    assert all(value == "no" for value in read.values()), read


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no fever but my bp is high", {"acute": "no", "pressure": "yes"}),
        ("no fever and my BP is high", {"acute": "no", "pressure": "yes"}),
        ("I have high blood pressure and no diabetes", {"pressure": "yes", "chronic": "no"}),
        ("my husband says my bp is high", {"pressure": "yes"}),
        ("fever 39 and a headache", {"acute": "fever"}),
        ("I'm diabetic, temp 38.4", {"chronic": "yes", "acute": "fever"}),
    ],
)
def test_each_clause_is_read_on_its_own(flow: Flow, text: str, expected: dict[str, str]) -> None:
    assert _read(flow, text) == expected


def test_stated_answers_still_name_the_topic_of_a_correction(flow: Flow) -> None:
    w = flow.kb.words("en")
    assert stated_answers(normalise("my blood pressure is normal now").split(), w) == [("pressure", "no")]
    assert ("pregnancy", "no") in stated_answers(normalise("I'm not pregnant anymore").split(), w)


# ---- what is recorded, and when ----------------------------------------------------------------


def test_learn_records_risks_with_their_date_and_never_lowers_one(flow: Flow) -> None:
    at = flow.now.isoformat()
    old = {"pressure": SafetyAnswer("yes", "2026-11-01T00:00:00+00:00"), "foot": SafetyAnswer("left", at)}
    stated = (Statement("pressure", "no"), Statement("chronic", "yes"), Statement("foot", "right"))
    answers, notes = learn(old, stated, flow.now)
    assert answers["pressure"] == old["pressure"]  # "no" lowers nothing
    assert answers["chronic"] == SafetyAnswer("yes", at)
    assert answers["foot"] == SafetyAnswer("both", at)  # left before, right now
    assert notes == ("safety.noted.chronic", "safety.noted.foot-both")


@pytest.mark.parametrize(("text", "question", "value"), [s for s in STATED if s[1] != "foot"])
def test_a_risk_said_in_passing_is_remembered_with_its_date(flow: Flow, text: str, question: str, value: str) -> None:
    flow.say("hi")
    flow.say(text)
    assert flow.state.answers[question] == SafetyAnswer(value, flow.now.isoformat()), flow.text()
    assert "Noted" in flow.text()


@pytest.mark.parametrize("text", NOTHING_STATED)
def test_a_false_alarm_records_nothing(flow: Flow, text: str) -> None:
    flow.say("hi")
    flow.say(text)
    assert not {q for q, a in flow.state.answers.items() if a.value not in ("no", "none")}, _values(flow)
    assert "Noted:" not in flow.text()


def test_a_denial_never_lowers_a_recorded_risk(flow: Flow) -> None:
    flow.say("I have high blood pressure")
    flow.now += timedelta(minutes=1)
    flow.say("my BP is fine")
    flow.say("no fever")
    assert flow.state.answers["pressure"].value == "yes"
    flow.tap("start:KI1")
    assert flow.state.session is None and "blood pressure" in flow.text()


def test_pregnancy_in_weeks_or_months_is_recorded_and_noted(flow: Flow) -> None:
    for text in ("I'm 20 weeks pregnant", "pregnant, 3 months"):
        case = Flow(flow.kb, flow.now)
        case.say("hi")
        case.say(text)
        assert case.state.answers["pregnancy"] == SafetyAnswer("yes", case.now.isoformat())
        assert "Noted: you're pregnant" in case.text()


@pytest.mark.parametrize(
    "text",
    [
        "im 30 weeks and bloated",
        "I am 28 wks, cant sleep",
        "30 weeks along and so bloated",
        "я на 30 неделе, вздутие",
        "انا في الاسبوع 30 وعندي انتفاخ",
        "ana fi el osbo3 30 w 3andi inti5a5",
    ],
)
def test_a_week_of_pregnancy_without_the_word_is_a_pregnancy(flow: Flow, text: str) -> None:
    flow.say("hi")
    flow.say(text)
    assert flow.state.answers["pregnancy"] == SafetyAnswer("yes", flow.now.isoformat())


@pytest.mark.parametrize(
    "text",
    [
        "insomnia 5 weeks now",
        "bloated for the last 6 weeks",
        "I'm not 30 weeks, just bloated",
        "my son is 6 weeks and has gas",
        "headache, 3 weeks now",
        "I am 30 and bloated",
    ],
)
def test_weeks_of_a_complaint_or_a_babys_age_are_no_pregnancy(flow: Flow, text: str) -> None:
    flow.say("hi")
    flow.say(text)
    assert "pregnancy" not in flow.state.answers and not flow.state.others_pregnant


def test_someone_elses_weeks_of_pregnancy_stay_theirs(flow: Flow) -> None:
    flow.say("my wife is 30 weeks and bloated")
    assert "pregnancy" not in flow.state.answers and flow.state.others_pregnant


def test_someone_elses_pregnancy_stays_theirs(flow: Flow) -> None:
    flow.say("my wife is 20 weeks pregnant")
    assert "pregnancy" not in flow.state.answers and flow.state.others_pregnant


# ---- a fever: no points today ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["fever 39 and a headache", "I have a fever and a headache", "temp 38.6, my back aches", "102 F and bloated"],
)
def test_a_fever_with_a_symptom_gets_the_fever_advice_and_no_points(flow: Flow, text: str) -> None:
    flow.say("hi")
    replies = flow.say(text)
    text_out = "\n".join(r.text for r in replies)
    assert FEVER_ADVICE in text_out and "39.5" in text_out and "998" in text_out and "3 days" in text_out
    assert flow.state.answers["acute"].value == "fever"
    assert not _offered_points(flow) and flow.state.state != S.OFFERED


def test_a_fever_with_a_symptom_while_points_are_on_offer_offers_no_new_ones(flow: Flow) -> None:
    flow.say("I feel bloated")
    assert flow.state.state == S.OFFERED
    flow.say("and now a headache, temp 38.5")
    assert FEVER_ADVICE in flow.text() and not _offered_points(flow)
    assert "headache" not in flow.state.symptoms


def test_a_symptom_soon_after_a_fever_offers_no_points_either(flow: Flow) -> None:
    flow.say("I have a fever")
    flow.now += timedelta(minutes=5)
    flow.say("and a headache")
    assert FEVER_ADVICE in flow.text() and not _offered_points(flow)


def test_a_fever_counts_for_one_sitting_only(flow: Flow) -> None:
    flow.say("fever 39")
    flow.now += timedelta(minutes=flow.kb.policy.acute_valid_minutes + 1)
    flow.say("I have a headache")
    assert _offered_points(flow)
    flow.tap(_offered_points(flow)[0])
    assert flow.state.state == S.SAFETY and flow.state.question == "acute"  # asked again, not assumed


def test_a_normal_temperature_with_a_symptom_still_offers_points(flow: Flow) -> None:
    flow.say("temperature 37.2, just tired")
    assert _offered_points(flow) and "acute" not in flow.state.answers


def test_a_stated_fever_refuses_a_start_button_before_any_question(flow: Flow) -> None:
    flow.say("I feel bloated")
    item = _offered_points(flow)[0]
    flow.say("oh and I'm running a temperature of 38.5")
    replies = flow.tap(item)
    assert flow.state.session is None and flow.state.state == S.IDLE
    assert "fever" in "\n".join(r.text for r in replies) and "Right now" not in flow.text()


# ---- before any point: the stored answers are used --------------------------------------------


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("my BP is high", "blood pressure"),
        ("I had a DVT two years ago", "clot"),
        ("cuts on both feet", "both feet"),
    ],
)
def test_a_stated_risk_refuses_the_session_up_front(flow: Flow, text: str, refusal: str) -> None:
    flow.say(text)
    replies = flow.tap("start:KI1")
    assert flow.state.session is None and flow.state.state == S.IDLE
    assert refusal in "\n".join(r.text for r in replies)
    assert "Right now" not in flow.text(), "no question that no longer matters"


def test_a_stated_chronic_condition_makes_the_session_gentle(flow: Flow) -> None:
    flow.say("I'm on warfarin")
    flow.tap("start:KI1")
    asked = []
    while flow.state.state == S.SAFETY:
        asked.append(flow.state.question)
        answer_all_once(flow)
    assert "chronic" not in asked, "answered in words already"
    assert flow.state.session is not None and flow.state.session.light
    assert flow.state.answers["chronic"].value == "yes"


def test_a_stated_wound_on_one_foot_spares_that_foot(flow: Flow) -> None:
    flow.say("I have a cut on my left foot")
    assert flow.state.answers["foot"].value == "left"
    flow.tap("start:KI1")
    answer_all(flow)
    assert flow.state.session is not None and flow.state.session.feet == ("right",)


def test_a_wound_on_a_foot_not_named_asks_the_foot_question_again(flow: Flow) -> None:
    flow.tap("start:KI1")
    answer_all(flow)  # foot: no, valid for weeks
    flow.control("stop")
    flow.say("I have a cut on my foot")
    assert "foot" not in flow.state.answers
    assert "which one" in flow.text()
    flow.tap("start:KI1")
    asked = []
    while flow.state.state == S.SAFETY:
        asked.append(flow.state.question)
        flow.tap(f"ans:{flow.state.question}:{'none' if flow.state.question == 'acute' else 'right'}")
    assert "foot" in asked
    assert flow.state.session is not None and flow.state.session.feet == ("left",)


# ---- every state that takes free text ----------------------------------------------------------


@pytest.mark.parametrize("where", [S.IDLE, S.OFFERED, S.FEEDBACK])
@pytest.mark.parametrize(
    ("text", "question", "value"), [("fever 39", "acute", "fever"), ("I'm on warfarin", "chronic", "yes")]
)
def test_a_risk_is_heard_where_free_text_is_taken(flow: Flow, where: str, text: str, question: str, value: str) -> None:
    REACH[where](flow)
    assert flow.state.state == where
    flow.now += timedelta(minutes=1)
    flow.say(text)
    assert flow.state.answers[question] == SafetyAnswer(value, flow.now.isoformat())


@pytest.mark.parametrize("where", [S.SESSION_FINDING, S.SESSION_RUNNING, S.SESSION_PAUSED])
def test_a_fever_said_in_a_session_stops_it(flow: Flow, where: str) -> None:
    REACH[where](flow)
    flow.now += timedelta(minutes=1)
    flow.say("I think I have a fever, 38.5")
    assert flow.state.session is None and not any(t.startswith("session:") for t in flow.timers)
    assert flow.state.answers["acute"] == SafetyAnswer("fever", flow.now.isoformat())
    assert "fever" in flow.text()


def test_a_chronic_condition_said_in_a_session_makes_it_gentle(flow: Flow) -> None:
    REACH[S.SESSION_RUNNING](flow)
    flow.say("by the way I'm type 2 diabetic")
    assert flow.state.session is not None and flow.state.session.light


# ---- during the safety questions ---------------------------------------------------------------


def answer_all_once(flow: Flow) -> None:
    flow.tap(f"ans:{flow.state.question}:{'none' if flow.state.question == 'acute' else 'no'}")


def _asking(flow: Flow, question: str) -> None:
    flow.tap("start:KI1")
    while flow.state.question != question:
        answer_all_once(flow)


@pytest.mark.parametrize("typed", ["fever 39", "temp is 38.5", "102 F"])
def test_a_temperature_typed_to_the_right_now_question_is_a_fever(flow: Flow, typed: str) -> None:
    _asking(flow, "acute")
    flow.say(typed)
    assert flow.state.answers["acute"].value == "fever" and flow.state.session is None
    assert flow.state.state == S.IDLE and "With a fever" in flow.text()


def test_a_normal_temperature_typed_to_the_right_now_question_is_asked_again(flow: Flow) -> None:
    _asking(flow, "acute")
    flow.say("temperature 36.8")
    assert flow.state.state == S.SAFETY and flow.state.question == "acute"
    assert "acute" not in flow.state.answers


def test_a_fever_said_at_a_later_question_overrides_none(flow: Flow) -> None:
    _asking(flow, "pressure")
    assert flow.state.answers["acute"].value == "none"
    flow.say("actually I have a fever of 38.9")
    assert flow.state.answers["acute"].value == "fever"
    assert flow.state.state == S.IDLE and flow.state.session is None and "fever" in flow.text()


def test_another_risk_said_at_a_question_is_kept_and_the_question_stays(flow: Flow) -> None:
    _asking(flow, "pressure")
    flow.say("I'm on blood thinners")
    assert flow.state.answers["chronic"].value == "yes"
    assert flow.state.state == S.SAFETY and flow.state.question == "pressure"


def test_the_risk_asked_about_said_in_words_answers_the_question(flow: Flow) -> None:
    _asking(flow, "pressure")
    flow.say("my blood pressure is high")
    assert flow.state.answers["pressure"].value == "yes"
    assert flow.state.state == S.IDLE and "blood pressure" in flow.text()


def test_a_wound_said_at_the_foot_question_names_the_foot(flow: Flow) -> None:
    _asking(flow, "foot")
    flow.say("a blister on my right heel")
    assert flow.state.answers["foot"].value == "right"
    answer_all(flow)
    assert flow.state.session is not None and flow.state.session.feet == ("left",)


@pytest.mark.parametrize(("question", "typed"), [("chronic", "no, I'm diabetic"), ("pressure", "no, hypertension")])
def test_no_with_the_risk_itself_is_still_asked_again(flow: Flow, question: str, typed: str) -> None:
    _asking(flow, question)
    flow.say(typed)
    assert flow.state.state == S.SAFETY and flow.state.question == question
    assert question not in flow.state.answers


# ---- a question about pregnancy is not a pregnancy ------------------------------------------------


@pytest.mark.parametrize("typed", ["is it safe in pregnancy?", "هل هو آمن أثناء الحمل؟", "можно ли при беременности?"])
def test_a_question_about_pregnancy_is_answered_and_records_nothing(flow: Flow, typed: str) -> None:
    replies = flow.say(typed)
    assert "pregnancy" not in flow.state.answers and not flow.state.others_pregnant
    assert any("SP6" in r.text for r in replies)  # the pregnancy answer, which names the points avoided


@pytest.mark.parametrize("typed", ["is it safe in my pregnancy?", "I'm pregnant, is it safe?", "я беременна, можно?"])
def test_pregnancy_said_in_a_question_is_recorded_and_the_question_answered(flow: Flow, typed: str) -> None:
    replies = flow.say(typed)
    assert flow.state.answers["pregnancy"].value == "yes"
    assert any("SP6" in r.text for r in replies)


def test_a_belly_ache_in_pregnancy_says_when_it_is_for_the_midwife(flow: Flow) -> None:
    replies = flow.say("I'm pregnant and my belly hurts")
    assert flow.state.state == S.OFFERED and "midwife" in replies[-1].text
    headache = flow.fork().say("I have a headache")  # not the belly
    assert "midwife" not in headache[-1].text


def test_a_belly_ache_without_pregnancy_has_no_midwife_line(flow: Flow) -> None:
    replies = flow.say("I feel bloated")
    assert flow.state.state == S.OFFERED and "midwife" not in replies[-1].text
