"""Property-based fuzzing: the engine and both webhook parsers never let an exception escape, every text
gets a reply, and the state always stays valid JSON."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.telegram.parse import malformed_update, parse_update
from bot.channels.whatsapp.parse import parse_form
from bot.engine import Choice, ChoicePicked, Conversation, Knowledge, Reply, TextReceived, step
from tests.conftest import T0
from tests.engine.helpers import REACH
from tests.flow import Flow

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
WORDS = st.lists(
    st.sampled_from(
        [
            "I",
            "feel",
            "bloated",
            "no",
            "stop",
            "yes",
            "1",
            "2",
            "remind",
            "me",
            "at",
            "10pm",
            "book",
            "chest",
            "pain",
            "pregnant",
            "ready",
            "pause",
            "😊",
            "delete",
            "my",
            "data",
            "help",
            "cant",
            "sleep",
            "\x00",
            "start",
            "over",
        ]
    ),
    max_size=8,
).map(" ".join)
CHOICE = st.one_of(
    st.sampled_from(
        [
            "start:KI1",
            "start:zone:arch",
            "ans:acute:none",
            "ans:foot:left",
            "feel:better",
            "rem:snooze:1",
            "remat:22:00",
            "branch:main",
            "consent:yes",
            "delete:no",
            "sym:insomnia",
            "menu",
            "book",
        ]
    ),
    TEXT,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    state_name=st.sampled_from(sorted(REACH)),
    texts=st.lists(st.one_of(TEXT, WORDS), min_size=1, max_size=4),
    choice=CHOICE,
)
def test_the_engine_always_answers_and_keeps_valid_state(
    kb: Knowledge, state_name: str, texts: list[str], choice: str
) -> None:
    flow = Flow(kb, T0)
    REACH[state_name](flow)
    for text in texts:
        state, actions = step(kb, flow.state, TextReceived(text), now=flow.now)
        assert any(isinstance(a, Reply) for a in actions), f"no reply to {text!r} in {state_name}"
        assert Conversation.from_json(state.to_json()) == state
        json.loads(state.to_json())
        flow.state = state
    state, actions = step(kb, flow.state, ChoicePicked(choice), now=flow.now)
    assert Conversation.from_json(state.to_json()) == state


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(
    update_id=st.integers(min_value=1, max_value=2**31),
    text=TEXT,
    chat=st.integers(-(2**40), 2**40),
    kind=st.sampled_from(["private", "group", "supergroup", "channel"]),
    data=TEXT,
    extra=JSONISH,
)
def test_the_telegram_parser_takes_any_update(
    update_id: int, text: str, chat: int, kind: str, data: str, extra: object
) -> None:
    message = {"message_id": 1, "date": 0, "chat": {"id": chat, "type": kind}, "text": text, "extra": extra}
    updates = [
        {"update_id": update_id, "message": message},
        {"update_id": update_id, "edited_message": message},
        {
            "update_id": update_id,
            "callback_query": {
                "id": "q",
                "from": {"id": 1, "is_bot": False, "first_name": "A"},
                "chat_instance": "c",
                "data": data,
                "message": message,
            },
        },
    ]
    for raw in updates:
        if malformed_update(raw) is None:  # what the webhook lets through is parsed without an error
            inbound = parse_update(raw, staff_chat_id=chat)
            assert inbound is None or inbound.chat_id == chat


@settings(max_examples=300, deadline=None)
@given(
    form=st.dictionaries(
        st.sampled_from(["From", "MessageSid", "Body", "ButtonPayload", "NumMedia", "Latitude", "Longitude", "SmsSid"]),
        TEXT,
        max_size=8,
    ),
    sender=st.sampled_from(["whatsapp:+971501234567", "whatsapp:", "+971", ""]),
    menu=st.lists(st.tuples(TEXT, TEXT), max_size=4),
)
def test_the_whatsapp_parser_takes_any_form(form: dict[str, str], sender: str, menu: list[tuple[str, str]]) -> None:
    fields = {"MessageSid": "SM1", **form, "From": sender}
    shown = tuple(Choice(i, label) for i, label in menu)
    parse_form(fields, shown)
