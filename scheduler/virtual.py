"""A virtual clock for scripted chats and tests: time moves only when told, timers fire in order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.store import SqlStore

RunDue = Callable[[datetime, str | None], Awaitable[int]]


class VirtualClock:
    """Holds "now"; `advance` fires every timer due in the span, each at its own due instant."""

    def __init__(self, start: datetime, store: SqlStore, run_due: RunDue, key: str | None = None) -> None:
        self.now = start
        self._store = store
        self._run_due = run_due
        self._key = key  # only this person's timers, when a scripted chat shares a database

    def __call__(self) -> datetime:
        return self.now

    async def advance(self, seconds: float) -> None:
        """Let `seconds` pass, firing due timers in order at their due times."""
        until = self.now + timedelta(seconds=max(0.0, seconds))
        await self.run_until(until)

    async def run_until(self, until: datetime) -> None:
        """Fire everything due up to `until`, then stand at `until`."""
        while (due := await self._store.next_due_at(self._key)) is not None and due <= until:
            self.now = max(self.now, due)
            await self._run_due(self.now, self._key)
        self.now = max(self.now, until)
