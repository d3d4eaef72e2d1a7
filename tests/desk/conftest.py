"""The desk over HTTP: a real SQLite store holding a booking made through the real runtime, the app built
as the server builds it, cheap Argon2 parameters and a clock the tests move."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest_asyncio
from argon2 import PasswordHasher

from bot.desk import Desk, DeskOptions, Passwords
from bot.engine import ChoicePicked, Conversation, Knowledge, Record, TextReceived
from bot.server import create_app
from bot.store import SqlStore
from tests.conftest import T0, open_harness
from tests.engine.helpers import SAFE_ANSWERS

SECRET = "test-secret-" + "x" * 40
PASSWORD = "correct horse battery"
BRANCHES = {"main": "Main Branch", "dhcc": "DHCC Branch"}
PERSON = "telegram:987654321"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Clock:
    """The desk's clock: moved by tests, never slept on."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class DeskWorld:
    """A store with bookings, the desk app over it, and its clock."""

    store: SqlStore
    clock: Clock
    passwords: Passwords
    booked_ref: str  # the request made through the real conversation (dhcc)
    main_ref: str  # one more, at the main branch
    options: DeskOptions
    clients: list[httpx.AsyncClient] = field(default_factory=list)

    def app(self, desk: bool = True) -> httpx.AsyncClient:
        """A new browser (its own cookies) on the app."""
        asgi = create_app(desk=Desk(self.store, self.options) if desk else None)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url="https://testserver")
        self.clients.append(client)
        return client

    async def add(self, name: str, role: str = "staff", branches: tuple[str, ...] = ("dhcc",)) -> None:
        """A desk account with the test password."""
        assert await self.store.add_staff(name, self.passwords.hash(PASSWORD), role, branches, self.clock())


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)")


def inline_code(html: str) -> bool:
    """Whether a page holds inline script or style (the CSP forbids both; the desk's script is a file)."""
    return bool(INLINE_SCRIPT.search(html)) or "style=" in html or "<style" in html


async def csrf_of(client: httpx.AsyncClient, path: str) -> str:
    """The CSRF token in the forms of a page."""
    page = await client.get(path)
    found = CSRF.search(page.text)
    assert found, page.text
    return found.group(1)


async def login(client: httpx.AsyncClient, name: str, password: str = PASSWORD) -> httpx.Response:
    """Open the login page and send its form."""
    token = await csrf_of(client, "/desk/login")
    return await client.post("/desk/login", data={"csrf": token, "name": name, "password": password})


async def book_through_the_bot(store: SqlStore, kb: Knowledge) -> None:
    """A person asks for an appointment at DHCC through the real runtime, as in the erase test."""
    from bot.runtime import Runtime

    async def deliver(key: str, reply: object) -> None:
        return None

    runtime = Runtime(kb, store, deliver, default_tz=kb.policy.default_tz)
    events = [
        TextReceived("I feel bloated"),
        ChoicePicked("start:KI1"),
        *(ChoicePicked(f"ans:{q}:{v}") for q, v in SAFE_ANSWERS),
        TextReceived("stop"),
        TextReceived("book"),
        ChoicePicked("branch:dhcc"),
        TextReceived("Tuesday evening"),
        TextReceived("Sara Ahmed"),
        TextReceived("+971 50 123 4567"),
        ChoicePicked("consent:yes"),
    ]
    for event in events:
        await runtime.handle(PERSON, event, T0)


async def save_booking(store: SqlStore, key: str, ref: str, branch: str, name: str, at: datetime) -> None:
    """A booking request saved as the runtime saves one: a Record action in a turn."""
    data = (
        ("ref", ref),
        ("branch", branch),
        ("when", "tomorrow morning"),
        ("name", name),
        ("contact", "+971 55 000 0000"),
        ("summary", "Bloating; pressed KI1."),
        ("created_at", at.isoformat()),
    )
    await store.commit_turn(key, Conversation(), (Record("booking", data),), at)


@pytest_asyncio.fixture
async def world(kb: Knowledge, tmp_path: Path) -> AsyncIterator[DeskWorld]:
    """Two booking requests (one made by talking to the bot), no accounts yet, a desk at T0."""
    harness = await open_harness(kb, tmp_path / "desk.sqlite3")
    store = harness.store
    await book_through_the_bot(store, kb)
    (booked,) = await store.booking_requests(None)
    await save_booking(store, "whatsapp:+971550000000", "RB-MAIN1", "main", "Omar Khalid", T0 + timedelta(minutes=5))
    clock = Clock()
    passwords = Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    options = DeskOptions(
        secret=SECRET,
        session_minutes=30,
        secure_cookies=True,
        branches=BRANCHES,
        passwords=passwords,
        clock=clock,
    )
    world = DeskWorld(store, clock, passwords, booked.ref, "RB-MAIN1", options)
    yield world
    for client in world.clients:
        await client.aclose()
    await store.close()
