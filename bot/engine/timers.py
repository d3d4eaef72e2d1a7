"""Timer ids as types, like button ids: parse one into a small frozen value, format it back with str().

The formats are stored in the database (timer rows), so they never change: "session:3:7",
"session:3:idle", "reminder:2", "snooze:2", "later", "appointment:RB-1A2B3C-1:24", "erase-notice".
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.choices import id_number


@dataclass(frozen=True, slots=True)
class SessionStep:
    """The next step (`step`) of session `session` is due."""

    session: int
    step: int

    def __str__(self) -> str:
        return f"session:{self.session}:{self.step}"


@dataclass(frozen=True, slots=True)
class SessionIdle:
    """A session left waiting (finding the point, paused) closes."""

    session: int

    def __str__(self) -> str:
        return f"session:{self.session}:idle"


@dataclass(frozen=True, slots=True)
class ReminderDue:
    """Reminder `reminder` rings (or its snooze does, when `snoozed`)."""

    reminder: int
    snoozed: bool = False

    def __str__(self) -> str:
        return f"{'snooze' if self.snoozed else 'reminder'}:{self.reminder}"


@dataclass(frozen=True, slots=True)
class LaterDue:
    """ "Not yet, remind me in an hour": one at a time, a second one moves it."""

    def __str__(self) -> str:
        return "later"


@dataclass(frozen=True, slots=True)
class AppointmentDue:
    """A reminder `hours` before the confirmed appointment of booking request `ref`."""

    ref: str
    hours: int

    def __str__(self) -> str:
        return f"appointment:{self.ref}:{self.hours}"


@dataclass(frozen=True, slots=True)
class EraseNotice:
    """The person has not written for a long time: tell them when their data will be erased (the timer's
    payload, an ISO instant) unless they write. Set by the store's retention sweep, not by the engine."""

    def __str__(self) -> str:
        return "erase-notice"


ERASE_NOTICE = str(EraseNotice())

APPOINTMENT_HOURS = (24, 2)
"""When the person is reminded of a confirmed appointment: a day before, and two hours before."""

TimerId = SessionStep | SessionIdle | ReminderDue | LaterDue | AppointmentDue | EraseNotice
LATER = LaterDue()


def parse_timer(raw: str) -> TimerId | None:
    """The typed value of a stored timer id, or None for one the engine never made."""
    if raw == "later":
        return LATER
    if raw == ERASE_NOTICE:
        return EraseNotice()
    head, _, rest = raw.partition(":")
    if head == "appointment":
        ref, _, hours = rest.rpartition(":")
        return AppointmentDue(ref, int(hours)) if ref and hours in ("24", "2") else None
    first, _, second = rest.partition(":")
    number = id_number(first)
    if number is None:
        return None
    if head in ("reminder", "snooze") and not second:
        return ReminderDue(number, snoozed=head == "snooze")
    if head == "session" and second == "idle":
        return SessionIdle(number)
    if head == "session" and (step := id_number(second)) is not None:
        return SessionStep(number, step)
    return None
