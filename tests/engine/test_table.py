"""The table of states is the truth: the drawing is generated from it, and the engine keeps to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import ChoicePicked, TextReceived
from bot.engine import state as S
from bot.engine.choices import all_choice_ids, parse_choice
from bot.engine.diagram import block
from bot.engine.table import GLOBAL_ARROWS, HANDLERS
from tests.engine.helpers import REACH
from tests.flow import Flow

DOC = Path(__file__).resolve().parents[2] / "docs" / "conversation.md"

PROBES = [
    TextReceived(text)
    for text in (
        "I feel bloated",
        "cant sleep",
        "book",
        "remind me",
        "remind me at 10pm every night",
        "help",
        "1",
        "2",
        "yes",
        "no",
        "stop",
        "pause",
        "go on",
        "lighter",
        "slower",
        "faster",
        "10pm",
        "London",
        "skip",
        "snooze",
        "change my answers",
        "I pressed yes by mistake",
        "my blood pressure is normal now",
        "my wife is pregnant",
        "show me KI1",
        "what is this point for",
        "how long does a session take?",
        "+971 50 123 4567",
        "this chat",
        "change my timezone",
        "🙂",
        "",
        "chest pain",
        "delete my data",
        "start over",
    )
]


def test_the_drawing_is_generated_from_the_table() -> None:
    assert block() in DOC.read_text(encoding="utf-8"), "run `python -m bot.engine.diagram` and paste it in"


def test_every_state_has_a_row_and_every_arrow_a_known_target() -> None:
    assert set(HANDLERS) == S.ALL_STATES
    for row in HANDLERS.values():
        assert all(target in S.ALL_STATES for target, _ in row.arrows)


def _allowed(state: str) -> set[str]:
    row = HANDLERS[state]
    allowed = {state, *(t for t, _ in row.arrows), *(t for t, _ in GLOBAL_ARROWS)}
    if row.general:
        allowed |= {t for t, _ in HANDLERS[S.IDLE].arrows}
    return allowed


@pytest.mark.parametrize("name", sorted(REACH))
def test_every_transition_the_engine_makes_is_drawn(flow: Flow, name: str) -> None:
    REACH[name](flow)
    seen = set(flow.transitions)
    shown = [c.id for c in flow.state.shown]
    for event in [*PROBES, *(ChoicePicked(i) for i in shown)]:
        probe = flow.fork()
        probe.send(event)
        probe.wait(3600)
        seen |= probe.transitions
    undrawn = {(a, b) for a, b in seen if b not in _allowed(a)}
    assert not undrawn, f"transitions missing from bot/engine/table.py arrows: {sorted(undrawn)}"


def test_every_choice_id_parses_and_formats_back(flow: Flow) -> None:
    ids = all_choice_ids(flow.kb.content, tuple(b.id for b in flow.kb.clinic.branches))
    for raw in ids:
        parsed = parse_choice(raw)
        assert parsed is not None, raw
        assert str(parsed) == raw
    assert parse_choice("start") is None
    assert parse_choice("ans:acute:maybe") is None
    assert parse_choice("rem:stop:abc") is None
    assert parse_choice("remat:25:00") is None
