"""The store's one interface: SQLite by default, PostgreSQL by URL; every turn's writes in one transaction."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy.engine import URL, make_url

from bot.engine.actions import Action, Reply
from bot.engine.state import Conversation
from bot.store import operations as ops
from bot.store.operations import Claim, DueTimer, InboxItem, OutboxItem
from bot.store.person_data import PersonData, read_person
from bot.store.runners import AsyncRunner, Runner, SqliteRunner, T, Work


def database_url(url: str) -> URL:
    """The driver for a plain database URL: SQLite's standard driver, asyncpg for PostgreSQL."""
    parsed = make_url(url)
    drivers = {"sqlite": "sqlite", "postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg"}
    return parsed.set(drivername=drivers.get(parsed.drivername, parsed.drivername))


LEASE = timedelta(seconds=120)
"""How long a worker holds the timers and replies it took before others may take them over."""


class SqlStore:
    """State, timers, outbox and records of everyone, behind async methods.

    Several processes may share one server database: what a worker takes (a batch of due timers,
    a person's replies to deliver) it claims until `lease` runs out, so each is handled by one worker,
    and a dead worker's share is taken over once its lease has run out.
    """

    def __init__(self, runner: Runner, lease: timedelta = LEASE, clock: Callable[[], datetime] | None = None) -> None:
        self._runner = runner
        self.lease = lease
        self.clock = clock
        self.single_process = isinstance(runner, SqliteRunner)

    @classmethod
    async def open(cls, url: str, lease: timedelta = LEASE, clock: Callable[[], datetime] | None = None) -> SqlStore:
        """Connect, creating the SQLite file (and its folder) and the schema on first run.

        `clock` (the real one, in servers) starts each lease when the claim is made: the `now` a turn
        carries may be the start of a long fan-out. Without it (virtual time), leases start at `now`.
        """
        target = database_url(url)
        runner: SqliteRunner | AsyncRunner
        runner = SqliteRunner(target) if target.get_backend_name() == "sqlite" else AsyncRunner(target)
        await runner.start()
        return cls(runner, lease, clock)

    def _claim(self, now: datetime) -> Claim:
        start = max(now, self.clock()) if self.clock is not None else now
        return Claim(secrets.token_hex(16), start + self.lease)

    async def release_all(self) -> int:
        """At the start of the one process a SQLite file has: what a killed run held is free at once.

        Returns how many replies were in doubt (taken for delivery by the killed run, maybe sent).
        """
        return await self._runner.run(ops.release_all)

    async def close(self) -> None:
        """Release connections."""
        await self._runner.close()

    async def run(self, work: Work[T]) -> T:
        """Run a unit of SQL work in one transaction (for tools and tests)."""
        return await self._runner.run(work)

    async def load(self, key: str) -> Conversation | None:
        """The saved conversation, or None for someone new."""
        return await self._runner.run(partial(ops.load_state, key=key))

    async def run_turn(
        self,
        key: str,
        decide: ops.Decide,
        now: datetime,
        fired_row: int | None = None,
        *,
        durable: bool = True,
        dedupe: tuple[str, str] | None = None,
        seen: bool = False,
    ) -> ops.TurnResult | None:
        """Load, decide and save a turn in one transaction (one trip to the database).

        `decide` gets the saved state (None for someone new) and returns the new state and actions.
        With `fired_row`, nothing happens (None) unless that timer is still pending. `seen`: the person
        made this turn (wrote, tapped), so their data are kept from now on.
        """
        work = partial(
            ops.run_turn,
            key=key,
            decide=decide,
            now=now,
            fired_row=fired_row,
            durable=durable,
            claim=self._claim(now),
            dedupe=dedupe,
            seen=seen,
        )
        return await self._runner.run(work)

    async def commit_turn(
        self,
        key: str,
        state: Conversation,
        actions: tuple[Action, ...],
        now: datetime,
        fired_row: int | None = None,
        *,
        durable: bool = True,
    ) -> list[OutboxItem]:
        """Save a turn in one transaction: state, timers, records and (when `durable`) its replies.

        Returns the person's undelivered replies, oldest first: leftovers of earlier turns, then this
        turn's when `durable`. Forget deletes everything about the person instead.
        """
        work = partial(
            ops.commit_turn,
            key=key,
            state=state,
            actions=actions,
            now=now,
            fired_row=fired_row,
            durable=durable,
            claim=self._claim(now),
        )
        return await self._runner.run(work)

    async def keep_replies(
        self, key: str, replies: list[Reply], now: datetime, retry_at: datetime | None = None
    ) -> None:
        """Save replies that could not be delivered, for a later try (not before `retry_at`, if given)."""
        if replies:
            await self._runner.run(partial(ops.keep_replies, key=key, replies=replies, now=now, retry_at=retry_at))

    async def pending_replies(self, key: str) -> list[OutboxItem]:
        """Replies saved but not yet delivered, oldest first (claimed or not)."""
        return await self._runner.run(partial(ops.outbox_of, key=key))

    async def given_up_replies(self, key: str) -> list[OutboxItem]:
        """Replies the platform refused for good, kept marked failed, oldest first."""
        return await self._runner.run(partial(ops.given_up_of, key=key))

    async def give_up_replies(self, items: list[OutboxItem], now: datetime) -> None:
        """Mark claimed replies failed for good: they are never tried again."""
        if items:
            await self._runner.run(partial(ops.give_up_replies, items=items, now=now))

    async def keep_given_up(self, key: str, replies: list[Reply], now: datetime) -> None:
        """Keep replies never saved that were refused for good, marked failed."""
        if replies:
            await self._runner.run(partial(ops.keep_given_up, key=key, replies=replies, now=now))

    async def claim_replies(self, key: str, now: datetime) -> list[OutboxItem]:
        """Take a person's undelivered replies that no other worker holds, to deliver them."""
        return await self._runner.run(partial(ops.claim_replies, key=key, now=now, claim=self._claim(now)))

    async def release_replies(self, items: list[OutboxItem], retry_at: datetime | None = None) -> None:
        """Give back replies that could not be delivered, to be tried again (from `retry_at`)."""
        if items:
            await self._runner.run(partial(ops.release_replies, items=items, retry_at=retry_at))

    async def release_timers(self, timers: list[DueTimer]) -> None:
        """Give back claimed timers that will not be fired here, for any worker to take at once."""
        if timers:
            await self._runner.run(partial(ops.release_timers, due=timers))

    async def keys_with_pending_replies(self, now: datetime) -> list[str]:
        """Everyone with undelivered replies that are free to deliver now (after a restart or a failure)."""
        return await self._runner.run(partial(ops.keys_with_pending_replies, now=now))

    async def mark_delivered(self, items: list[OutboxItem]) -> None:
        """Drop delivered replies; a timer is done once all its replies are delivered."""
        if items:
            await self._runner.run(partial(ops.mark_delivered, items=items))

    async def claim_due_timers(self, now: datetime, key: str | None = None, limit: int = 100) -> list[DueTimer]:
        """Take pending timers due by `now` (of one person, if given) that no other worker holds, session
        steps first."""
        return await self._runner.run(
            partial(ops.claim_due_timers, now=now, key=key, limit=limit, claim=self._claim(now))
        )

    async def writable(self) -> bool:
        """True when the database takes a write (a read-only or broken one answers reads only)."""
        try:
            await self._runner.run(ops.probe_write)
        except Exception:
            return False
        return True

    async def next_due_at(self, key: str | None = None) -> datetime | None:
        """When the earliest pending timer (of one person, if given) is due."""
        return await self._runner.run(partial(ops.next_due_at, key=key))

    async def pending_timers(self, key: str) -> list[tuple[str, datetime]]:
        """A person's pending timers (id, due), earliest first."""
        return await self._runner.run(partial(ops.pending_timers, key=key))

    async def records(self, key: str, kind: str | None = None) -> list[dict[str, Any]]:
        """A person's records (booking requests, feedback), oldest first."""
        return await self._runner.run(partial(ops.person_records, key=key, kind=kind))

    async def person_data(self, key: str) -> PersonData:
        """Everything kept about one person, every table read in one transaction ("my data")."""
        return await self._runner.run(partial(read_person, key=key))

    async def count_rows(self, key: str) -> int:
        """How many rows in all tables are about this person."""
        return await self._runner.run(partial(ops.count_rows, key=key))

    async def first_sight(self, channel: str, message_id: str, now: datetime, key: str | None = None) -> bool:
        """Record an inbound delivery that needs no turn (and whose it was); False if it was seen before.
        A message from a known person (`key`) keeps their data, as any message does."""
        return await self._runner.run(
            partial(ops.first_sight, channel=channel, message_id=message_id, now=now, key=key, seen=True)
        )

    # The durable inbox.

    async def accept_inbound(self, item: InboxItem, now: datetime, mine: int = 0) -> bool | None:
        """Save a delivery before answering it, held by this worker for a lease; False for a repeat; None
        (nothing saved) while more of the person's updates wait than the `mine` this worker holds."""
        until = self._claim(now).until
        return await self._runner.run(partial(ops.accept_inbound, item=item, now=now, until=until, mine=mine))

    async def inbound_done(self, channel: str, message_id: str, now: datetime) -> None:
        """A delivery is processed, whatever came of it: its payload goes, its ids stay for dedupe."""
        await self._runner.run(partial(ops.inbound_done, channel=channel, message_id=message_id, now=now))

    async def claim_waiting_inbound(self, now: datetime, limit: int) -> list[InboxItem]:
        """Take saved deliveries no live worker holds (after a stop or a crash), in order of arrival."""
        return await self._runner.run(
            partial(ops.claim_waiting_inbound, now=now, until=self._claim(now).until, limit=limit)
        )

    async def release_inbound(self, items: list[InboxItem]) -> None:
        """Give back saved deliveries this worker will not process, for the next start or another worker."""
        if items:
            await self._runner.run(partial(ops.release_inbound, items=items))

    async def waiting_inbound(self) -> int:
        """How many saved deliveries are not processed yet."""
        return await self._runner.run(ops.waiting_inbound)

    async def checkpoint(self) -> None:
        """Fold SQLite's write-ahead log into the database and empty it (after an erase: nothing of the
        person stays in the log; with secure_delete their rows are overwritten). Nothing to do elsewhere."""
        await self._runner.checkpoint()

    async def save_menu(self, key: str, choices: list[tuple[str, str]]) -> None:
        """Remember the numbered menu just sent to a person."""
        await self._runner.run(partial(ops.save_menu, key=key, choices=choices))

    async def load_menu(self, key: str) -> list[tuple[str, str]]:
        """The numbered menu last sent to a person."""
        return await self._runner.run(partial(ops.load_menu, key=key))

    async def save_upload(self, channel: str, name: str, file_id: str) -> None:
        """Remember the platform's id of a file we uploaded."""
        await self._runner.run(partial(ops.save_upload, channel=channel, name=name, file_id=file_id))

    async def load_uploads(self, channel: str) -> dict[str, str]:
        """Every file id a platform keeps for us, by name."""
        return await self._runner.run(partial(ops.load_uploads, channel=channel))

    async def record_owner(self, ref: str) -> str | None:
        """Whose booking request carries this reference."""
        return await self._runner.run(partial(ops.record_owner, ref=ref))

    async def prune(
        self, now: datetime, keep_timers: timedelta = timedelta(days=7), keep_inbound: timedelta = timedelta(days=3)
    ) -> int:
        """Forget finished timers and seen webhook ids once nobody needs them; returns how many rows.

        Telegram keeps an unanswered update for 24 hours and Twilio retries within minutes, so three
        days of ids is ample to drop a repeat; failed timers stay for inspection.
        """
        return await self._runner.run(
            partial(ops.prune, timers_before=now - keep_timers, inbound_before=now - keep_inbound, links_before=now)
        )

    async def add_data_link(self, token: str, key: str, expires_at: datetime) -> None:
        """A link to `key`'s data file, named by a random token, until `expires_at`."""
        await self._runner.run(partial(ops.add_data_link, token=token, key=key, expires_at=expires_at))

    async def data_link(self, token: str) -> tuple[str, datetime] | None:
        """Whose data file a link's token opens, and until when."""
        return await self._runner.run(partial(ops.data_link, token=token))

    # Keeping only what is needed.

    async def schedule_erase_notices(
        self, now: datetime, retain: timedelta, notice: timedelta, batch: int = 500
    ) -> int:
        """Give everyone silent for `retain - notice` and not told yet a notice timer, due now, saying their
        data go `retain` after their last message (never sooner than `notice` from now); how many."""
        total = 0
        while True:
            work = partial(
                ops.schedule_erase_notices,
                now=now,
                seen_before=now - (retain - notice),
                erase_after=retain,
                notice=notice,
                limit=batch,
            )
            done, more = await self._runner.run(work)
            total += done
            if not more:
                return total

    async def erase_inactive(self, now: datetime, retain: timedelta, notice: timedelta, batch: int = 100) -> list[str]:
        """Erase everyone silent for `retain` who was told at least `notice` ago; returns whose data went.
        Batches of `batch` people, each in one transaction."""
        erased: list[str] = []
        while True:
            work = partial(
                ops.erase_inactive, now=now, seen_before=now - retain, noticed_before=now - notice, limit=batch
            )
            keys, more = await self._runner.run(work)
            erased += keys
            if not more:
                return erased

    async def next_retention_at(self, retain: timedelta, notice: timedelta) -> datetime | None:
        """When the retention sweep next has something to do (a notice or an erase), if ever."""
        return await self._runner.run(
            partial(ops.next_retention_at, notice_after=retain - notice, erase_after=retain, notice=notice)
        )

    async def mark_failed(self, row: int) -> None:
        """Mark a timer whose turn raised, so it does not block the others."""
        await self._runner.run(partial(ops.mark_failed, row=row))

    async def timer_status(self, row: int) -> str | None:
        """A timer row's status."""
        return await self._runner.run(partial(ops.timer_status, row=row))

    # The clinic's desk.

    async def add_staff(
        self, name: str, password_hash: str, role: str, branches: tuple[str, ...], now: datetime
    ) -> bool:
        """Create a desk account; False if the name is taken."""
        return await self._runner.run(
            partial(ops.add_staff, name=name, password_hash=password_hash, role=role, branches=branches, now=now)
        )

    async def staff_account(self, name: str) -> ops.StaffAccount | None:
        """One desk account by name."""
        return await self._runner.run(partial(ops.staff_account, name=name))

    async def list_staff(self) -> list[ops.StaffAccount]:
        """Every desk account, by name."""
        return await self._runner.run(ops.list_staff)

    async def disable_staff(self, name: str) -> bool:
        """Disable a desk account; False if there is none."""
        return await self._runner.run(partial(ops.disable_staff, name=name))

    async def booking_requests(self, branches: tuple[str, ...] | None) -> list[ops.BookingRequest]:
        """Every booking request (of these branches; None = all), newest first."""
        return await self._runner.run(partial(ops.booking_requests, branches=branches))

    async def booking_request(self, ref: str) -> ops.BookingRequest | None:
        """One booking request by its reference, or its tombstone once its person was erased."""
        return await self._runner.run(partial(ops.booking_request_or_tombstone, ref=ref))

    async def booking_history(self, ref: str) -> list[ops.BookingEvent]:
        """A request's status changes and notes, oldest first."""
        return await self._runner.run(partial(ops.booking_history, ref=ref))

    async def change_booking_status(
        self, ref: str, to: str, allowed_from: frozenset[str], staff_name: str, now: datetime
    ) -> ops.StatusChange | None:
        """Move a request to `to` if it stands in `allowed_from` (history and audit written with it)."""
        return await self._runner.run(
            partial(
                ops.change_booking_status, ref=ref, to=to, allowed_from=allowed_from, staff_name=staff_name, now=now
            )
        )

    async def add_booking_note(self, ref: str, text: str, staff_name: str, now: datetime) -> bool:
        """A staff note on a request; False if there is no such request."""
        return await self._runner.run(partial(ops.add_booking_note, ref=ref, text=text, staff_name=staff_name, now=now))

    async def write_audit(self, staff_name: str, action: str, ref: str, now: datetime) -> None:
        """One line in the desk's audit log."""
        await self._runner.run(partial(ops.write_audit, staff_name=staff_name, action=action, ref=ref, now=now))

    async def audit_entries(self, ref: str | None = None) -> list[ops.AuditEntry]:
        """The desk's audit log (of one request, if given), oldest first."""
        return await self._runner.run(partial(ops.audit_entries, ref=ref))

    async def record_login_failure(self, subjects: tuple[str, ...], now: datetime, forget_before: datetime) -> None:
        """Note a failed login against each subject; older failures are dropped."""
        await self._runner.run(
            partial(ops.record_login_failure, subjects=subjects, now=now, forget_before=forget_before)
        )

    async def login_failures_since(self, subjects: tuple[str, ...], since: datetime) -> int:
        """The most failed logins any one of the subjects has had since `since`."""
        return await self._runner.run(partial(ops.login_failures_since, subjects=subjects, since=since))

    async def clear_login_failures(self, subject: str) -> None:
        """Forget a subject's failed logins."""
        await self._runner.run(partial(ops.clear_login_failures, subject=subject))

    async def overview_tallies(self, since: datetime) -> list[ops.Tally]:
        """What the desk's overview counts since `since`: labels and times only, nothing personal."""
        return await self._runner.run(partial(ops.overview_tallies, since=since))

    # Confirmed appointments.

    async def confirm_appointment(
        self,
        ref: str,
        starts_at: datetime,
        branch: str,
        token: str,
        allowed_from: frozenset[str],
        staff_name: str,
        now: datetime,
    ) -> ops.StatusChange | None:
        """Set a request's time and make it confirmed (history and audit written with it)."""
        return await self._runner.run(
            partial(
                ops.confirm_appointment,
                ref=ref,
                starts_at=starts_at,
                branch=branch,
                token=token,
                allowed_from=allowed_from,
                staff_name=staff_name,
                now=now,
            )
        )

    async def appointment(self, ref: str) -> ops.Appointment | None:
        """The confirmed time of a request, if any."""
        return await self._runner.run(partial(ops.appointment, ref=ref))

    async def appointment_by_token(self, token: str) -> ops.Appointment | None:
        """The appointment whose calendar file this token names."""
        return await self._runner.run(partial(ops.appointment_by_token, token=token))

    async def appointments_of(self, refs: list[str]) -> dict[str, ops.Appointment]:
        """The confirmed times of these requests, by ref."""
        return await self._runner.run(partial(ops.appointments_of, refs=refs))

    async def latest_answers(self, refs: list[str]) -> dict[str, str]:
        """The person's latest answer to each request's confirmed time, by ref."""
        return await self._runner.run(partial(ops.latest_answers, refs=refs))

    async def staff_handled(self, ref: str, now: datetime) -> bool:
        """The Telegram staff chat's "Handled": new becomes contacted, with a history line."""
        return await self._runner.run(partial(ops.staff_handled, ref=ref, now=now))
