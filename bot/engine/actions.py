"""What the engine asks the runtime to do: replies, timers and facts to store. No addresses, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Choice:
    """A button: `id` comes back as ChoicePicked.choice_id (at most 64 bytes), `label` is shown."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Reply:
    """A message to the person; channels render choices as buttons or a numbered list."""

    text: str
    choices: tuple[Choice, ...] = ()
    template: str | None = None  # a named template for channels that need one (WhatsApp outside 24 h)
    image: str | None = None
    urgent: bool = False  # emergency advice: saved before sending and delivered first
    card: str | None = None  # a live card ("session:3") channels may edit in place instead of adding messages
    document: str | None = None  # a file to attach: a booking's calendar, or the person's data (engine/documents.py)


@dataclass(frozen=True, slots=True)
class ScheduleTimer:
    """Fire TimerFired(timer_id) at `at` (aware datetime); replaces a pending timer with the same id."""

    timer_id: str
    at: datetime
    payload: str = ""
    priority: int = 1  # 0: a step someone is waiting for in real time, taken before bulk timers (reminders)


@dataclass(frozen=True, slots=True)
class CancelTimer:
    """Cancel a pending timer; cancelling a timer that is not pending is not an error."""

    timer_id: str


@dataclass(frozen=True, slots=True)
class Record:
    """A fact worth keeping apart from the state: a booking request, a session's feedback."""

    kind: str  # "booking", "feedback", "red-flag" (its kind and severity only)
    data: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Forget:
    """Delete every row and timer about this person, then keep nothing of this turn."""


@dataclass(frozen=True, slots=True)
class GatherData:
    """Read what is kept about this person (the store is I/O: the runtime does it, after this turn is
    saved) and step `DataGathered` with it, whose reply shows it and attaches the complete file."""


Action = Reply | ScheduleTimer | CancelTimer | Record | Forget | GatherData
