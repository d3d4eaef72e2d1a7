"""Local wall-clock arithmetic for reminders: pure, zone-aware, right across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str, fallback: str) -> ZoneInfo:
    """The IANA zone `name`, or `fallback` when the name is empty or unknown."""
    for candidate in (name, fallback):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def next_local(hour: int, minute: int, tz: ZoneInfo, after: datetime) -> datetime:
    """The first instant strictly after `after` when the local clock in `tz` reads hour:minute.

    On a spring-forward day a time that does not exist is moved forward by the gap (02:30 -> 03:30);
    on a fall-back day the first of the two readings is used.
    """
    local_after = after.astimezone(tz)
    day = local_after.date()
    for offset in range(0, 3):
        naive = datetime.combine(day + timedelta(days=offset), time(hour, minute))
        candidate = _resolve(naive, tz)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a local time recurs within three days")


def _resolve(naive: datetime, tz: ZoneInfo) -> datetime:
    # fold=0 reads a wall time in a gap with the offset from before the change, which lands it
    # past the gap once normalised through UTC (PEP 495); in an overlap it picks the first reading.
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC).astimezone(tz)
