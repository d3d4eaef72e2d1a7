"""The one imperative shell: per-person lock, load, step, save (one transaction), then deliver."""

from __future__ import annotations

import asyncio
import enum
import logging
import secrets
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.backoff import OUTBOX_RETRY, Backoff
from bot.engine import (
    FROM_PERSON,
    Action,
    Conversation,
    DataGathered,
    Event,
    Forget,
    GatherData,
    Knowledge,
    Record,
    Reply,
    ScheduleTimer,
    TimerFired,
    Unreachable,
    step,
)
from bot.metrics import Metrics, channel_of
from bot.redaction import pseudonym
from bot.store import DueTimer, OutboxItem, SqlStore

log = logging.getLogger("reflexbot.runtime")


class NotServedHereError(LookupError):
    """The person's channel is served by another process (a console chat, a channel this server has not
    enabled): their reply stays in the outbox for that process to deliver. Not a failure."""


class RecipientGoneError(Exception):
    """Raised by a channel's deliver when the person can never be reached (they blocked the bot)."""


class UndeliverableError(Exception):
    """Raised by a channel's deliver when the platform refused this one reply for good (a chat that does not
    exist, an invalid number): it is given up, kept marked failed, and the person's next replies go on.
    `reason` is a short label (see `bot.metrics.GIVE_UP_REASONS`); nothing personal."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


Deliver = Callable[[str, Reply], Awaitable[None]]
"""Sends one reply to a person (key); raises if it could not be delivered."""

WakeAt = Callable[[datetime], None]
"""Asks the trigger to run due timers at (or soon after) an instant."""

OnRecord = Callable[[str, Record], Awaitable[None]]
"""Hands a stored record (a booking request) to whoever forwards it to the clinic."""

OnErase = Callable[[str], Awaitable[None]]
"""Told of each person erased (they asked, or were inactive too long): the channels drop what they hold in
memory about them (a live session card, a pace slot, a closed 24-hour window)."""

NOTICE = timedelta(days=7)
"""How long before their data are erased for inactivity a person is told."""


class _Outcome(enum.Enum):
    SENT = "sent"
    FAILED = "failed"  # kept for another try, after a wait that grows with each failure
    ELSEWHERE = "elsewhere"  # kept for the process that serves the channel
    GONE = "gone"  # the person blocked the bot
    GIVEN_UP = "given up"  # the platform refused this reply for good: kept marked failed, the next go on


TRACKED_FAILURES = 100_000
"""People whose sends keep failing remembered at once (each with a count); past it the oldest is forgotten."""


def log_key(key: str) -> str:
    """A short stable tag for a person in logs: an HMAC under the service's secret, never reversible."""
    return pseudonym(key)


class Runtime:
    """Runs turns for many people: in order per person, each turn saved before its replies go out."""

    def __init__(
        self,
        kb: Knowledge,
        store: SqlStore,
        deliver: Deliver,
        *,
        default_tz: str = "",
        wake_at: WakeAt | None = None,
        on_record: OnRecord | None = None,
        newcomer: Callable[[str], Conversation] | None = None,
        metrics: Metrics | None = None,
        parallel: int = 1,
        clock: Callable[[], datetime] | None = None,
        claim_batch: int = 8,
        retry: Backoff = OUTBOX_RETRY,
        on_erase: OnErase | None = None,
    ) -> None:
        self.kb = kb
        self.store = store
        self.deliver = deliver
        self.default_tz = default_tz
        self.wake_at = wake_at
        self.on_record = on_record
        self.on_erase = on_erase
        self.metrics = metrics or Metrics()
        self.newcomer = newcomer  # a new person's first state by key (else the default time zone)
        self.parallel = parallel  # how many people's due timers run at once (each person's in order)
        # The real clock, when time is real (serve, the interactive chat): a run that lasts (a night's
        # fan-out) claims and steps each timer at the time it really runs, so a session step that falls
        # due meanwhile is taken in the run's next batch (steps first) and stepped on time, not at the
        # run's start. Without it (the scripted chat's virtual clock) a run's `now` is the time.
        self.clock = clock
        # Timers claimed at once: few, so a session step that falls due during a night's fan-out waits
        # for the start of a few reminder turns at most before the next claim takes it (steps first).
        self.claim_batch = claim_batch
        # A reply whose send failed every try waits in the outbox before the next: longer after each failure
        # in a row. A person's replies go out in order, so their count is their first kept reply's.
        self.retry = retry
        self._failures: dict[str, int] = {}
        self._stopping = False
        self._swept_at: datetime | None = None
        self._running = 0  # run_due calls in progress
        self._quiet = asyncio.Condition()
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock

    async def handle(
        self, key: str, event: Event, now: datetime, dedupe: tuple[str, str] | None = None, *, durable: bool = False
    ) -> bool:
        """One event from a person: step, save, deliver. With `dedupe` (channel, message id), a repeat
        delivery of the same message is ignored; returns False then. `durable`: the replies are saved with
        the turn and delivered from the outbox (an update taken from the inbox is answered even if the
        process dies right after its turn; a reply on the wire at that instant may be sent again)."""
        self.metrics.updates.labels(channel_of(key)).inc()
        seen = isinstance(event, FROM_PERSON)
        async with self._lock(key):
            return await self._turn(key, event, now, fired=None, dedupe=dedupe, seen=seen, durable=durable)

    async def fire(self, timer: DueTimer, now: datetime) -> None:
        """A due timer: step it for its person unless it was cancelled meanwhile."""
        self.metrics.timers.inc()
        self.metrics.lateness.observe(max(0.0, (now - timer.due_at).total_seconds()))
        async with self._lock(timer.key):
            event = TimerFired(timer.timer_id, timer.due_at, timer.payload)
            await self._turn(timer.key, event, now, fired=timer.row)

    async def run_due(self, now: datetime, key: str | None = None) -> int:
        """Fire every timer due by `now` (of one person, if given), earliest first; returns how many.

        Timers come in batches this worker claims (other workers take other batches). Up to `parallel`
        people's timers run at once, each person's in order. One person's broken turn never holds up
        anyone else's: its timer is marked failed and logged. Replies left undelivered by an earlier
        failure, or by a worker that died, are delivered here too.
        """
        self._running += 1
        try:
            return await self._run_due(now, key)
        finally:
            self._running -= 1
            async with self._quiet:
                self._quiet.notify_all()

    async def _run_due(self, now: datetime, key: str | None) -> int:
        fired = 0
        slots = asyncio.Semaphore(self.parallel)
        # Session steps have slots of their own: a night's reminders waiting on the send pace cannot hold them.
        step_slots = asyncio.Semaphore(self.parallel)
        clock = self.clock

        def current() -> datetime:
            return max(now, clock()) if clock is not None else now

        unfired: list[DueTimer] = []

        async def fire_in_order(timers: list[DueTimer], slots: asyncio.Semaphore) -> None:
            nonlocal fired
            try:
                for timer in timers:
                    if self._stopping:  # shutting down: give the rest back for another worker or the next start
                        unfired.append(timer)
                        continue
                    fired += 1
                    try:
                        await self.fire(timer, current())
                    except Exception:
                        log.exception("timer %s of %s failed; marked failed", timer.timer_id, log_key(timer.key))
                        await self.store.mark_failed(timer.row)
            finally:
                slots.release()

        try:
            async with asyncio.TaskGroup() as group:
                # A flow, not batch after batch: the next batch is claimed as soon as the last person of
                # this one has started, so the send pace never waits for a batch's slowest turn.
                while not self._stopping:
                    try:
                        batch = await self.store.claim_due_timers(current(), key, limit=self.claim_batch)
                    except Exception:
                        log.exception("claiming due timers failed; the turns in flight finish, the sweep retries")
                        break
                    if not batch:
                        break
                    self.metrics.due.set(len(batch))
                    people = _by_person(batch)
                    for timers in people.values():
                        lane = step_slots if all(t.priority == 0 for t in timers) else slots
                        await lane.acquire()
                        if self._stopping:
                            unfired.extend(timers)
                            lane.release()
                            continue
                        group.create_task(fire_in_order(timers, lane))
        finally:
            await self.store.release_timers(unfired)
        if self._stopping:
            return fired
        await self.flush(now, key)
        if key is None and (self._swept_at is None or now - self._swept_at >= timedelta(hours=1)):
            self._swept_at = now
            await self.sweep(now)
        await self._rearm()
        return fired

    @property
    def retain(self) -> timedelta:
        """How long a person's data are kept after their last message (`[privacy] retain_days`)."""
        return timedelta(days=self.kb.policy.retain_days)

    async def sweep(self, now: datetime) -> None:
        """The hourly chores: forget finished timers and old webhook ids; keep only what is needed.

        Whoever has written nothing for `retain_days - 7` days gets a notice timer (fired like any timer:
        the channel sends it when it can), and whoever has written nothing for `retain_days`, told at least
        a week ago, is erased as "delete my data" erases. Idempotent and safe on several workers: each
        person is claimed in the transaction that notices or erases them.
        """
        await self.store.prune(now)
        try:
            noticed = await self.store.schedule_erase_notices(now, self.retain, NOTICE)
            erased = await self.store.erase_inactive(now, self.retain, NOTICE)
        except Exception:
            log.exception("the retention sweep failed; the next sweep tries again")
            return
        if noticed:
            log.info("%d people inactive for a long time will be told of the erase", noticed)
        if erased:
            log.info("%d people inactive for %d days erased", len(erased), self.retain.days)
            await self.store.checkpoint()
            for key in erased:
                await self._forgotten(key)

    async def next_sweep_at(self) -> datetime | None:
        """When the sweep next has something to do for people's data (a clock that runs it only then: the
        virtual one; the real trigger runs it hourly)."""
        return await self.store.next_retention_at(self.retain, NOTICE)

    async def _forgotten(self, key: str) -> None:
        """What this process holds in memory about an erased person goes too."""
        if self.on_erase is not None:
            try:
                await self.on_erase(key)
            except Exception:
                log.exception("dropping what a channel holds about an erased person failed")

    async def stop(self) -> None:
        """Take no more timers; wait for the turns in flight to finish and give back what was not started."""
        self._stopping = True
        async with self._quiet:
            await self._quiet.wait_for(lambda: self._running == 0)

    async def flush(self, now: datetime, only: str | None = None) -> None:
        """Deliver replies left undelivered by a crash or a failed send (of one person, if given)."""
        for key in await self.store.keys_with_pending_replies(now):
            if self._stopping:
                return  # what is left is delivered by another worker, or at the next start
            if only is not None and key != only:
                continue
            async with self._lock(key):
                await self._deliver(key, await self.store.claim_replies(key, now), [], now)

    async def _turn(
        self,
        key: str,
        event: Event,
        now: datetime,
        fired: int | None,
        dedupe: tuple[str, str] | None = None,
        seen: bool = False,
        durable: bool = False,
    ) -> bool:
        def decide(saved: Conversation | None) -> tuple[Conversation, tuple[Action, ...]]:
            if saved is None:
                fresh = self.newcomer(key) if self.newcomer is not None else Conversation(tz=self.default_tz)
                saved = replace(fresh, salt=secrets.token_hex(3))
            state = saved
            new_state, actions = step(self.kb, state, event, now=now)
            if log.isEnabledFor(logging.INFO):  # the pseudonym is an HMAC: not computed for nothing
                log.info(
                    "turn %s event=%s state=%s->%s actions=%d",
                    log_key(key),
                    type(event).__name__,
                    state.state,
                    new_state.state,
                    len(actions),
                )
            return new_state, actions

        # A timer's replies, emergency advice and the replies to an update taken from the inbox (`durable`)
        # go through the outbox: saved with the turn, delivered after it, and a timer is done only once its
        # replies are delivered (a crash can repeat such a reply, flagged "sent again", never lose it).
        # Other turns deliver straight after the commit (a crash can drop such a reply, never repeat it).
        durable = durable or fired is not None
        result = await self.store.run_turn(key, decide, now, fired, durable=durable, dedupe=dedupe, seen=seen)
        if result is None:
            return False  # the timer was cancelled or handled, or the message was seen before
        replies = [a for a in result.actions if isinstance(a, Reply)]
        if any(isinstance(a, Forget) for a in result.actions):
            await self.store.checkpoint()  # nothing of them left in SQLite's write-ahead log either
            for reply in replies:  # nothing about the person is kept, not even this goodbye
                await self._send(key, reply)
            await self._forgotten(key)
            return True
        if self.on_record is not None:
            for action in result.actions:
                if isinstance(action, Record):
                    await self.on_record(key, action)
        await self._deliver(key, result.undelivered, [] if result.stored else replies, now)
        if any(isinstance(a, GatherData) for a in result.actions):  # "my data": read now this turn is saved
            kept = (await self.store.person_data(key)).kept()
            await self._turn(key, DataGathered(kept), now, fired=None)
        if self.wake_at is not None:
            for action in result.actions:
                if isinstance(action, ScheduleTimer):
                    self.wake_at(action.at)
        return True

    async def _deliver(self, key: str, stored: list[OutboxItem], fresh: list[Reply], now: datetime) -> None:
        """Send saved replies (urgent ones first), then fresh ones, in order; what fails is kept for later.

        If the person can no longer be reached (they blocked the bot), nothing is kept and every timer
        of theirs stops, until they write again.
        """
        items = sorted(stored, key=lambda i: not i.reply.urgent)
        doubtful = sum(i.in_doubt for i in items)
        if doubtful:  # a worker died while delivering these: it may have sent them already
            log.warning("%d replies to %s are sent again: the worker delivering them stopped", doubtful, log_key(key))
            self.metrics.resent.labels(channel_of(key)).inc(doubtful)
        delivered: list[OutboxItem] = []
        given_up: list[OutboxItem] = []
        for index, item in enumerate(items):
            outcome = await self._send(key, item.reply)
            if outcome is _Outcome.GONE:
                await self.store.mark_delivered(items)
                await self._turn(key, Unreachable(), now, fired=None)
                return
            if outcome is _Outcome.GIVEN_UP:
                given_up.append(item)
                continue
            if outcome in (_Outcome.FAILED, _Outcome.ELSEWHERE):
                retry_at = self._retry_at(key, now) if outcome is _Outcome.FAILED else None
                await self.store.mark_delivered(delivered)
                await self.store.give_up_replies(given_up, now)
                await self.store.release_replies(items[index:], retry_at)
                await self.store.keep_replies(key, fresh, now, retry_at)
                return
            delivered.append(item)
        await self.store.mark_delivered(delivered)
        await self.store.give_up_replies(given_up, now)
        for index, reply in enumerate(fresh):
            outcome = await self._send(key, reply)
            if outcome is _Outcome.GONE:
                await self._turn(key, Unreachable(), now, fired=None)
                return
            if outcome is _Outcome.GIVEN_UP:
                await self.store.keep_given_up(key, [reply], now)
                continue
            if outcome in (_Outcome.FAILED, _Outcome.ELSEWHERE):
                retry_at = self._retry_at(key, now) if outcome is _Outcome.FAILED else None
                await self.store.keep_replies(key, fresh[index:], now, retry_at)
                return

    async def _send(self, key: str, reply: Reply) -> _Outcome:
        try:
            await self.deliver(key, reply)
        except RecipientGoneError:
            log.warning("%s can no longer be reached; their timers stop", log_key(key))
            self._failures.pop(key, None)
            self.metrics.gave_up(channel_of(key), "blocked")
            return _Outcome.GONE
        except UndeliverableError as error:
            log.warning("a reply to %s was refused for good (%s); kept marked failed", log_key(key), error.reason)
            self._failures.pop(key, None)
            self.metrics.gave_up(channel_of(key), error.reason)
            return _Outcome.GIVEN_UP
        except NotServedHereError:
            log.debug("reply to %s kept for the process that serves its channel", log_key(key))
            return _Outcome.ELSEWHERE
        except Exception:
            log.exception("delivery failed for %s; kept for retry", log_key(key))
            self.metrics.send_failures.labels(channel_of(key)).inc()
            self._failures[key] = self._failures.pop(key, 0) + 1  # re-inserted: the oldest stay first
            if len(self._failures) > TRACKED_FAILURES:
                del self._failures[next(iter(self._failures))]
            return _Outcome.FAILED
        self._failures.pop(key, None)
        self.metrics.replies.labels(channel_of(key)).inc()
        return _Outcome.SENT

    def _retry_at(self, key: str, now: datetime) -> datetime:
        """When a person's kept replies are tried again: a jittered wait that grows with their failures in a row."""
        return now + timedelta(seconds=self.retry.delay(self._failures.get(key, 1) - 1))

    async def _rearm(self) -> None:
        if self.wake_at is not None:
            due = await self.store.next_due_at()
            if due is not None:
                self.wake_at(due)


def _by_person(batch: list[DueTimer]) -> dict[str, list[DueTimer]]:
    """Due timers grouped by person, each person's in order."""
    people: dict[str, list[DueTimer]] = {}
    for timer in batch:
        people.setdefault(timer.key, []).append(timer)
    return people
