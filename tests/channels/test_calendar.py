"""The appointment's .ics parses back with icalendar, every field as built."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from icalendar import Calendar

from bot.channels.calendar import CalendarFiles, appointment_ics, file_name
from bot.engine import Conversation, Knowledge, Record
from bot.server import create_app
from tests.conftest import T0, open_harness


def test_the_calendar_file_parses_back(kb: Knowledge) -> None:
    branch = kb.clinic.branch("dhcc")
    assert branch is not None
    starts = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    raw = appointment_ics("RB-AB12-1", starts, kb.clinic.name, branch, T0)
    calendar = Calendar.from_ical(raw)
    (event,) = calendar.walk("VEVENT")
    assert str(event["uid"]) == "RB-AB12-1@reflexbot"
    assert event.decoded("dtstart") == starts and event.decoded("dtend") == starts + timedelta(minutes=60)
    assert b"DTSTART:20261125T060000Z" in raw, "in UTC"
    assert str(event["summary"]) == f"Appointment at {kb.clinic.name} {branch.name}"
    assert str(event["location"]) == branch.address
    assert branch.phone in str(event["description"])
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(hours=2) and str(alarm["action"]) == "DISPLAY"
    assert file_name("RB-AB12-1") == "appointment-RB-AB12-1.ics"


async def test_the_media_route_serves_the_file_by_its_token_only(kb: Knowledge, tmp_path: Path) -> None:
    harness = await open_harness(kb, tmp_path / "media.sqlite3")
    store = harness.store
    try:
        record = Record("booking", (("ref", "RB-AB12-1"), ("branch", "dhcc"), ("created_at", T0.isoformat())))
        await store.commit_turn("whatsapp:+971500000001", Conversation(), (record,), T0)
        token = secrets.token_urlsafe(24)
        starts = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
        await store.confirm_appointment("RB-AB12-1", starts, "dhcc", token, frozenset({"new"}), "amira", T0)
        app = create_app(calendars=CalendarFiles(store, kb.clinic))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://x") as client:
            served = await client.get(f"/media/{token}.ics")
            assert served.status_code == 200
            assert served.headers["content-type"].startswith("text/calendar")
            assert served.headers["cache-control"] == "no-store"
            (event,) = Calendar.from_ical(served.content).walk("VEVENT")
            assert str(event["uid"]) == "RB-AB12-1@reflexbot"
            unknown = secrets.token_urlsafe(24)
            for path in (f"/media/{unknown}.ics", "/media/RB-AB12-1.ics", f"/media/{token}", "/media/../x.ics"):
                assert (await client.get(path)).status_code == 404, path
    finally:
        await store.close()
