"""A red flag in any state stops everything and gets emergency advice, and nothing else (then the check-in)."""

from __future__ import annotations

import pytest

from bot.engine import Reply
from bot.engine import state as S
from tests.engine.helpers import REACH
from tests.flow import Flow

RED_FLAGS = {
    "I have chest pain": "998",
    "my face is drooping and my speech is slurred": "998",
    "I'm vomiting blood": "998",
    "I want to kill myself": "800",
    "my calf is swollen, hot and red": "998",
    # described, not named: a metaphor, someone else, a context, a brand name, a negation's scope, typos
    "feels like an elephant is sitting on my chest": "998",
    "my husband is clutching his chest and sweating": "998",
    "im 30 weeks and the baby hasnt moved since morning": "998",
    "swallowed all my panadol": "800",
    "no chest pain but i cant breathe": "998",
    "chst pain cant brethe": "998",
}


@pytest.mark.parametrize("text", list(RED_FLAGS))
@pytest.mark.parametrize("name", list(REACH))
def test_red_flag_from_every_state(flow: Flow, name: str, text: str) -> None:
    REACH[name](flow)
    flow.say(text)
    replies = [a for a in flow.last if isinstance(a, Reply)]
    assert len(replies) == 1, "the emergency advice and nothing else"
    assert replies[0].urgent and RED_FLAGS[text] in replies[0].text
    assert replies[0].choices == ()
    assert flow.state.state == S.CHECK_IN, "the next message is met with: are you safe now?"
    assert flow.state.session is None
    assert not any(t.startswith("session:") for t in flow.timers), "a running session is stopped"


def test_red_flag_mid_session_cancels_the_next_step(flow: Flow) -> None:
    REACH[S.SESSION_RUNNING](flow)
    flow.say("crushing chest pain spreading to my arm")
    assert flow.wait(600) == [], "no more session messages after an emergency"


def test_self_harm_gets_support_line(flow: Flow) -> None:
    flow.say("I want to die")
    assert "800" in flow.text() and "998" in flow.text()


def test_negated_red_flag_is_not_an_emergency(flow: Flow) -> None:
    replies = flow.say("no chest pain, just tired")
    assert not any(r.urgent for r in replies)


@pytest.mark.parametrize(
    "text", ["not suicidal, just stressed", "had a DVT two years ago", "this traffic is killing me lol"]
)
@pytest.mark.parametrize("name", [name for name in REACH if name != S.CHECK_IN])  # there, it answers the check-in
def test_no_false_alarm_from_any_state(flow: Flow, name: str, text: str) -> None:
    REACH[name](flow)
    replies = flow.say(text)
    assert not any(isinstance(r, Reply) and r.urgent for r in replies)
    assert flow.state.state != S.CHECK_IN


@pytest.mark.parametrize("name", list(REACH))
def test_an_urgent_sign_from_every_state_gets_a_doctor_today_and_no_points(flow: Flow, name: str) -> None:
    REACH[name](flow)
    replies = [r for r in flow.say("my period is so heavy, soaking a pad every hour") if isinstance(r, Reply)]
    assert replies and "doctor today" in replies[0].text
    assert not any(c.id.startswith("start:") for r in replies for c in r.choices)


SCRIPTS = {
    # Roman Hindi/Urdu in Roman letters (Urdu readers often cannot read Devanagari), each script in its own
    "seene mein tez dard ho raha hai": ("998", str.isascii),
    "सीने में तेज़ दर्द हो रहा है": ("998", lambda text: any("\u0900" <= c <= "\u097f" for c in text)),
    "سینے میں شدید درد ہو رہا ہے": ("998", lambda text: any("\u0600" <= c <= "\u06ff" for c in text)),
    "mujhe jeena nahi hai, sab khatam karna chahta hoon": ("800 4673", str.isascii),
}


@pytest.mark.parametrize("text", list(SCRIPTS))
def test_an_emergency_is_answered_in_the_script_it_was_written_in(flow: Flow, text: str) -> None:
    number, readable = SCRIPTS[text]
    flow.say(text)
    (reply,) = [a for a in flow.last if isinstance(a, Reply)]
    assert reply.urgent and number in reply.text
    assert readable(reply.text.replace("\u2068", "").replace("\u2069", "")), reply.text
