"""Nothing secret or personal in logs at any level; pseudonyms that cannot be reversed."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from bot.engine import Conversation, Reply
from bot.redaction import KEY_VARIABLE, Pseudonyms, RedactingFilter, redact
from bot.store import SqlStore
from tests.conftest import T0

BOT_TOKEN = "7000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        (f"POST https://api.telegram.org/bot{BOT_TOKEN}/sendMessage 200", BOT_TOKEN),
        ("sending to whatsapp:+971501234567 failed", "971501234567"),
        ("number +971 50 123 4567 refused", "123 4567"),
        ("turn of telegram:987654321 failed", "987654321"),
        ("chat_id=987654321 blocked the bot", "987654321"),
        ("Account ACabcdef0123456789abcdef0123456789 not found", "ACabcdef0123456789abcdef0123456789"),
    ],
)
def test_secrets_and_addresses_are_replaced(text: str, hidden: str) -> None:
    assert hidden not in redact(text)


@pytest.mark.parametrize(
    "text",
    ["timer 12 of 3 fired", "at 2026-11-28T10:00:00+00:00", "lateness 42522 ms", "claimed 100 timers in 0.5 s"],
)
def test_ordinary_log_text_is_kept(text: str) -> None:
    assert redact(text) == text


def test_a_traceback_is_redacted_too() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed for %s", ("telegram:987654321",), None)
    try:
        raise ValueError(f"Unauthorized: bot{BOT_TOKEN}")
    except ValueError as error:
        record.exc_info = (type(error), error, error.__traceback__)
    RedactingFilter(known=()).filter(record)
    written = logging.Formatter().format(record)
    assert BOT_TOKEN not in written and "987654321" not in written
    assert "ValueError" in written


def test_the_services_own_secrets_are_replaced_whatever_their_shape() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "auth %s", ("s3cr3t-webhook-value",), None)
    RedactingFilter(known=("s3cr3t-webhook-value",)).filter(record)
    assert "s3cr3t" not in record.getMessage()


def test_pseudonyms_are_stable_per_key_and_unrelated_across_keys() -> None:
    one, two = Pseudonyms(b"first secret"), Pseudonyms(b"second secret")
    assert one.tag("whatsapp:+971501234567") == one.tag("whatsapp:+971501234567")
    assert one.tag("whatsapp:+971501234567") != two.tag("whatsapp:+971501234567")
    assert one.tag("whatsapp:+971501234567") != one.tag("whatsapp:+971501234568")


def test_the_key_is_made_once_readable_by_the_service_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    first = Pseudonyms.from_environment(tmp_path / "data")
    key_file = tmp_path / "data" / "pseudonym.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert Pseudonyms.from_environment(tmp_path / "data").tag("a") == first.tag("a"), "the same key next start"
    monkeypatch.setenv(KEY_VARIABLE, "from-the-environment")
    assert Pseudonyms.from_environment(tmp_path / "data").tag("a") == Pseudonyms(b"from-the-environment").tag("a")


async def test_a_new_sqlite_database_is_readable_by_the_service_only(tmp_path: Path) -> None:
    db = tmp_path / "private" / "bot.sqlite3"
    store = await SqlStore.open(f"sqlite:///{db}")
    await store.commit_turn("telegram:1", Conversation(), (Reply("hi"),), T0)
    assert stat.S_IMODE(os.stat(db.parent).st_mode) == 0o700
    for path in db.parent.iterdir():  # the database, its -wal and -shm
        assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0, path.name

    def secure_delete(conn: Connection) -> int:
        return int(conn.execute(text("PRAGMA secure_delete")).scalar() or 0)

    assert await store.run(secure_delete) == 1
    await store.close()


async def test_a_database_that_cannot_be_written_is_not_healthy(tmp_path: Path) -> None:
    """/healthz used to answer 200 from a read-only database while every update was dropped."""
    store = await SqlStore.open(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    assert await store.writable()

    def read_only(conn: Connection) -> None:
        conn.execute(text("PRAGMA query_only = ON"))  # as a disk remounted read-only would answer

    await store.run(read_only)
    assert not await store.writable()
    assert await store.next_due_at() is None, "it still answers reads: the old check passed"
    await store.close()


@pytest.mark.parametrize("variable", ["REFLEXBOT_DESK_SECRET", "REFLEXBOT_METRICS_TOKEN", "REFLEXBOT_PSEUDONYM_KEY"])
def test_the_services_own_secrets_come_from_its_environment(variable: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(variable, "a-long-secret-value-42")
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "config %s", ("a-long-secret-value-42",), None)
    RedactingFilter().filter(record)
    assert "a-long-secret-value-42" not in record.getMessage()
