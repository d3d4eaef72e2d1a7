"""The durable inbox: every inbound delivery is saved before the platform gets its answer, then processed
from the store, one at a time per person and many people at once.

- Acknowledged means saved: a webhook is answered 200 only once its update is a row (`inbound`); a crash
  after that loses nothing, the next start (or another worker, once the lease has run out) processes it.
- Bounded: at most `capacity` updates wait or run in a process, at most `per_person` of one person; past
  either the webhook is answered 503, and the platform delivers it again later (Telegram and Twilio retry
  on 5xx), instead of queueing without bound in memory.
- Fair: each person has a lane (their updates in order of arrival, one at a time), and up to `parallel`
  lanes run at once; a lane holds one slot at a time, so one person's flood never holds up anyone else.
  With several workers, a person's update that reaches a worker while another worker still holds earlier
  ones of theirs is answered 503 (delivered again later), so it never overtakes them.
- Exactly once: a repeat of a saved update is answered and not processed again; a turn marks its update
  processed in its own transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.metrics import Metrics
from bot.redaction import pseudonym
from bot.store import InboxItem, SqlStore

log = logging.getLogger("reflexbot.inbox")

# True when the handler's own turn marked the update processed (in the turn's transaction): no second write.
Process = Callable[[InboxItem], Awaitable[bool | None]]
"""Processes one saved update of a channel (parse it, run the person's turn)."""

Sleep = Callable[[float], Awaitable[None]]


class Admission(enum.Enum):
    """What became of a delivery: the webhook answers 200 for all but BUSY (503: deliver it again later)."""

    ACCEPTED = "accepted"  # saved; processed in its person's lane
    REPEAT = "repeat"  # saved before (a platform's retry, or a delivery to two workers): not processed again
    IGNORED = "ignored"  # nothing to process (an update kind the bot does not take)
    BUSY = "busy"  # not saved: this process holds as much as it may, or this person does


class Inbox:
    """Saved updates waiting or running in this process, in one lane per person."""

    def __init__(
        self,
        store: SqlStore,
        clock: Callable[[], datetime],
        *,
        capacity: int = 1000,
        per_person: int = 20,
        parallel: int = 64,
        recover_seconds: float = 30.0,
        sleep: Sleep = asyncio.sleep,
        metrics: Metrics | None = None,
    ) -> None:
        self.store = store
        self.metrics = metrics  # how many wait or run here (a gauge), and deliveries refused for want of room
        self.clock = clock
        self.capacity = capacity
        self.per_person = per_person
        self.recover_seconds = recover_seconds  # how often updates nobody holds (a dead worker's) are looked for
        self.sleep = sleep
        self.processed = 0  # updates finished in this process
        self._handlers: dict[str, Process] = {}
        self._lanes: dict[str, deque[InboxItem]] = {}
        self._held: set[tuple[str, str]] = set()  # (channel, message id) reserved, waiting or running here
        self._per_person: Counter[str] = Counter()
        self._slots = asyncio.Semaphore(parallel)
        self._running = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._changed = asyncio.Condition()
        self._stopping = False
        self._recovery: asyncio.Task[None] | None = None

    def register(self, channel: str, process: Process) -> None:
        """A channel's way to process its saved updates."""
        self._handlers[channel] = process

    @property
    def stopping(self) -> bool:
        """True once `stop` has begun: nothing new is taken."""
        return self._stopping

    @property
    def held(self) -> int:
        """Updates waiting or running in this process."""
        return len(self._held)

    def has_room(self, key: str) -> bool:
        """True when one more update of this person may be taken now."""
        return not self._stopping and self.held < self.capacity and self._per_person[key] < self.per_person

    async def accept(self, item: InboxItem, *, wait: bool = False) -> Admission:
        """Save a delivery, then queue it in its person's lane. BUSY, with nothing saved, when full (unless
        `wait`: then wait for room, for a source that cannot be asked again, as polling)."""
        if wait:
            async with self._changed:
                await self._changed.wait_for(lambda: self.has_room(item.key) or self._stopping)
        if not self.has_room(item.key):
            if self.metrics is not None:
                self.metrics.inbox_busy.labels(item.channel).inc()
            return Admission.BUSY
        ident = (item.channel, item.message_id)
        if ident in self._held:
            return Admission.REPEAT  # the same delivery twice at once: one of them is enough
        mine = self._per_person[item.key]
        self._reserve(item)  # before the write, so concurrent deliveries cannot overshoot the bounds
        try:
            saved = await self.store.accept_inbound(item, self.clock(), mine)
        except BaseException:
            self._unreserve(item)
            raise
        if saved is None:  # another worker holds earlier updates of this person: never overtake them
            self._unreserve(item)
            return Admission.BUSY
        if not saved:
            self._unreserve(item)
            return Admission.REPEAT
        self._enqueue(item)
        return Admission.ACCEPTED

    async def recover(self) -> int:
        """Take the saved updates nobody processes (left by a stop or a crash, or by a dead worker once its
        lease ran out), as many as there is room for, in order of arrival; returns how many."""
        room = self.capacity - self.held
        if room <= 0 or self._stopping:
            return 0
        items = await self.store.claim_waiting_inbound(self.clock(), room)
        taken = 0
        for item in items:
            if (item.channel, item.message_id) in self._held:
                continue  # still waiting in a lane here (a long backlog outlived its lease)
            self._reserve(item)
            self._enqueue(item)
            taken += 1
        if taken:
            log.warning("%d saved updates taken up again (left by a stop or a crash)", taken)
        return taken

    async def start(self) -> None:
        """Process what an earlier run left, and keep looking for what a dead worker leaves."""
        await self.recover()
        self._recovery = asyncio.create_task(self._recover_now_and_then())

    async def stop(self) -> None:
        """Take nothing more; let the updates being processed finish; give back those still waiting (the
        next start, or another worker, processes them); log what was done."""
        if self._stopping:
            return
        self._stopping = True
        if self._recovery is not None:
            self._recovery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._recovery
        async with self._changed:
            self._changed.notify_all()  # a polling source waiting for room gives up
            finished = self.processed
            await self._changed.wait_for(lambda: self._running == 0)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        left = [item for lane in self._lanes.values() for item in lane]
        self._lanes.clear()
        try:
            await self.store.release_inbound(left)
        except Exception:
            log.exception("giving back waiting updates failed; they are taken over when their lease runs out")
        log.warning(
            "inbox stopped: %d updates in flight finished, %d left saved for the next start",
            self.processed - finished,
            len(left),
        )

    async def wait_processed(self, count: int) -> None:
        """Until `count` updates have been processed here (tests)."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.processed >= count)

    def _reserve(self, item: InboxItem) -> None:
        self._held.add((item.channel, item.message_id))
        self._per_person[item.key] += 1
        if self.metrics is not None:
            self.metrics.inbox_held.set(len(self._held))

    def _unreserve(self, item: InboxItem) -> None:
        self._held.discard((item.channel, item.message_id))
        self._per_person[item.key] -= 1
        if self._per_person[item.key] <= 0:
            del self._per_person[item.key]
        if self.metrics is not None:
            self.metrics.inbox_held.set(len(self._held))

    def _enqueue(self, item: InboxItem) -> None:
        lane = self._lanes.get(item.key)
        if lane is None:
            lane = self._lanes[item.key] = deque()
            task = asyncio.create_task(self._run_lane(item.key, lane))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        lane.append(item)

    async def _run_lane(self, key: str, lane: deque[InboxItem]) -> None:
        """A person's updates, one at a time in order; one slot held per update, so lanes take turns."""
        try:
            while lane and not self._stopping:
                async with self._slots:
                    if self._stopping:
                        return
                    await self._process(lane.popleft())
        finally:
            if not self._stopping and self._lanes.get(key) is lane and not lane:
                del self._lanes[key]

    async def _process(self, item: InboxItem) -> None:
        self._running += 1
        handler = self._handlers.get(item.channel)
        marked: bool | None = False
        try:
            if handler is None:  # left saved for a process that serves the channel
                log.warning("a saved %s update has no channel to process it here", item.channel)
            else:
                marked = await handler(item)
        except Exception:
            log.exception("a %s update of %s failed; marked processed", item.channel, pseudonym(item.key))
        finally:
            try:
                if handler is not None and marked is not True:
                    await self.store.inbound_done(item.channel, item.message_id, self.clock())
            except Exception:
                log.exception("marking an update processed failed; it is taken again after its lease")
            self._unreserve(item)
            self._running -= 1
            self.processed += 1
            async with self._changed:
                self._changed.notify_all()

    async def _recover_now_and_then(self) -> None:
        while not self._stopping:
            await self.sleep(self.recover_seconds)
            try:
                await self.recover()
            except Exception:
                log.exception("looking for saved updates nobody processes failed; tried again later")
