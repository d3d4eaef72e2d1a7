"""An outbound pace: at most one message per interval per chat, and a global rate across chats."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


class Pacer:
    """Reserves send slots ahead of time, so concurrent senders queue up fairly without a lock."""

    def __init__(self, per_chat_seconds: float = 1.0, per_second: float = 30.0, *, clock: Clock = time.monotonic,
                 sleep: Sleep = asyncio.sleep) -> None:
        self.per_chat_seconds = per_chat_seconds
        self.global_gap = 1.0 / per_second
        self._clock = clock
        self._sleep = sleep
        self._chat_next: dict[object, float] = {}
        self._global_next = 0.0

    async def wait(self, chat: object) -> None:
        """Wait for this chat's next slot (and the global one)."""
        now = self._clock()
        slot = max(now, self._chat_next.get(chat, 0.0), self._global_next)
        self._chat_next[chat] = slot + self.per_chat_seconds
        self._global_next = slot + self.global_gap
        if len(self._chat_next) > 10_000:  # forget chats whose slot has passed
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        if slot > now:
            await self._sleep(slot - now)

    async def hold(self, seconds: float) -> None:
        """Everyone waits (a 429 with retry_after applies to the whole bot)."""
        self._global_next = max(self._global_next, self._clock() + seconds)
        await self._sleep(seconds)
