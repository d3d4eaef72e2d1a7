"""Bad input gets a kind answer and changes nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.engine import ChoicePicked, TextReceived
from bot.engine import state as S
from tests.engine.helpers import REACH
from tests.flow import Flow

JUNK = [
    TextReceived(""),
    TextReceived("   \n\t "),
    TextReceived("x" * 20_000),
    TextReceived("🙂🙂🙂👍"),
    TextReceived("\x00\x01\x02\x1b[31m\x7f"),
    TextReceived("\u202e\u200b\ufeff"),
    ChoicePicked("no-such-button"),
    ChoicePicked(""),
    ChoicePicked("start:NOPE1"),
    ChoicePicked("ans:acute:maybe"),
    ChoicePicked("rem:stop:abc"),
    ChoicePicked("x" * 500),
]
STATES = [s for s in REACH if s not in (S.NEW, S.BOOKING_WHEN, S.BOOKING_NAME)]


@pytest.mark.parametrize("event", JUNK, ids=lambda e: repr(e)[:40])
@pytest.mark.parametrize("name", STATES)
def test_junk_is_answered_and_changes_nothing(flow: Flow, name: str, event: object) -> None:
    REACH[name](flow)
    before, timers = flow.state, dict(flow.timers)
    replies = flow.send(event)  # type: ignore[arg-type]
    assert replies, "junk still gets an answer"
    assert all(r.text.strip() for r in replies)
    unchanged = replace(flow.state, last_inbound=before.last_inbound, shown=before.shown)
    assert unchanged == before, "only the time they last wrote, and the buttons last shown"
    assert flow.timers == timers


@pytest.mark.parametrize("name", [S.BOOKING_WHEN, S.BOOKING_NAME])
def test_empty_text_in_a_free_text_question_reasks(flow: Flow, name: str) -> None:
    REACH[name](flow)
    before = flow.state
    replies = flow.say("   ")
    assert replace(flow.state, last_inbound=before.last_inbound) == before
    assert replies[-1].text
