"""The pure conversation engine: events in, state and actions out; no I/O, no clock, no asyncio."""

from bot.engine.actions import Action, CancelTimer, Choice, Forget, GatherData, Record, Reply, ScheduleTimer
from bot.engine.events import (
    FROM_PERSON,
    AppointmentSet,
    ChoicePicked,
    DataGathered,
    Event,
    OptIn,
    OptOut,
    Reset,
    StaffHandled,
    Started,
    TextReceived,
    TimerFired,
    TimezoneSet,
    Unreachable,
)
from bot.engine.kept import Kept, KeptBooking
from bot.engine.knowledge import Branch, Clinic, Knowledge, Policy
from bot.engine.machine import prompt, step
from bot.engine.state import Conversation

__all__ = [
    "FROM_PERSON",
    "Action",
    "AppointmentSet",
    "Branch",
    "CancelTimer",
    "Choice",
    "ChoicePicked",
    "Clinic",
    "Conversation",
    "DataGathered",
    "Event",
    "Forget",
    "GatherData",
    "Kept",
    "KeptBooking",
    "Knowledge",
    "OptIn",
    "OptOut",
    "Policy",
    "Record",
    "Reply",
    "Reset",
    "ScheduleTimer",
    "StaffHandled",
    "Started",
    "TextReceived",
    "TimerFired",
    "TimezoneSet",
    "Unreachable",
    "prompt",
    "step",
]
