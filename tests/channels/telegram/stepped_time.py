"""Fake time for concurrent senders: it moves only when every task under test is asleep, to the earliest wake-up.

Unlike a clock that moves by each sleep on its own, many tasks sleeping at once see one timeline, so a rate
measured on this clock (by the stand-in's receive times) is the rate the code would keep in real time.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Coroutine
from typing import Any


class SteppedTime:
    """`monotonic` and `sleep` to inject; `run` runs coroutines to the end on this time."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._changed = asyncio.Event()

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), next(self._order), woken))
        self._changed.set()
        await woken

    async def run(self, coroutines: list[Coroutine[Any, Any, Any]]) -> list[Any]:
        """Run them all; time jumps to the next wake-up only while none of them is doing anything else
        (an HTTP request in flight holds time still)."""
        tasks = [asyncio.ensure_future(c) for c in coroutines]
        for task in tasks:
            task.add_done_callback(lambda _: self._changed.set())
        while live := sum(not t.done() for t in tasks):
            if len(self._sleepers) >= live:
                at, _, woken = heapq.heappop(self._sleepers)
                self.now = max(self.now, at)
                woken.set_result(None)
            self._changed.clear()
            await self._changed.wait()
        return [t.result() for t in tasks]
