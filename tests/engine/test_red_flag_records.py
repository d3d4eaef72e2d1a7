"""Each emergency and each urgent sign is kept as a fact for the clinic's counts: its kind and severity,
never the person's words; a sign for a doctor some day (not urgent) keeps nothing."""

from __future__ import annotations

import pytest

from bot.engine import Record
from content.loader import default_content
from tests.engine.helpers import REACH
from tests.flow import Flow

SIGNS = {
    "I have chest pain": "emergency",
    "I want to kill myself": "emergency",
    "my period is really heavy, soaking a pad every hour": "urgent",
}


def _records(flow: Flow) -> list[Record]:
    return [a for a in flow.last if isinstance(a, Record)]


@pytest.mark.parametrize("text", list(SIGNS))
@pytest.mark.parametrize("name", ["fresh", *list(REACH)[-2:]])
def test_a_red_flag_is_recorded_by_kind_and_severity_only(flow: Flow, name: str, text: str) -> None:
    if name != "fresh":
        REACH[name](flow)
    flow.say(text)
    (record,) = _records(flow)
    data = dict(record.data)
    assert record.kind == "red-flag" and set(data) == {"kind", "severity"}
    assert data["severity"] == SIGNS[text] and data["kind"]
    assert data["kind"] in {flag.kind for flag in default_content().red_flags}, "a kind the content names, not words"


def test_a_sign_for_a_doctor_some_day_records_nothing(flow: Flow) -> None:
    flow.say("I have a lump in my breast")
    assert _records(flow) == []


def test_plain_talk_records_no_red_flag(flow: Flow) -> None:
    flow.say("I feel bloated")
    assert _records(flow) == []
