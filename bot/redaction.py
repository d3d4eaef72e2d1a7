"""Nothing personal or secret in logs: pseudonyms that cannot be reversed, and a redacting log filter.

A person's address (a Telegram chat id, a WhatsApp number) appears in logs and Redis keys only as an
HMAC of it under a secret key: a plain hash of a phone number is reversed by hashing every number in
the country (about a minute for the UAE). The key comes from $REFLEXBOT_PSEUDONYM_KEY, or is made on
first start and kept in the user data directory (readable by the service only).

The filter sits on every log handler (uvicorn's, httpx's and PTB's records included) and rewrites each
record's text: bot tokens, Twilio account ids, phone numbers and chat ids, and our person keys become
placeholders, in the message and in any traceback.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
from pathlib import Path

from platformdirs import user_data_path

KEY_VARIABLE = "REFLEXBOT_PSEUDONYM_KEY"

_SECRET_TEXT = re.compile(
    r"(?P<token>\d{5,12}:[A-Za-z0-9_-]{20,})"  # a Telegram bot token (also inside /bot<token>/ URLs)
    r"|(?P<account>\bAC[0-9a-fA-F]{32}\b)"  # a Twilio account id
    r"|(?P<key>\b(?:telegram|whatsapp|console):[^\s,;'\")\]}]+)"  # our person keys, WhatsApp addresses
    r"|(?P<phone>\+\d[\d ()-]{6,}\d)"  # a phone number written with its country code
    r"|(?P<number>(?<![\w.:-])\d{9,15}(?![\w.:]))"  # a long number: a phone number or a chat id
)
_PLACEHOLDERS = {
    "token": "<bot-token>",
    "account": "<twilio-account>",
    "key": "<person>",
    "phone": "<phone>",
    "number": "<number>",
}


SECRET_VARIABLES = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "REFLEXBOT_DESK_SECRET",
    "REFLEXBOT_METRICS_TOKEN",
    "REFLEXBOT_PSEUDONYM_KEY",
)


def redact(text: str, known: tuple[str, ...] = ()) -> str:
    """The text with tokens, account ids, phone numbers, chat ids, person keys and `known` secrets replaced."""
    for secret in known:
        text = text.replace(secret, "<secret>")
    return _SECRET_TEXT.sub(lambda m: _PLACEHOLDERS[m.lastgroup or "number"], text)


class RedactingFilter(logging.Filter):
    """Rewrites every record passing a handler so that nothing secret or personal is written: the
    patterns above, and the secrets the service was given ($TELEGRAM_BOT_TOKEN, $TWILIO_AUTH_TOKEN...)."""

    def __init__(self, known: tuple[str, ...] | None = None) -> None:
        super().__init__()
        if known is None:
            known = tuple(os.environ[v] for v in SECRET_VARIABLES if len(os.environ.get(v, "")) >= 8)
        self.known = known

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the message (arguments merged in first) and any traceback; always keep the record."""
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its format: keep its format only
            message = str(record.msg)
        record.msg, record.args = redact(message, self.known), None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info), self.known)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text, self.known)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.known)
        return True


class Pseudonyms:
    """Short stable tags for people in logs and Redis keys: an HMAC of the address under a secret."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def tag(self, address: str, size: int = 12) -> str:
        """The pseudonym of an address (the same for the same key, unrelated across keys)."""
        return hmac.new(self._secret, address.encode(), hashlib.sha256).hexdigest()[:size]

    @classmethod
    def from_environment(cls, folder: Path | None = None) -> Pseudonyms:
        """The key from $REFLEXBOT_PSEUDONYM_KEY, else from (or made once into) `folder`/pseudonym.key."""
        given = os.environ.get(KEY_VARIABLE, "")
        if given:
            return cls(given.encode())
        path = (folder or user_data_path("reflexbot", appauthor=False)) / "pseudonym.key"
        try:
            return cls(path.read_bytes().strip())
        except OSError:
            pass
        secret = secrets.token_hex(32).encode()
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as file:
                file.write(secret)
        except FileExistsError:  # another worker made it first: use theirs
            return cls(path.read_bytes().strip())
        except OSError:  # a read-only home: pseudonyms for this process only
            pass
        return cls(secret)


_current: list[Pseudonyms] = []  # the process's pseudonyms, set once by use_pseudonyms (logging is per process)


def use_pseudonyms(pseudonyms: Pseudonyms) -> None:
    """Make `pseudonyms` the ones `pseudonym()` uses in this process."""
    _current[:] = [pseudonyms]


def pseudonym(address: str) -> str:
    """The pseudonym of an address in this process (the key from the environment, loaded once)."""
    if not _current:
        _current.append(Pseudonyms.from_environment())
    return _current[0].tag(address)
