"""An outbound pace: at most one message per interval per chat, and a rate across chats.

`Pacer` keeps the pace within one process. `SharedPacer` keeps it in Redis, so several workers share
one budget: each send reserves the next free slot with one atomic script on Redis's own clock.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

from bot.redaction import pseudonym

if TYPE_CHECKING:  # Redis is imported only where a shared pace is configured
    from redis.asyncio import Redis

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]

LATE = 0.04
"""A sender that wakes later than this after its slot (a busy event loop) gives the slot up and takes a new
one, so late sends never bunch up into a burst over the rate (in any one-second window: at most the rate
plus 4 %)."""


class Pace(Protocol):
    """What senders need from a pace."""

    async def wait(self, chat: object) -> None:
        """Wait for this chat's next slot (and the overall one)."""
        ...

    async def wait_overall(self) -> None:
        """Wait for the overall slot only: a call that must go out promptly (answering a button tap)."""
        ...

    async def try_now(self, chat: object) -> bool:
        """Take this chat's slot (and the overall one) only if both are free now; False leaves both alone.
        For what may simply be skipped (a typing indicator)."""
        ...

    async def hold(self, seconds: float) -> None:
        """Everyone waits (a 429 with retry_after applies to the whole bot)."""
        ...

    async def forget(self, chat: object) -> None:
        """Drop what is kept about a chat (its next slot): its person was erased."""
        ...


class Pacer:
    """Reserves send slots ahead of time, so concurrent senders queue up fairly without a lock."""

    def __init__(
        self,
        per_chat_seconds: float = 1.0,
        per_second: float = 30.0,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.per_chat_seconds = per_chat_seconds
        self.global_gap = 1.0 / per_second
        self._clock = clock
        self._sleep = sleep
        self._chat_next: dict[object, float] = {}
        self._global_next = 0.0

    async def wait(self, chat: object) -> None:
        """Wait for this chat's next slot (and the global one)."""
        await self._wait(chat)

    async def wait_overall(self) -> None:
        """Wait for the global slot only (the chat's slot is neither waited for nor taken)."""
        await self._wait(None)

    async def try_now(self, chat: object) -> bool:
        """Take the chat's and the global slot if both are free now; else take nothing and say False."""
        now = self._clock()
        if self._chat_next.get(chat, 0.0) > now or self._global_next > now:
            return False
        self._chat_next[chat] = now + self.per_chat_seconds
        self._global_next = now + self.global_gap
        return True

    async def _wait(self, chat: object | None) -> None:
        late = 0
        for _ in range(20):
            now = self._clock()
            ahead = self._chat_next.get(chat, 0.0) - now if chat is not None else 0.0
            if ahead > 0:  # the chat's own pace first, holding no overall slot: other chats' sends go meanwhile
                await self._sleep(ahead)
                continue
            slot = max(now, self._global_next)
            if chat is not None:
                self._chat_next[chat] = slot + self.per_chat_seconds
            self._global_next = slot + self.global_gap
            if len(self._chat_next) > 10_000:  # forget chats whose slot has passed
                self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
            if slot > now:
                await self._sleep(slot - now)
            late += 1
            if self._clock() - slot <= LATE or late >= 5:
                return

    async def hold(self, seconds: float) -> None:
        """Everyone waits (a 429 with retry_after applies to the whole bot)."""
        self._global_next = max(self._global_next, self._clock() + seconds)
        await self._sleep(seconds)

    async def forget(self, chat: object) -> None:
        """Drop the chat's next slot: its person was erased."""
        self._chat_next.pop(chat, None)


# KEYS: the overall slot, the chat's slot. ARGV: overall gap, chat gap (0: the overall slot only), hold (all
# microseconds), and 1 to take the slots only if both are free now (else nothing is taken and wait is -1).
# Returns {wait, slot} in microseconds on Redis's clock: one clock for every worker. While the chat's own
# next slot is ahead, nothing is reserved ({wait until it, 0}): a chat waiting for its pace never pushes
# the overall slot forward, so one chat's burst holds up nobody else.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local overall = tonumber(redis.call('GET', KEYS[1]) or '0')
local hold = tonumber(ARGV[3])
if hold > 0 then
  local till = math.max(overall, now + hold)
  redis.call('SET', KEYS[1], string.format('%d', till), 'PX', math.floor((till - now) / 1000) + 60000)
  return {0, till}
end
local chat_gap = tonumber(ARGV[2])
local chat = 0
if chat_gap > 0 then chat = tonumber(redis.call('GET', KEYS[2]) or '0') end
local only_if_free = tonumber(ARGV[4] or '0') == 1
if chat > now and not only_if_free then return {chat - now, 0} end
local slot = math.max(now, overall, chat)
if only_if_free and slot > now then return {-1, slot} end
local next_overall = slot + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%d', next_overall), 'PX', math.floor((next_overall - now) / 1000) + 60000)
if chat_gap > 0 then
  local next_chat = slot + chat_gap
  redis.call('SET', KEYS[2], string.format('%d', next_chat), 'PX', math.floor((next_chat - now) / 1000) + 1000)
end
return {slot - now, slot}
"""

REDIS_CONNECTIONS = 32  # to Redis from one process; more senders wait for a free one
REDIS_WAIT = 30.0  # seconds a send waits for a free connection before it fails (and is retried)


class SharedPacer:
    """The same pace as `Pacer`, kept in Redis and shared by every worker that uses the same `name`.

    Chats appear in Redis only as a hash, and their keys expire once their slot has passed.
    """

    def __init__(
        self,
        redis: Redis,
        name: str,
        per_chat_seconds: float = 1.0,
        per_second: float = 30.0,
        *,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.redis = redis
        self.name = name
        self._overall_gap = round(1_000_000 / per_second)
        self._chat_gap = round(per_chat_seconds * 1_000_000)
        self._sleep = sleep
        self._script = redis.register_script(_RESERVE)

    async def ping(self) -> bool:
        """True when Redis answers."""
        try:
            answer = self.redis.ping()  # typed as maybe-awaitable up to redis-py 7, awaitable from 8
            return bool(await answer) if inspect.isawaitable(answer) else bool(answer)
        except Exception:
            return False

    @classmethod
    def from_url(cls, url: str, name: str, per_chat_seconds: float = 1.0, per_second: float = 30.0) -> SharedPacer:
        """Connect lazily to Redis at `url`, through at most `REDIS_CONNECTIONS` connections: a send waits for
        a free one (redis-py 8 refuses outright past its pool's size: "Too many connections")."""
        from redis.asyncio import BlockingConnectionPool, Redis

        pool = BlockingConnectionPool.from_url(url, max_connections=REDIS_CONNECTIONS, timeout=REDIS_WAIT)
        return cls(Redis(connection_pool=pool), name, per_chat_seconds, per_second)

    async def reserve(self, chat: object | None, *, only_if_free: bool = False) -> tuple[float, int]:
        """Take the next slot for `chat` (None: the overall slot only): (seconds to wait, the slot on Redis's
        clock in microseconds); while the chat's own slot is ahead, nothing is taken: (seconds until it, 0).
        With `only_if_free`, nothing is taken unless it is free now (then -1 s)."""
        tag = pseudonym(str(chat)) if chat is not None else "-"
        wait, slot = await self._script(
            keys=[f"{self.name}:overall", f"{self.name}:chat:{tag}"],
            args=[self._overall_gap, self._chat_gap if chat is not None else 0, 0, int(only_if_free)],
        )
        return int(wait) / 1_000_000, int(slot)

    async def wait(self, chat: object) -> None:
        """Wait for this chat's next slot (and the overall one), across all workers."""
        await self._wait(chat)

    async def wait_overall(self) -> None:
        """Wait for the overall slot only, across all workers."""
        await self._wait(None)

    async def try_now(self, chat: object) -> bool:
        """Take the chat's and the overall slot if both are free now, across all workers; else False."""
        seconds, _slot = await self.reserve(chat, only_if_free=True)
        return seconds >= 0

    async def _wait(self, chat: object | None) -> None:
        late = 0
        for _ in range(20):
            start = time.monotonic()
            seconds, slot = await self.reserve(chat)
            target = start + seconds  # a reply read late (a busy event loop) does not make us later still
            delay = target - time.monotonic()
            if delay > 0:
                await self._sleep(delay)
            if slot == 0:
                continue  # only the chat's own pace was waited for: now take a slot
            late += 1
            if time.monotonic() - target <= LATE or late >= 5:
                return

    async def hold(self, seconds: float) -> None:
        """Every worker waits: no overall slot is given out before `seconds` from now."""
        await self._script(
            keys=[f"{self.name}:overall", f"{self.name}:chat:-"],
            args=[self._overall_gap, self._chat_gap, round(seconds * 1_000_000), 0],
        )
        await self._sleep(seconds)

    async def forget(self, chat: object) -> None:
        """Drop the chat's slot key now rather than when it expires: its person was erased."""
        await self.redis.delete(f"{self.name}:chat:{pseudonym(str(chat))}")

    async def close(self) -> None:
        """Release the connection pool."""
        await self.redis.aclose()
