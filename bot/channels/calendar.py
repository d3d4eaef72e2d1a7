"""The calendar file (.ics) of a confirmed appointment, built with icalendar: one VEVENT in UTC, an hour
long, with a reminder two hours before. The same bytes go to Telegram (sendDocument) and WhatsApp (media)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.engine import Branch, Clinic
from bot.store import SqlStore
from bot.store.operations import Appointment

DURATION = timedelta(minutes=60)
ALARM_BEFORE = timedelta(hours=2)
MEDIA_TYPE = "text/calendar"


def file_name(ref: str) -> str:
    """The file name a person sees: appointment-<ref>.ics."""
    return f"appointment-{ref}.ics"


def appointment_ics(ref: str, starts_at: datetime, clinic: str, branch: Branch, made_at: datetime) -> bytes:
    """An iCalendar file for one appointment: UID <ref>@reflexbot, start and end in UTC, summary, location
    (the branch's address), the branch's phone in the description, and an alarm two hours before."""
    from icalendar import Alarm, Calendar, Event  # imported at the first appointment: it slows every start

    calendar = Calendar()
    calendar.add("prodid", "-//reflexbot//appointment//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{ref}@reflexbot")
    event.add("dtstamp", made_at.astimezone(UTC))
    event.add("dtstart", starts_at.astimezone(UTC))
    event.add("dtend", (starts_at + DURATION).astimezone(UTC))
    event.add("summary", f"Appointment at {clinic} {branch.name}")
    event.add("location", branch.address or branch.name)
    event.add("description", f"Booking {ref}. Phone: {branch.phone}")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Appointment at {clinic} {branch.name}")
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    calendar.add_component(event)
    return bytes(calendar.to_ical())


class CalendarFiles:
    """The .ics of each confirmed appointment, built when a channel sends it from the store's row (so a
    moved time always sends the current file)."""

    def __init__(self, store: SqlStore, clinic: Clinic) -> None:
        self.store = store
        self.clinic = clinic

    async def by_ref(self, ref: str) -> bytes | None:
        """The file of booking request `ref`'s appointment, or None if it has none (erased meanwhile)."""
        return self._build(await self.store.appointment(ref))

    async def by_token(self, token: str) -> bytes | None:
        """The file a public URL's token names, or None."""
        return self._build(await self.store.appointment_by_token(token)) if token else None

    async def token(self, ref: str) -> str | None:
        """The random token that names `ref`'s file in a public URL."""
        found = await self.store.appointment(ref)
        return None if found is None else found.token

    def _build(self, found: Appointment | None) -> bytes | None:
        branch = self.clinic.branch(found.branch) if found is not None else None
        if found is None or branch is None:
            return None
        return appointment_ics(found.ref, found.starts_at, self.clinic.name, branch, found.confirmed_at)
