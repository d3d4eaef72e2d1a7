"""A virtual clock for scripted chats and tests: time moves only when told, timers fire in order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from bot.store import SqlStore

RunDue = Callable[[datetime, str | None], Awaitable[int]]


class Sweeper(Protocol):
    """The periodic sweep (the runtime's): what it does, and when it next has something to do."""

    async def sweep(self, now: datetime) -> None:
        """Run the sweep's chores at `now`."""
        ...

    async def next_sweep_at(self) -> datetime | None:
        """The first instant at which the sweep would change anything, if any."""
        ...


class VirtualClock:
    """Holds "now"; `advance` fires every timer due in the span, each at its own due instant.

    With a `sweeper`, the sweep runs too, at each instant it has something to do: the real trigger sweeps
    every hour, and an hour in which nothing comes due changes nothing, so a year passes in a few steps.
    """

    def __init__(
        self, start: datetime, store: SqlStore, run_due: RunDue, key: str | None = None, sweeper: Sweeper | None = None
    ) -> None:
        self.now = start
        self._store = store
        self._run_due = run_due
        self._key = key  # only this person's timers, when a scripted chat shares a database
        self._sweeper = sweeper

    def __call__(self) -> datetime:
        return self.now

    async def advance(self, seconds: float) -> None:
        """Let `seconds` pass, firing due timers in order at their due times."""
        until = self.now + timedelta(seconds=max(0.0, seconds))
        await self.run_until(until)

    async def run_until(self, until: datetime) -> None:
        """Fire everything due up to `until` (and sweep when the sweep has work), then stand at `until`."""
        swept: datetime | None = None
        while True:
            due = await self._store.next_due_at(self._key)
            chore = await self._chore(until, due)
            if self._sweeper is not None and chore is not None and chore != swept:
                self.now, swept = max(self.now, chore), chore  # once: a sweep that changes nothing ends here
                await self._sweeper.sweep(self.now)
                continue
            if due is None or due > until:
                break
            self.now = max(self.now, due)
            await self._run_due(self.now, self._key)
        self.now = max(self.now, until)

    async def _chore(self, until: datetime, due: datetime | None) -> datetime | None:
        """When the sweep has work by `until`, before the next timer (as the hourly sweep would do it)."""
        chore = await self._sweeper.next_sweep_at() if self._sweeper is not None else None
        if chore is None or chore > until or (due is not None and due < chore):
            return None
        return chore
