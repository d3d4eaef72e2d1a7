"""Short-lived signed links to a person's data file (WhatsApp, which cannot attach a JSON document).

A link is `<public_url>/media/<token>.json`. The token carries its expiry and the person's key, so no row
is needed to serve it, and nothing in it can be read or changed from outside:
- the key is encrypted (a keystream of HMAC-SHA256 blocks over a random nonce and a counter, a PRF in
  counter mode), so the URL, in chat histories and access logs, says nothing about whose it is;
- version, expiry, nonce and ciphertext are authenticated (HMAC-SHA256, truncated to 128 bits), checked
  in constant time before anything else is looked at: a changed character makes it no link at all.
Both keys are derived from one secret (the service's pseudonym key), each for this use only.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import secrets
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

VERSION = 1
LIFETIME = timedelta(hours=1)
_NONCE = 12
_TAG = 16
_HEADER = struct.Struct(">BQ")  # version, expiry (Unix seconds)
_MAX_KEY = 200  # conversations.key is a String(200)


class Refused(enum.Enum):
    """Why a token opens nothing."""

    INVALID = "invalid"  # not one we made, or changed
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Opened:
    """A valid token: whose data it opens, and until when."""

    key: str
    expires_at: datetime


class SignedLinks:
    """Makes and opens the tokens of data-file links."""

    def __init__(self, secret: bytes, lifetime: timedelta = LIFETIME) -> None:
        if len(secret) < 16:
            raise ValueError("the link secret must be at least 16 bytes")
        self._encrypt_key = hmac.new(secret, b"reflexbot data link: encrypt", hashlib.sha256).digest()
        self._sign_key = hmac.new(secret, b"reflexbot data link: sign", hashlib.sha256).digest()
        self.lifetime = lifetime

    def make(self, key: str, now: datetime) -> str:
        """A token for `key`'s data file that works until `now` + the lifetime."""
        plain = key.encode()
        if not 0 < len(plain) <= _MAX_KEY:
            raise ValueError("not a person's key")
        expires = int((now + self.lifetime).timestamp())
        header = _HEADER.pack(VERSION, expires)
        nonce = secrets.token_bytes(_NONCE)
        sealed = bytes(a ^ b for a, b in zip(plain, self._keystream(nonce, len(plain)), strict=True))
        body = header + nonce + sealed
        return _encode(body + self._tag(body))

    def open(self, token: str, now: datetime) -> Opened | Refused:
        """Whose data a token opens, or why it opens nothing."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            return Refused.INVALID
        if _encode(raw) != token or len(raw) <= _HEADER.size + _NONCE + _TAG:  # one spelling per token
            return Refused.INVALID
        body, tag = raw[:-_TAG], raw[-_TAG:]
        if not hmac.compare_digest(tag, self._tag(body)):
            return Refused.INVALID
        version, expires = _HEADER.unpack(body[: _HEADER.size])
        if version != VERSION:
            return Refused.INVALID
        expires_at = datetime.fromtimestamp(expires, UTC)
        if now >= expires_at:
            return Refused.EXPIRED
        nonce, sealed = body[_HEADER.size : _HEADER.size + _NONCE], body[_HEADER.size + _NONCE :]
        plain = bytes(a ^ b for a, b in zip(sealed, self._keystream(nonce, len(sealed)), strict=True))
        try:
            return Opened(plain.decode(), expires_at)
        except UnicodeDecodeError:
            return Refused.INVALID

    def _keystream(self, nonce: bytes, size: int) -> bytes:
        blocks = (size + 31) // 32
        stream = b"".join(
            hmac.new(self._encrypt_key, nonce + struct.pack(">I", n), hashlib.sha256).digest() for n in range(blocks)
        )
        return stream[:size]

    def _tag(self, body: bytes) -> bytes:
        return hmac.new(self._sign_key, body, hashlib.sha256).digest()[:_TAG]


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
