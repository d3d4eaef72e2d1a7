"""Durable timers and reminders: rows in the store are the truth; APScheduler (or a virtual clock) triggers."""

from scheduler.trigger import Trigger, utc_now
from scheduler.virtual import VirtualClock

__all__ = ["Trigger", "VirtualClock", "utc_now"]
