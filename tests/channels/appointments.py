"""A booking request with a time confirmed at the desk, for the channels' calendar-file tests."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.engine import Conversation, Record
from bot.store import SqlStore
from tests.conftest import T0

REF = "RB-AB12-1"
STARTS = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
TOKEN = "Tok3n_" * 5 + "ab"  # 32 characters, like secrets.token_urlsafe(24)


async def confirmed(store: SqlStore, key: str, ref: str = REF) -> None:
    """A booking request of `key` with a time confirmed at the desk."""
    record = Record("booking", (("ref", ref), ("branch", "dhcc"), ("name", "Sara"), ("created_at", T0.isoformat())))
    await store.commit_turn(key, Conversation(), (record,), T0)
    change = await store.confirm_appointment(ref, STARTS, "dhcc", TOKEN, frozenset({"new"}), "amira", T0)
    assert change is not None and change.moved
