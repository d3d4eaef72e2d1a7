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


def next_local(hour: int, minute: int, tz: ZoneInfo, after: datetime, days: tuple[int, ...] = ()) -> datetime:
    """The first instant strictly after `after` when the local clock in `tz` reads hour:minute,
    on one of `days` (weekday numbers, Monday = 0; empty = any day).

    On a spring-forward day a time that does not exist is moved forward by the gap (02:30 -> 03:30);
    on a fall-back day the first of the two readings is used.
    """
    local_after = after.astimezone(tz)
    day = local_after.date()
    for offset in range(0, 9):
        date = day + timedelta(days=offset)
        if days and date.weekday() not in days:
            continue
        candidate = _resolve(datetime.combine(date, time(hour, minute)), tz)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a local time recurs within nine days")


def _resolve(naive: datetime, tz: ZoneInfo) -> datetime:
    # fold=0 reads a wall time in a gap with the offset from before the change, which lands it
    # past the gap once normalised through UTC (PEP 495); in an overlap it picks the first reading.
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC).astimezone(tz)
