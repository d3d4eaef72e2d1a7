"""The one imperative shell: per-person lock, load, step, save (one transaction), then deliver."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import weakref
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.engine import Conversation, Event, Forget, Knowledge, Reply, ScheduleTimer, TimerFired, step
from bot.store import DueTimer, SqlStore

log = logging.getLogger("reflexbot.runtime")

Deliver = Callable[[str, Reply], Awaitable[None]]
"""Sends one reply to a person (key); raises if it could not be delivered."""

WakeAt = Callable[[datetime], None]
"""Asks the trigger to run due timers at (or soon after) an instant."""


def log_key(key: str) -> str:
    """A short stable tag for a person in logs, so ids and phone numbers stay out of them."""
    return hashlib.sha256(key.encode()).hexdigest()[:10]


class Runtime:
    """Runs turns for many people: in order per person, each turn saved before its replies go out."""

    def __init__(self, kb: Knowledge, store: SqlStore, deliver: Deliver, *, default_tz: str = "",
                 wake_at: WakeAt | None = None) -> None:
        self.kb = kb
        self.store = store
        self.deliver = deliver
        self.default_tz = default_tz
        self.wake_at = wake_at
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock

    async def handle(self, key: str, event: Event, now: datetime) -> None:
        """One event from a person: step, save, deliver."""
        async with self._lock(key):
            await self._turn(key, event, now, fired=None)

    async def fire(self, timer: DueTimer, now: datetime) -> None:
        """A due timer: step it for its person unless it was cancelled meanwhile."""
        async with self._lock(timer.key):
            if not await self.store.is_pending(timer.row):
                return
            event = TimerFired(timer.timer_id, timer.due_at, timer.payload)
            await self._turn(timer.key, event, now, fired=timer.row)

    async def run_due(self, now: datetime, key: str | None = None) -> int:
        """Fire every timer due by `now` (of one person, if given), earliest first; returns how many."""
        fired = 0
        while batch := await self.store.due_timers(now, key):
            for timer in batch:
                await self.fire(timer, now)
                fired += 1
        await self._rearm()
        return fired

    async def flush(self) -> None:
        """Deliver replies left undelivered by a crash or a failed send."""
        for key in await self.store.keys_with_pending_replies():
            async with self._lock(key):
                await self._deliver_pending(key)

    async def _turn(self, key: str, event: Event, now: datetime, fired: int | None) -> None:
        state = await self.store.load(key)
        if state is None:
            state = Conversation(tz=self.default_tz, salt=secrets.token_hex(2))
        new_state, actions = step(self.kb, state, event, now=now)
        log.info("turn %s event=%s state=%s->%s actions=%d", log_key(key), type(event).__name__,
                 state.state, new_state.state, len(actions))
        await self.store.commit_turn(key, new_state, actions, now, fired_row=fired)
        if any(isinstance(a, Forget) for a in actions):
            # Nothing about the person is kept, not even the goodbye: send it straight away.
            for action in actions:
                if isinstance(action, Reply):
                    await self._send(key, action)
            return
        await self._deliver_pending(key)
        if self.wake_at is not None:
            for action in actions:
                if isinstance(action, ScheduleTimer):
                    self.wake_at(action.at)

    async def _deliver_pending(self, key: str) -> None:
        for item in await self.store.pending_replies(key):
            if not await self._send(key, item.reply):
                return  # keep it and everything after it, in order, for the next try
            await self.store.mark_delivered(item)

    async def _send(self, key: str, reply: Reply) -> bool:
        try:
            await self.deliver(key, reply)
        except Exception:
            log.exception("delivery failed for %s; kept for retry", log_key(key))
            return False
        return True

    async def _rearm(self) -> None:
        if self.wake_at is not None:
            due = await self.store.next_due_at()
            if due is not None:
                self.wake_at(due)
