"""What can happen to a conversation: the engine's inputs, as frozen values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.engine.kept import Kept


@dataclass(frozen=True, slots=True)
class Started:
    """The person opened the chat (/start), optionally with a deep-link payload such as "bloating"; the
    channel may know the language of their app (`lang_hint`, Telegram's language_code)."""

    payload: str = ""
    lang_hint: str = ""


@dataclass(frozen=True, slots=True)
class TextReceived:
    """The person wrote a message (`command`: a menu command the channel put in words, which says nothing
    about the person's language)."""

    text: str
    lang_hint: str = ""
    command: bool = False


@dataclass(frozen=True, slots=True)
class ChoicePicked:
    """The person tapped a button (or typed its number) with this id."""

    choice_id: str


@dataclass(frozen=True, slots=True)
class TimerFired:
    """A durable timer came due; `due_at` is when it was meant to fire, so lateness can be judged."""

    timer_id: str
    due_at: datetime
    payload: str = ""


@dataclass(frozen=True, slots=True)
class Reset:
    """Forget the current flow (not the person's data) and go back to the menu."""


@dataclass(frozen=True, slots=True)
class TimezoneSet:
    """The channel learned the person's time zone (a shared location, a phone number's country)."""

    tz: str


@dataclass(frozen=True, slots=True)
class Unreachable:
    """Messages to the person are refused for good (they blocked the bot): stop every timer."""


@dataclass(frozen=True, slots=True)
class StaffHandled:
    """Clinic staff marked the person's booking request as handled."""

    ref: str


@dataclass(frozen=True, slots=True)
class AppointmentSet:
    """Clinic staff confirmed a time for the person's booking request `ref`: `starts_at` (aware, UTC) at
    branch `branch_id`."""

    ref: str
    starts_at: datetime
    branch_id: str


@dataclass(frozen=True, slots=True)
class DataGathered:
    """What is kept about the person, read by the runtime after they asked to see it ("my data")."""

    kept: Kept


@dataclass(frozen=True, slots=True)
class OptOut:
    """A message that is just STOP (or another opt-out word): no more messages until OptIn."""


@dataclass(frozen=True, slots=True)
class OptIn:
    """START after an opt-out: messages may flow again."""


FROM_PERSON = (Started, TextReceived, ChoicePicked, Reset, TimezoneSet, OptOut, OptIn)
"""Events the person made (wrote, tapped, shared a location, STOP / START): each keeps their data, as
inactivity counts from the last one. Timers, blocks and the clinic's doings are not theirs."""

Event = (
    Started
    | TextReceived
    | ChoicePicked
    | TimerFired
    | Reset
    | TimezoneSet
    | Unreachable
    | StaffHandled
    | AppointmentSet
    | OptOut
    | OptIn
    | DataGathered
)
