"""Confirming a time at the desk: the form (CSRF, a real future date and time, the staff member's
branches), the request confirmed with its time, history and audit, the person told through the runtime,
and their answers shown at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx

from bot.engine import AppointmentSet, ChoicePicked, Event, Knowledge, Reply
from bot.runtime import Runtime
from scheduler import VirtualClock
from tests.conftest import T0
from tests.desk.conftest import PERSON, DeskWorld, csrf_of
from tests.desk.test_requests import signed_in

DUBAI_TEN = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)  # 10:00 in Dubai on 2026-11-25


async def confirm(client: httpx.AsyncClient, ref: str, **fields: str) -> httpx.Response:
    token = await csrf_of(client, f"/desk/requests/{ref}")
    form = {"csrf": token, "date": "2026-11-25", "time": "10:00", "branch": "dhcc"} | fields
    return await client.post(f"/desk/requests/{ref}/appointment", data=form)


def with_runtime(world: DeskWorld) -> list[tuple[str, Event]]:
    told: list[tuple[str, Event]] = []

    async def notify(key: str, event: Event) -> None:
        told.append((key, event))

    world.options = replace(world.options, notify=notify)
    return told


async def test_the_form_confirms_the_time_and_tells_the_person(world: DeskWorld) -> None:
    told = with_runtime(world)
    client = await signed_in(world)
    page = await client.get(f"/desk/requests/{world.booked_ref}")
    assert "Confirm a time" in page.text and 'name="date"' in page.text and "Asia/Dubai" in page.text
    answer = await confirm(client, world.booked_ref)
    assert answer.status_code == 303
    (request,) = [r for r in await world.store.booking_requests(None) if r.ref == world.booked_ref]
    assert request.status == "confirmed"
    appointment = await world.store.appointment(world.booked_ref)
    assert appointment is not None and appointment.starts_at == DUBAI_TEN and appointment.branch == "dhcc"
    assert appointment.confirmed_by == "amira" and len(appointment.token) >= 32
    assert told == [(PERSON, AppointmentSet(world.booked_ref, DUBAI_TEN, "dhcc"))]
    kinds = [(e.kind, e.what) for e in await world.store.booking_history(world.booked_ref)]
    assert ("status", "confirmed") in kinds and ("time", "2026-11-25T06:00:00+00:00 dhcc") in kinds
    assert "appointment" in [a.action for a in await world.store.audit_entries(world.booked_ref)]
    detail = await client.get(f"/desk/requests/{world.booked_ref}")
    assert "2026-11-25 10:00" in detail.text and "(no answer yet)" in detail.text
    assert "amira confirmed the time 2026-11-25 10:00 at DHCC Branch" in detail.text, "the branch's wall clock"
    assert " UTC" not in detail.text, "staff read every time on the desk's wall clock"
    assert "Appointment 2026-11-25 10:00" in (await client.get("/desk")).text


async def test_the_form_needs_csrf_a_real_future_time_and_a_branch_of_theirs(world: DeskWorld) -> None:
    told = with_runtime(world)
    client = await signed_in(world)
    ref = world.booked_ref
    no_csrf = await client.post(
        f"/desk/requests/{ref}/appointment", data={"date": "2026-11-25", "time": "10:00", "branch": "dhcc"}
    )
    assert no_csrf.status_code == 403
    assert (await confirm(client, ref, date="2026-02-30")).status_code == 400
    assert (await confirm(client, ref, time="25:00")).status_code == 400
    assert (await confirm(client, ref, date="")).status_code == 400
    assert (await confirm(client, ref, date="2026-11-21", time="19:00")).status_code == 400  # 15:00 UTC, past
    assert (await confirm(client, ref, date="2028-01-01")).status_code == 400
    assert (await confirm(client, ref, branch="main")).status_code == 400  # not one of amira's branches
    assert (await confirm(client, ref, branch="nowhere")).status_code == 400
    assert (await confirm(client, world.main_ref)).status_code == 404
    assert told == [] and await world.store.appointment(ref) is None


async def test_a_done_request_takes_no_time(world: DeskWorld) -> None:
    with_runtime(world)
    client = await signed_in(world, role="admin", branches=())
    await world.store.change_booking_status(world.main_ref, "cancelled", frozenset({"new"}), "head", world.clock())
    assert "Confirm a time" not in (await client.get(f"/desk/requests/{world.main_ref}")).text
    assert (await confirm(client, world.main_ref, branch="main")).status_code == 409


async def test_the_persons_answer_shows_at_once(world: DeskWorld, kb: Knowledge) -> None:
    sent: list[Reply] = []

    async def deliver(key: str, reply: Reply) -> None:
        sent.append(reply)

    runtime = Runtime(kb, world.store, deliver, default_tz=kb.policy.default_tz)
    world.options = replace(world.options, notify=lambda key, event: runtime.handle(key, event, world.clock()))
    client = await signed_in(world)
    assert (await confirm(client, world.booked_ref)).status_code == 303
    assert sent and sent[-1].document == world.booked_ref
    pending = [t for t, _ in await world.store.pending_timers(PERSON) if t.startswith("appointment:")]
    assert sorted(pending) == [f"appointment:{world.booked_ref}:2", f"appointment:{world.booked_ref}:24"]
    await runtime.handle(PERSON, ChoicePicked(f"appt:{world.booked_ref}:confirm"), world.clock())
    detail = await client.get(f"/desk/requests/{world.booked_ref}")
    assert "Confirmed the time" in detail.text
    await runtime.handle(PERSON, ChoicePicked(f"appt:{world.booked_ref}:cancel"), world.clock())
    (request,) = [r for r in await world.store.booking_requests(None) if r.ref == world.booked_ref]
    assert request.status == "cancelled"
    listed = (await client.get("/desk")).text
    assert "Cancelled" in listed
    assert [t for t, _ in await world.store.pending_timers(PERSON) if t.startswith("appointment:")] == []


async def test_handled_in_telegram_is_contacted_at_the_desk(world: DeskWorld) -> None:
    client = await signed_in(world)
    assert await world.store.staff_handled(world.booked_ref, world.clock())
    assert not await world.store.staff_handled(world.booked_ref, world.clock())  # once only
    (request,) = [r for r in await world.store.booking_requests(None) if r.ref == world.booked_ref]
    assert request.status == "contacted"
    page = (await client.get(f"/desk/requests/{world.booked_ref}")).text
    assert "Handled in the Telegram staff chat" in page


async def test_a_branch_zone_reads_the_time_in_that_zone(world: DeskWorld) -> None:
    with_runtime(world)
    world.options = replace(world.options, zones={"dhcc": "Asia/Kolkata"})
    client = await signed_in(world)
    assert "Asia/Kolkata" in (await client.get(f"/desk/requests/{world.booked_ref}")).text
    assert (await confirm(client, world.booked_ref)).status_code == 303
    appointment = await world.store.appointment(world.booked_ref)
    assert appointment is not None and appointment.starts_at == datetime(2026, 11, 25, 4, 30, tzinfo=UTC)


async def test_the_reminders_are_durable_timers_in_the_store(world: DeskWorld, kb: Knowledge) -> None:
    sent: list[Reply] = []

    async def deliver(key: str, reply: Reply) -> None:
        sent.append(reply)

    runtime = Runtime(kb, world.store, deliver, default_tz=kb.policy.default_tz)
    clock = VirtualClock(T0, world.store, runtime.run_due)
    world.options = replace(world.options, notify=lambda key, event: runtime.handle(key, event, clock()))
    client = await signed_in(world)
    assert (await confirm(client, world.booked_ref)).status_code == 303
    await clock.run_until(DUBAI_TEN - timedelta(hours=24))
    assert sent[-1].template == "appointment_reminder" and "tomorrow" in sent[-1].text
    assert "2026-11-25" in sent[-1].text and "10:00" in sent[-1].text, "the person's zone (Dubai)"
    await clock.run_until(DUBAI_TEN)
    assert sent[-1].template == "appointment_reminder" and "two hours" in sent[-1].text
    assert len([r for r in sent if r.template == "appointment_reminder"]) == 2
