"""A time the desk confirms for a console person reaches `chat --jsonl`: the server's runtime leaves the
reply in the outbox (the console is not its channel), and the chat delivers it with the calendar file
on disk (the "document" key) at its next wait."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from bot.engine import AppointmentSet, Knowledge, Reply
from bot.runtime import NotServedHereError, Runtime
from bot.store import SqlStore
from tests.channels.appointments import REF, STARTS, confirmed
from tests.conftest import T0
from tests.transcripts.test_transcripts import run_chat

PERSON = "console:sara"


async def server_deliver(key: str, reply: Reply) -> None:
    """The server's outlets for a person on the console: not its channel."""
    raise NotServedHereError("console is served by the person's chat")


async def leave_a_confirmation(kb: Knowledge, db: Path) -> None:
    """What `reflexbot serve` does when the desk confirms a time for a console person."""
    store = await SqlStore.open(f"sqlite:///{db}")
    try:
        await confirmed(store, PERSON)
        runtime = Runtime(kb, store, server_deliver, default_tz=kb.policy.default_tz)
        await runtime.handle(PERSON, AppointmentSet(REF, STARTS, "dhcc"), T0)
        kept = await store.pending_replies(PERSON)
        assert [item.reply.document for item in kept] == [REF], "kept for the chat, not dropped"
        assert runtime.metrics.send_failures.labels("console")._value.get() == 0, "not counted as a failure"
    finally:
        await store.close()


@pytest.mark.slow
def test_the_desks_confirmation_waits_in_the_outbox_and_the_chat_shows_it_with_its_ics(
    kb: Knowledge, tmp_path: Path
) -> None:
    db = tmp_path / "shared.sqlite3"
    asyncio.run(leave_a_confirmation(kb, db))
    start = (T0 + timedelta(minutes=1)).isoformat()
    out = run_chat([json.dumps({"wait": 1})], db, "--user", "sara", "--start", start)
    messages = [m for m in out if not m.get("idle")]
    assert len(messages) == 1, out
    (told,) = messages
    assert REF in told["text"] and "10:00" in told["text"], told["text"]  # 06:00 UTC is 10:00 in Dubai
    assert len(told["choices"]) == 3, told["choices"]  # confirm, another time, cancel
    ics = Path(told["document"])
    assert ics.name == f"appointment-{REF}.ics"
    (event,) = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert event.decoded("dtstart") == STARTS

    again = run_chat([json.dumps({"wait": 1})], db, "--user", "sara", "--start", start)
    assert [m for m in again if not m.get("idle")] == [], "delivered once"
