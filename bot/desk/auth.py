"""Who may use the desk: Argon2 passwords, signed session cookies with an idle timeout, CSRF tokens, and
login throttling per account and per address (kept in the store, so it holds across worker processes)."""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.config import ConfigError
from bot.store import SqlStore

SECRET_VARIABLE = "REFLEXBOT_DESK_SECRET"
MIN_SECRET = 32
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # hashing is costly: a longer "password" is refused before any work
FAILURE_LIMIT = 10
FAILURE_WINDOW = timedelta(minutes=15)
MAX_SESSION = timedelta(hours=12)  # however active, a session logs in again after this


def desk_secret(environ: dict[str, str] | None = None) -> str:
    """The key that signs desk sessions, from $REFLEXBOT_DESK_SECRET only (refused if missing or short)."""
    secret = (os.environ if environ is None else environ).get(SECRET_VARIABLE, "")
    if len(secret) < MIN_SECRET:
        raise ConfigError(
            f"${SECRET_VARIABLE} must be set to at least {MIN_SECRET} random characters when [desk] is enabled "
            '(e.g. python -c "import secrets; print(secrets.token_urlsafe(32))")'
        )
    return secret


class BusyError(Exception):
    """Too many password checks are waiting: the login is refused at once (try again shortly)."""


class Passwords:
    """Argon2 hashing and checking; an unknown account is checked against a dummy hash, so it takes as long.

    Each check costs Argon2's memory (64 MB by default) and CPU, and anyone can ask for one: at most
    `parallel` run at once (in threads), at most `waiting` more wait their turn, the rest are refused
    (`BusyError`), so a flood of logins cannot take the server's memory or its event loop."""

    def __init__(self, hasher: PasswordHasher | None = None, *, parallel: int = 2, waiting: int = 16) -> None:
        self.hasher = hasher or PasswordHasher()
        self._dummy = self.hasher.hash(secrets.token_urlsafe(16))
        self._slots = asyncio.Semaphore(parallel)
        self._room = parallel + waiting
        self._queued = 0

    async def check(self, stored: str | None, password: str) -> bool:
        """`verify` in a worker thread, within the bounds above."""
        if self._queued >= self._room:
            raise BusyError
        self._queued += 1
        try:
            async with self._slots:
                return await asyncio.to_thread(self.verify, stored, password)
        finally:
            self._queued -= 1

    def hash(self, password: str) -> str:
        """The Argon2 hash to store."""
        return self.hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """True when `password` matches `stored`; with no stored hash, the same work and False."""
        try:
            return self.hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False


def password_problem(first: str, second: str) -> str | None:
    """Why a new password is refused, or None."""
    if first != second:
        return "the two passwords differ"
    if len(first) < MIN_PASSWORD:
        return f"the password is shorter than {MIN_PASSWORD} characters"
    if len(first) > MAX_PASSWORD:
        return f"the password is longer than {MAX_PASSWORD} characters"
    return None


@dataclass(frozen=True, slots=True)
class Session:
    """What the desk's cookie carries: who (empty before login), their CSRF token, when it was issued and
    last used (seconds since the epoch)."""

    name: str
    csrf: str
    issued: int
    seen: int

    @classmethod
    def new(cls, name: str, now: datetime) -> Session:
        """A fresh session (and CSRF token) from `now`."""
        at = int(now.timestamp())
        return cls(name, secrets.token_urlsafe(32), at, at)

    def live(self, now: datetime, idle: timedelta) -> bool:
        """Used within the idle timeout, younger than the longest session, and not from the future."""
        at = now.timestamp()
        return (
            at - self.seen <= idle.total_seconds()
            and at - self.issued <= MAX_SESSION.total_seconds()
            and (self.seen <= at + 60)
        )

    def touched(self, now: datetime) -> Session:
        """The same session, last used `now`."""
        return Session(self.name, self.csrf, self.issued, int(now.timestamp()))

    def accepts(self, token: str) -> bool:
        """True when a form's CSRF token is this session's (compared in constant time)."""
        return bool(token) and hmac.compare_digest(token.encode(), self.csrf.encode())


class SessionCookies:
    """Sessions as signed cookie values: base64url(JSON) "." base64url(HMAC-SHA256)."""

    def __init__(self, secret: str) -> None:
        self._key = hmac.new(secret.encode(), b"reflexbot desk session v1", hashlib.sha256).digest()

    def _sign(self, payload: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self._key, payload, hashlib.sha256).digest()).decode().rstrip("=")

    def dump(self, session: Session) -> str:
        """The cookie value for a session."""
        raw = json.dumps([session.name, session.csrf, session.issued, session.seen], separators=(",", ":"))
        payload = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
        return f"{payload}.{self._sign(payload.encode())}"

    def load(self, value: str) -> Session | None:
        """The session a cookie value carries, or None if it is not one we signed."""
        if len(value) > 1024 or value.count(".") != 1:
            return None
        payload, signature = value.split(".")
        if not hmac.compare_digest(signature.encode(), self._sign(payload.encode()).encode()):
            return None
        try:
            name, csrf, issued, seen = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except (ValueError, TypeError, binascii.Error):
            return None
        if not (isinstance(name, str) and isinstance(csrf, str) and isinstance(issued, int) and isinstance(seen, int)):
            return None
        return Session(name, csrf, issued, seen)


class LoginThrottle:
    """Ten failed logins for one account, or from one address, within 15 minutes: no login there for 15
    minutes (the failures are kept in the store, shared by every worker)."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    @staticmethod
    def subjects(account: str, address: str) -> tuple[str, ...]:
        """What failures are counted against."""
        return (f"user:{account}", f"addr:{address}")

    async def locked(self, account: str, address: str, now: datetime) -> bool:
        """True when the account or the address has failed too often lately."""
        since = now - FAILURE_WINDOW
        return await self.store.login_failures_since(self.subjects(account, address), since) >= FAILURE_LIMIT

    async def failed(self, account: str, address: str, now: datetime) -> None:
        """Count a failed login against the account and the address."""
        await self.store.record_login_failure(self.subjects(account, address), now, now - FAILURE_WINDOW)

    async def succeeded(self, account: str) -> None:
        """The account's failures are forgotten (its address's are not)."""
        await self.store.clear_login_failures(f"user:{account}")
