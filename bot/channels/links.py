"""Short-lived links to a person's data file (WhatsApp, which cannot attach a JSON document).

A link is `<public_url>/media/<token>.json`. The token is random (32 bytes), kept in the `data_links`
table with whose file it opens and until when, so the URL says nothing about the person and cannot be
guessed or changed into another; "delete my data" removes the person's links with the rest, and the hourly
prune removes expired ones.
"""

from __future__ import annotations

import enum
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

LIFETIME = timedelta(hours=1)
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


class Refused(enum.Enum):
    """Why a token opens nothing."""

    INVALID = "invalid"  # not one we made (or no longer kept)
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Opened:
    """A valid token: whose data it opens, and until when."""

    key: str
    expires_at: datetime


class LinkRows(Protocol):
    """Where links are kept (the SQL store)."""

    async def add_data_link(self, token: str, key: str, expires_at: datetime) -> None: ...

    async def data_link(self, token: str) -> tuple[str, datetime] | None: ...


class DataLinks:
    """Makes and opens the tokens of data-file links."""

    def __init__(self, rows: LinkRows, lifetime: timedelta = LIFETIME) -> None:
        self.rows = rows
        self.lifetime = lifetime

    async def make(self, key: str, now: datetime) -> str:
        """A new token for `key`'s data file that works until `now` + the lifetime."""
        token = secrets.token_urlsafe(32)
        await self.rows.add_data_link(token, key, now + self.lifetime)
        return token

    async def open(self, token: str, now: datetime) -> Opened | Refused:
        """Whose data a token opens, or why it opens nothing."""
        if not TOKEN.fullmatch(token):
            return Refused.INVALID
        found = await self.rows.data_link(token)
        if found is None:
            return Refused.INVALID
        key, expires_at = found
        return Refused.EXPIRED if now >= expires_at else Opened(key, expires_at)
