"""Signed data-file links: they open their person's key until they expire, and nothing once changed; the
token says nothing about whose it is."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest

from bot.channels.links import Opened, Refused, SignedLinks
from tests.conftest import T0

SECRET = b"0123456789abcdef0123456789abcdef"
KEY = "whatsapp:+971501234567"


def test_a_link_opens_its_key_until_it_expires() -> None:
    links = SignedLinks(SECRET)
    token = links.make(KEY, T0)
    assert links.open(token, T0) == Opened(KEY, T0 + timedelta(hours=1))
    assert links.open(token, T0 + timedelta(minutes=59, seconds=59)) == Opened(KEY, T0 + timedelta(hours=1))
    assert links.open(token, T0 + timedelta(hours=1)) is Refused.EXPIRED
    assert SignedLinks(SECRET, timedelta(minutes=5)).open(links.make(KEY, T0), T0) == Opened(
        KEY, T0 + timedelta(hours=1)
    )


def test_the_token_hides_whose_it_is() -> None:
    links = SignedLinks(SECRET)
    first, second = links.make(KEY, T0), links.make(KEY, T0)
    assert first != second, "a fresh nonce each time: two links of one person look unrelated"
    for token in (first, second):
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert b"971" not in raw and b"whatsapp" not in raw and "971" not in token


def test_any_change_opens_nothing() -> None:
    links = SignedLinks(SECRET)
    token = links.make(KEY, T0)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for index, char in enumerate(token):
        for other in (alphabet[(alphabet.index(char) + 1) % 64], alphabet[(alphabet.index(char) + 33) % 64]):
            changed = token[:index] + other + token[index + 1 :]
            assert links.open(changed, T0) is Refused.INVALID, (index, other)
    for broken in ("", "x", token[:-1], token + "A", token + "=", "!" * len(token), token[:20]):
        assert links.open(broken, T0) is Refused.INVALID, broken
    assert SignedLinks(b"another secret of thirty-two b.").open(token, T0) is Refused.INVALID


def test_an_expired_link_that_was_changed_is_invalid_not_expired() -> None:
    links = SignedLinks(SECRET)
    token = links.make(KEY, T0)
    changed = token[:5] + ("A" if token[5] != "A" else "B") + token[6:]
    assert links.open(changed, T0 + timedelta(days=2)) is Refused.INVALID


def test_a_short_secret_or_a_strange_key_is_refused() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        SignedLinks(b"short")
    with pytest.raises(ValueError, match="key"):
        SignedLinks(SECRET).make("", T0)
    with pytest.raises(ValueError, match="key"):
        SignedLinks(SECRET).make("x" * 201, T0)


def test_the_service_signs_with_a_key_of_its_own_from_the_pseudonym_secret() -> None:
    from bot.redaction import Pseudonyms

    pseudonyms = Pseudonyms(b"the service's pseudonym secret")
    key = pseudonyms.key_for("data links")
    assert key == Pseudonyms(b"the service's pseudonym secret").key_for("data links"), "every worker the same"
    assert key != pseudonyms.key_for("something else") and key.hex()[:12] != pseudonyms.tag("data links")
    links = SignedLinks(key)
    assert links.open(links.make(KEY, T0), T0) == Opened(KEY, T0 + timedelta(hours=1))
