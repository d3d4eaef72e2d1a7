"""The appointment's .ics parses back with icalendar, every field as built."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from bot.channels.calendar import appointment_ics, file_name
from bot.engine import Knowledge
from tests.conftest import T0


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
