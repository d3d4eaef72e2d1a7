"""Engine transitions, table-driven: from a state, an event, to a state. Pure: no I/O, no clock."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from bot.engine import ChoicePicked, Conversation, Forget, Reply, TextReceived, step
from bot.engine import state as S
from tests.engine.helpers import REACH, answer_all
from tests.flow import Flow


@pytest.mark.parametrize(
    ("start", "event", "expected"),
    [
        (S.NEW, TextReceived("I feel bloated"), S.OFFERED),
        (S.IDLE, TextReceived("cant sleep"), S.OFFERED),
        (S.IDLE, TextReceived("book"), S.BOOKING_BRANCH),
        (S.IDLE, TextReceived("remind me"), S.REMINDER_TIME),
        (S.IDLE, TextReceived("delete my data"), S.DELETE_CONFIRM),
        (S.IDLE, TextReceived("what time is it"), S.IDLE),
        (S.OFFERED, ChoicePicked("start:ST44"), S.SAFETY),
        (S.SAFETY, ChoicePicked("ans:acute:none"), S.SAFETY),
        (S.SESSION_FINDING, ChoicePicked("@ready"), S.SESSION_RUNNING),
        (S.SESSION_FINDING, TextReceived("ready"), S.SESSION_RUNNING),
        (S.SESSION_RUNNING, ChoicePicked("@pause"), S.SESSION_PAUSED),
        (S.SESSION_RUNNING, TextReceived("pause"), S.SESSION_PAUSED),
        (S.SESSION_RUNNING, ChoicePicked("@painful"), S.SESSION_TOO_PAINFUL),
        (S.SESSION_RUNNING, TextReceived("too painful"), S.SESSION_TOO_PAINFUL),
        (S.SESSION_RUNNING, ChoicePicked("@stop"), S.IDLE),
        (S.SESSION_PAUSED, ChoicePicked("@resume"), S.SESSION_RUNNING),
        (S.SESSION_TOO_PAINFUL, ChoicePicked("@lighter"), S.SESSION_RUNNING),
        (S.SESSION_TOO_PAINFUL, ChoicePicked("@stop"), S.IDLE),
        (S.FEEDBACK, ChoicePicked("feel:better"), S.IDLE),
        (S.FEEDBACK, TextReceived("better"), S.IDLE),
        (S.REMINDER_TIME, TextReceived("10pm every night"), S.IDLE),
        (S.REMINDER_TIME, ChoicePicked("remat:22:00"), S.IDLE),
        (S.BOOKING_BRANCH, ChoicePicked("branch:dhcc"), S.BOOKING_WHEN),
        (S.BOOKING_WHEN, TextReceived("Tuesday after 5"), S.BOOKING_NAME),
        (S.BOOKING_NAME, TextReceived("Sara"), S.BOOKING_CONTACT),
        (S.BOOKING_CONTACT, TextReceived("+971 50 123 4567"), S.BOOKING_CONSENT),
        (S.BOOKING_CONTACT, TextReceived("here in this chat"), S.BOOKING_CONSENT),
        (S.BOOKING_CONTACT, ChoicePicked("contact-chat"), S.BOOKING_CONSENT),
        (S.TIMEZONE_ASK, TextReceived("London"), S.IDLE),
        (S.BOOKING_CONSENT, ChoicePicked("consent:no"), S.IDLE),
        (S.DELETE_CONFIRM, ChoicePicked("delete:no"), S.IDLE),
        (S.DID_YOU_MEAN, ChoicePicked("sym:insomnia"), S.OFFERED),
        (S.DID_YOU_MEAN, ChoicePicked("sym:none"), S.IDLE),
        (S.SESSION_RUNNING, TextReceived("start over"), S.IDLE),
        (S.SAFETY, TextReceived("help"), S.SAFETY),
    ],
)
def test_transition(flow: Flow, start: str, event: object, expected: str) -> None:
    REACH[start](flow)
    assert flow.state.state == start
    if isinstance(event, ChoicePicked) and event.choice_id.startswith("@"):
        replies = flow.control(event.choice_id[1:])  # session buttons carry the session and step
    else:
        replies = flow.send(event)  # type: ignore[arg-type]
    assert flow.state.state == expected
    assert replies, "every event from the person gets an answer"


def test_intro_and_disclaimer_shown_once(flow: Flow) -> None:
    first = flow.say("hi")
    assert "not a cure" in first[0].text or "can't diagnose" in first[0].text
    second = flow.say("hi")
    assert all("diagnose" not in r.text for r in second)


def test_state_round_trips_through_json_in_every_state(flow: Flow) -> None:
    for name, reach in REACH.items():
        f = Flow(flow.kb, flow.now)
        reach(f)
        assert f.state.state == name
        raw = f.state.to_json()
        # every field of every nested record is written, as the standard library would write it
        assert json.loads(raw) == json.loads(json.dumps(asdict(f.state)))
        assert Conversation.from_json(raw) == f.state


def test_state_names_are_known(flow: Flow) -> None:
    for reach in REACH.values():
        f = Flow(flow.kb, flow.now)
        reach(f)
        assert f.state.state in S.ALL_STATES


def test_several_symptoms_and_negation(flow: Flow) -> None:
    flow.say("no headache, just tired")
    assert flow.state.state == S.OFFERED
    assert "fatigue" in flow.state.symptoms
    assert "headache" not in flow.state.symptoms


def test_offer_names_points_with_where_and_how(flow: Flow) -> None:
    replies = flow.say("I feel bloated")
    text = replies[-1].text
    assert "Where:" in text and "How:" in text and "Why:" in text
    assert all(c.id.startswith("start:") or c.id in ("clinic", "more") for c in replies[-1].choices)


def test_off_topic_gets_menu_not_a_guess(flow: Flow) -> None:
    flow.say("hi")
    replies = flow.say("what time is it")
    assert not any(c.id.startswith("start:") for r in replies for c in r.choices)
    assert flow.state.offered == ()


def test_deep_link_start_offers_the_symptom(flow: Flow) -> None:
    replies = flow.send(__import__("bot.engine", fromlist=["Started"]).Started("bloating"))
    assert flow.state.state == S.OFFERED
    assert any(c.id.startswith("start:") for c in replies[-1].choices)


def test_kd1_alias_is_shown_as_ki1(flow: Flow) -> None:
    flow.tap("start:KD1")
    answer_all(flow)
    assert flow.state.session is not None and flow.state.session.item == "KI1"


def test_typed_number_picks_a_button(flow: Flow) -> None:
    flow.say("book")
    flow.say("2")  # the second branch
    assert flow.state.state == S.BOOKING_WHEN
    assert flow.state.booking is not None and flow.state.booking.branch == "dhcc"


def test_a_bare_number_never_deletes_everything(flow: Flow) -> None:
    flow.say("delete my data")
    flow.say("1")
    assert flow.state.state == S.DELETE_CONFIRM
    assert not any(isinstance(a, Forget) for a in flow.last)
    flow.say("yes")
    assert any(isinstance(a, Forget) for a in flow.last)


def test_every_reply_choice_fits_telegram(flow: Flow) -> None:
    for reach in REACH.values():
        f = Flow(flow.kb, flow.now)
        reach(f)
        for sent in f.sent:
            for choice in sent.reply.choices:
                assert 1 <= len(choice.id.encode()) <= 64


def test_step_is_deterministic(flow: Flow) -> None:
    state = Conversation(salt="ab12")
    a = step(flow.kb, state, TextReceived("period cramps"), now=flow.now)
    b = step(flow.kb, state, TextReceived("period cramps"), now=flow.now)
    assert a == b
    assert all(isinstance(x, Reply) for x in a[1])


def test_two_symptoms_each_get_an_offer(flow: Flow) -> None:
    flow.say("I feel bloated and cant sleep")
    bloating = set(flow.kb.content.symptoms["bloating"].points)
    sleep = set(flow.kb.content.symptoms["insomnia"].points)
    offered = set(flow.state.offered)
    assert offered & bloating and offered & sleep
