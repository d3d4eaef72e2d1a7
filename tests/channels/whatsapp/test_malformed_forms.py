"""Signed forms are type- and length-checked: a malformed one is answered 200 (empty TwiML), counted and
logged once (the field's name, never its value), and the next valid message is handled as ever."""

from __future__ import annotations

import logging

import pytest
from twilio.request_validator import RequestValidator

from bot.channels.whatsapp.parse import malformed_form
from tests.channels.whatsapp.conftest import PERSON, PUBLIC, TOKEN, WhatsAppRig

CASES = [
    ("NumMedia", {"NumMedia": "9" * 5000}),
    ("NumMedia", {"NumMedia": "-1"}),
    ("NumMedia", {"NumMedia": "11"}),
    ("NumMedia", {"NumMedia": "١"}),  # an Arabic-Indic digit: decimal, but not what Twilio sends
    ("From", {"From": "whatsapp:+" + "9" * 70}),
    ("From", {"From": "whatsapp:mona"}),
    ("MessageSid", {"MessageSid": "SM" + "1" * 5000, "SmsSid": ""}),
    ("MessageSid", {"MessageSid": "", "SmsSid": ""}),
    ("Body", {"Body": "x" * 5000}),
    ("ButtonPayload", {"ButtonPayload": "p" * 300}),
    ("Latitude", {"Latitude": "1e999", "Longitude": "55.3"}),
    ("Longitude", {"Latitude": "25.2", "Longitude": "nan"}),
]


@pytest.mark.parametrize(("field", "change"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
async def test_a_malformed_form_is_taken_counted_and_the_next_works(
    rig: WhatsAppRig, caplog: pytest.LogCaptureFixture, field: str, change: dict[str, str]
) -> None:
    form = {**rig.form("I feel bloated"), **change}
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/whatsapp/webhook", form)
    with caplog.at_level(logging.INFO):
        response = await rig.http.post("/whatsapp/webhook", data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200 and "<Response></Response>" in response.text
    counted = rig.channel.metrics.registry.get_sample_value(
        "reflexbot_malformed_updates_total", {"channel": "whatsapp", "field": field}
    )
    assert counted == 1
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and lines[0].exc_info is None
    assert "bloated" not in caplog.text and PERSON.removeprefix("whatsapp:") not in caplog.text
    assert rig.messages() == []
    await rig.say("I feel bloated")  # the next valid message
    assert any("bloating" in body for body in rig.bodies())


def test_what_twilio_sends_is_well_formed(rig_form: dict[str, str]) -> None:
    assert malformed_form(rig_form) is None
    assert malformed_form({**rig_form, "NumMedia": "2", "Body": ""}) is None
    assert malformed_form({**rig_form, "Latitude": "25.2048", "Longitude": "55.2708"}) is None


@pytest.fixture
def rig_form() -> dict[str, str]:
    return {
        "MessageSid": "SM" + "0" * 31 + "1",
        "SmsSid": "SM" + "0" * 31 + "1",
        "From": PERSON,
        "Body": "hi",
        "NumMedia": "0",
        "ProfileName": "Amira",
    }
