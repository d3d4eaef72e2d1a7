"""The notice before an inactive person's data are erased, as the pure engine words it."""

from __future__ import annotations

from datetime import timedelta

from bot.engine import Conversation, Knowledge, Reply, TimerFired, step
from bot.engine.state import IDLE
from tests.conftest import T0

ERASE_AT = T0 + timedelta(days=7)


def notice(kb: Knowledge, state: Conversation) -> tuple[object, ...]:
    return step(kb, state, TimerFired("erase-notice", T0, ERASE_AT.isoformat()), now=T0)[1]


def test_the_notice_names_the_day_and_goes_as_its_template_where_a_channel_needs_one(kb: Knowledge) -> None:
    silent = Conversation(state=IDLE, intro_seen=True, last_inbound=(T0 - timedelta(days=358)).isoformat())
    (reply,) = notice(kb, silent)
    assert isinstance(reply, Reply) and reply.template == "erase_notice"
    assert "November 28, 2026" in reply.text and "write anything" in reply.text


def test_no_notice_once_they_wrote_after_it_was_set(kb: Knowledge) -> None:
    back = Conversation(state=IDLE, intro_seen=True, last_inbound=(T0 + timedelta(seconds=1)).isoformat())
    assert notice(kb, back) == ()


def test_no_notice_after_stop_or_to_a_blocked_chat(kb: Knowledge) -> None:
    for quiet in (Conversation(state=IDLE, opted_out=True), Conversation(state=IDLE, unreachable=True)):
        assert notice(kb, quiet) == ()
