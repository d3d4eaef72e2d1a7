"""The file a reply attaches, as a type: parse `Reply.document` into a small frozen value, format it back
with str().

The formats are stored with undelivered replies (the outbox), so they never change: a calendar file is
named by its booking reference alone ("RB-1A2B3C-1"), the person's data by the instant they asked for it
in their own time zone ("my-data@2026-11-21T20:00:00+04:00": its date names the file).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

DATA_PREFIX = "my-data@"


@dataclass(frozen=True, slots=True)
class CalendarFile:
    """The .ics of booking request `ref`'s confirmed appointment."""

    ref: str

    def __str__(self) -> str:
        return self.ref


@dataclass(frozen=True, slots=True)
class DataFile:
    """Everything kept about the person, as asked for at `at` (aware, in the person's time zone)."""

    at: datetime

    def __str__(self) -> str:
        return f"{DATA_PREFIX}{self.at.isoformat(timespec='seconds')}"

    @property
    def file_name(self) -> str:
        """The file's name, dated in the person's time zone: reflexbot-my-data-2026-11-21.json."""
        return f"reflexbot-my-data-{self.at.date().isoformat()}.json"


Document = CalendarFile | DataFile


def parse_document(raw: str) -> Document:
    """The file a `Reply.document` names; anything that is not the person's data is a booking reference."""
    if raw.startswith(DATA_PREFIX):
        try:
            at = datetime.fromisoformat(raw.removeprefix(DATA_PREFIX))
        except ValueError:
            return CalendarFile(raw)
        if at.tzinfo is not None:
            return DataFile(at)
    return CalendarFile(raw)
