"""The cheap checks in front of the webhooks, piece by piece (tests/test_hostile_requests.py drives a
real server with them)."""

from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from bot.body_limits import declared_length
from bot.server import FormFields, plausible_signature


def test_form_fields_keep_every_value_and_validate_as_twilio_signs_them() -> None:
    fields = FormFields.parse(b"MediaUrl0=a&Body=hi+there&MediaUrl0=b&Empty=", max_fields=10)
    assert fields == {"MediaUrl0": ["a", "b"], "Body": ["hi there"], "Empty": [""]}
    validator = RequestValidator("token")
    signature = validator.compute_signature("https://bot.example.com/whatsapp/webhook", fields)
    assert validator.validate("https://bot.example.com/whatsapp/webhook", fields, signature)
    tampered = FormFields({**fields, "Body": ["bye"]})
    assert not validator.validate("https://bot.example.com/whatsapp/webhook", tampered, signature)


def test_too_many_form_fields_are_refused_before_parsing() -> None:
    FormFields.parse(b"&".join(b"f%d=1" % i for i in range(10)), max_fields=10)
    with pytest.raises(ValueError, match="Max number of fields"):
        FormFields.parse(b"&".join(b"f%d=1" % i for i in range(11)), max_fields=10)


@pytest.mark.parametrize(
    ("header", "plausible"),
    [
        ("A" * 27 + "=", True),  # HMAC-SHA1 in base64
        ("A" * 43 + "=", True),  # HMAC-SHA256
        ("", False),
        ("Zm9yZ2Vk", False),
        ("%" * 28, False),
        ("A" * 10_000, False),
    ],
)
def test_a_signature_must_look_like_one_before_any_work(header: str, plausible: bool) -> None:
    assert plausible_signature(header) is plausible


@pytest.mark.parametrize(
    ("headers", "length"),
    [
        ([], None),
        ([(b"content-length", b"42")], 42),
        ([(b"content-length", b"12abc")], -1),
        ([(b"content-length", b"-1")], -1),
        ([(b"content-length", b"1"), (b"content-length", b"2")], -1),
        ([(b"content-length", b"9" * 40)], -1),
    ],
)
def test_the_declared_length_is_one_plain_number(headers: list[tuple[bytes, bytes]], length: int | None) -> None:
    assert declared_length({"type": "http", "headers": headers}) == length
