"""What is kept about a person beyond their conversation state, as the runtime reads it from the store for
the engine's "my data" summary (the complete file is built by the channels, from the store itself)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.state import Feedback


@dataclass(frozen=True, slots=True)
class KeptBooking:
    """A booking request the person shared, and where it stands at the clinic's desk."""

    ref: str
    made_at: str  # ISO 8601 instant
    branch: str  # a branch id
    status: str  # new | contacted | confirmed | done | cancelled | no-show
    appointment_at: str = ""  # the time the clinic confirmed (ISO 8601 instant), if any


@dataclass(frozen=True, slots=True)
class Kept:
    """The person's records: every session's feedback (the state keeps only the latest), their bookings."""

    sessions: tuple[Feedback, ...] = ()  # oldest first
    bookings: tuple[KeptBooking, ...] = ()  # oldest first
