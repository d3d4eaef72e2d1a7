"""A person's conversation state: frozen values that round-trip through JSON.

States are named strings ("session.running"); everything the engine needs to continue lives here,
so the runtime can load, step and save it between turns and across restarts.
"""

from __future__ import annotations

import functools
import json
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, cast

from bot.engine.actions import Choice

# Named states.
NEW = "new"
IDLE = "idle"
OFFERED = "offered"  # symptoms understood, points offered
DID_YOU_MEAN = "did-you-mean"
SAFETY = "safety.asking"
SESSION_FINDING = "session.finding"
SESSION_RUNNING = "session.running"
SESSION_PAUSED = "session.paused"
SESSION_TOO_PAINFUL = "session.too-painful"
FEEDBACK = "feedback"
REMINDER_TIME = "reminder.time"
BOOKING_BRANCH = "booking.branch"
BOOKING_WHEN = "booking.when"
BOOKING_NAME = "booking.name"
BOOKING_CONTACT = "booking.contact"
BOOKING_CONSENT = "booking.consent"
DELETE_CONFIRM = "delete.confirm"
TIMEZONE_ASK = "timezone.ask"
CHECK_IN = "check-in"  # after emergency advice: "are you safe now?" comes before anything else
RESUME_REMINDERS = "check-in.reminders"  # safe again: turn the reminders paused by the emergency back on?

SESSION_STATES = frozenset({SESSION_FINDING, SESSION_RUNNING, SESSION_PAUSED, SESSION_TOO_PAINFUL})
ALL_STATES = frozenset(
    {
        NEW,
        IDLE,
        OFFERED,
        DID_YOU_MEAN,
        SAFETY,
        FEEDBACK,
        REMINDER_TIME,
        BOOKING_BRANCH,
        BOOKING_WHEN,
        BOOKING_NAME,
        BOOKING_CONTACT,
        BOOKING_CONSENT,
        DELETE_CONFIRM,
        TIMEZONE_ASK,
        CHECK_IN,
        RESUME_REMINDERS,
    }
    | SESSION_STATES
)


@dataclass(frozen=True, slots=True)
class SafetyAnswer:
    """One answer to a contraindication question, with when it was given (ISO 8601)."""

    value: str
    at: str


@dataclass(frozen=True, slots=True)
class Session:
    """A guided session on one point or zone; `step` indexes the plan rebuilt from content."""

    number: int
    item: str  # a point code ("KI1") or "zone:arch"
    feet: tuple[str, ...]  # ("left", "right"), or one foot when the other must be spared
    light: bool = False  # gentle pressure only
    step: int = 0
    timer_id: str | None = None  # the pending timer that starts the next step
    pace: int = 0  # -2 (quicker rests) .. +3 (longer rests): "slower", "faster", "longer rest"


@dataclass(frozen=True, slots=True)
class Reminder:
    """A reminder the person asked for: daily at a local time, or once at an instant."""

    id: int
    daily: bool
    hour: int
    minute: int
    once_at: str | None = None  # ISO 8601 instant for one-off reminders
    days: tuple[int, ...] = ()  # weekdays (0 = Monday) of a repeating reminder; () = every day


@dataclass(frozen=True, slots=True)
class Feedback:
    """How the person felt after a session on an item."""

    item: str
    feeling: str  # "better" | "same" | "worse"
    at: str


@dataclass(frozen=True, slots=True)
class Emergency:
    """The emergency advice last given, kept until the person says they are safe (the check-in)."""

    kind: str  # the red flag's kind: picks the advice given again ("emergency", "self-harm", "dvt" ...)
    for_other: bool = False  # about someone else ("my husband is clutching his chest"): spoken to the helper
    at: str = ""  # when (ISO 8601)


@dataclass(frozen=True, slots=True)
class BookingDraft:
    """A booking request being filled in."""

    branch: str = ""
    when: str = ""
    name: str = ""
    contact: str = ""  # a phone number, or "chat": reply in this chat


@dataclass(frozen=True, slots=True)
class ConfirmedTime:
    """The appointment staff confirmed for one of the person's booking requests, and their answer."""

    ref: str
    starts_at: str  # ISO 8601 instant (UTC)
    branch: str
    answer: str = ""  # "" (not yet), confirm, another-time, cancel


@dataclass(frozen=True, slots=True)
class Conversation:
    """Everything the engine remembers about one person in one channel."""

    state: str = NEW
    lang: str = "en"
    tz: str = ""  # IANA zone; empty means the configured default
    salt: str = ""  # a random tag from the runtime, for short booking references
    counter: int = 0  # source of unique session, reminder and timer numbers
    intro_seen: bool = False
    symptoms: tuple[str, ...] = ()  # what the person said they feel, latest first
    offered: tuple[str, ...] = ()  # items on offer ("KI1", "zone:arch")
    maybe: tuple[str, ...] = ()  # did-you-mean candidates
    pending_item: str = ""  # item chosen while safety questions are asked
    question: str = ""  # the safety question being asked
    answers: dict[str, SafetyAnswer] = field(default_factory=dict)
    session: Session | None = None
    last_item: str = ""
    reminders: tuple[Reminder, ...] = ()
    history: tuple[Feedback, ...] = ()
    booking: BookingDraft | None = None
    unreachable: bool = False  # the channel refused delivery for good; cleared by their next message
    opted_out: bool = False  # said STOP: nothing is sent until START
    last_inbound: str = ""  # when the person last wrote (ISO 8601): WhatsApp's 24-hour window
    per_round: bool = False  # guide a session a round per message (set by channels that pay per message)
    window_hours: int = 0  # the channel may write first only this long after the person (WhatsApp: 24)
    shown: tuple[Choice, ...] = ()  # the buttons last shown: a typed number picks one of them
    last_answered: str = ""  # the safety question answered last ("I pressed yes by mistake")
    due_reminder: int = 0  # the reminder that last came due and is not answered yet
    due_reminder_at: str = ""  # when it came due (ISO 8601): it waits for an answer for a few hours only
    others_pregnant: bool = False  # someone they care for is pregnant: offers stay safe in pregnancy
    emergency: Emergency | None = None  # emergency advice given and the check-in not answered yet
    paused_reminders: tuple[Reminder, ...] = ()  # stopped by an emergency, kept to turn back on when safe
    appointment: ConfirmedTime | None = None  # the latest time the clinic confirmed

    def to_json(self) -> str:
        """Serialise to compact JSON."""
        return json.dumps(_plain(self), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> Conversation:
        """Load from JSON written by to_json; unknown keys are ignored, missing ones take defaults."""
        conversation: Conversation = _reader(cast(Any, cls))(json.loads(raw))
        return conversation


# The JSON codec: plain values out; on the way in, one reader per type, worked out once from the
# type hints (resolving hints on every load would cost more than the rest of a turn).
Reader = Callable[[Any], Any]


def _plain(value: Any) -> Any:
    """A value as plain JSON types (dataclasses as dicts, tuples as lists), by its type's writer."""
    return _writer(cast(Any, type(value)))(value) if is_dataclass(value) else _untyped(value)


def _untyped(value: Any) -> Any:
    if is_dataclass(value):
        return _plain(value)
    if isinstance(value, tuple | list):
        return [_untyped(v) for v in value]
    if isinstance(value, dict):
        return {k: _untyped(v) for k, v in value.items()}
    return value


def _same(value: Any) -> Any:
    return value


@functools.cache
def _writer(hint: Any) -> Reader:
    """How a value of a type hint becomes plain JSON types, worked out once per hint (as `_reader`): a
    field of a plain type is taken as it is, without looking at it (most of a conversation's fields)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint in (str, int, float, bool):
        return _same
    if origin in (types.UnionType, typing.Union):
        kinds = [a for a in args if a is not type(None)]
        if len(kinds) == 1:
            inner = _writer(kinds[0])
            return _same if inner is _same else (lambda v: None if v is None else inner(v))
    elif origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _writer(args[0])
        return list if item is _same else (lambda v: [item(x) for x in v])
    elif isinstance(hint, type) and is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        writers = tuple((f.name, _writer(hints[f.name])) for f in fields(hint))
        return lambda v: {name: write(getattr(v, name)) for name, write in writers}
    return _untyped  # anything else (a dict, a fixed tuple, Any) is looked at value by value


@functools.cache
def _field_readers(cls: type) -> dict[str, Reader]:
    hints = typing.get_type_hints(cls)
    return {f.name: _reader(hints[f.name]) for f in fields(cls)}


@functools.cache
def _reader(hint: Any) -> Reader:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        inner = _reader(next(a for a in args if a is not type(None)))
        return lambda v: None if v is None else inner(v)
    if origin is tuple:
        item = _reader(args[0])
        return lambda v: tuple(item(x) for x in v)
    if origin is dict:
        val = _reader(args[1])
        return lambda v: {k: val(x) for k, x in v.items()}
    if isinstance(hint, type) and is_dataclass(hint):
        cls = hint

        def build(v: Any) -> Any:
            readers = _field_readers(cls)
            return cls(**{k: readers[k](x) for k, x in v.items() if k in readers})

        return build
    return lambda v: v
