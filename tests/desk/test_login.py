"""Who gets in: a right password, never a wrong one or an unknown or disabled account (all answered
alike), ten failures lock an account or an address for 15 minutes, sessions end when idle or logged out."""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import replace
from typing import Literal

import httpx
import pytest
from argon2 import PasswordHasher

from bot.desk.auth import BusyError, Passwords, Session, SessionCookies
from tests.desk.conftest import PASSWORD, SECRET, DeskWorld, csrf_of, login

COOKIE = "__Host-reflexbot-desk"


async def test_the_right_password_opens_the_desk(world: DeskWorld) -> None:
    await world.add("amira")
    client = world.app()
    answer = await login(client, "amira")
    assert answer.status_code == 303 and answer.headers["location"] == "/desk"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    page = await client.get("/desk")
    assert page.status_code == 200 and "Booking requests" in page.text and "amira" in page.text
    assert [e.action for e in await world.store.audit_entries()] == ["login"]


async def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(world: DeskWorld) -> None:
    await world.add("amira")
    wrong = await login(world.app(), "amira", "not the password")
    unknown = await login(world.app(), "nobody", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong name or password." in wrong.text and "Wrong name or password." in unknown.text
    assert wrong.text.replace(await _csrf(wrong), "") == unknown.text.replace(await _csrf(unknown), "")
    assert (await world.app().get("/desk")).status_code == 303, "no session without a login"


async def _csrf(page: httpx.Response) -> str:
    from tests.desk.conftest import CSRF

    found = CSRF.search(page.text)
    assert found
    return found.group(1)


async def test_a_login_form_without_its_csrf_token_is_refused(world: DeskWorld) -> None:
    await world.add("amira")
    client = world.app()
    await client.get("/desk/login")
    refused = await client.post("/desk/login", data={"name": "amira", "password": PASSWORD})
    assert refused.status_code == 403
    forged = await client.post("/desk/login", data={"csrf": "guess", "name": "amira", "password": PASSWORD})
    assert forged.status_code == 403
    assert COOKIE not in refused.headers.get("set-cookie", "")


async def test_ten_failures_lock_an_account_for_15_minutes(world: DeskWorld) -> None:
    await world.add("amira")
    for attempt in range(10):
        answer = await login(world.app(), "amira", f"wrong {attempt}")
        assert answer.status_code == 401
    locked = await login(world.app(), "amira")  # even the right password, from anywhere
    assert locked.status_code == 401 and "Wrong name or password." in locked.text
    world.clock.advance(minutes=14)
    assert (await login(world.app(), "amira")).status_code == 401
    world.clock.advance(minutes=1, seconds=1)
    assert (await login(world.app(), "amira")).status_code == 303, "released after 15 minutes"


async def test_ten_failures_from_one_address_lock_that_address(world: DeskWorld) -> None:
    await world.add("amira")
    for number in range(10):  # guessing many names from one address
        assert (await login(world.app(), f"guess{number}", "wrong password")).status_code == 401
    assert (await login(world.app(), "amira")).status_code == 401, "the address is locked, whoever it names"
    world.clock.advance(minutes=15, seconds=1)
    assert (await login(world.app(), "amira")).status_code == 303


async def test_a_success_clears_the_account_failures(world: DeskWorld) -> None:
    await world.add("amira")
    for _ in range(5):
        await login(world.app(), "amira", "wrong password")
    assert (await login(world.app(), "amira")).status_code == 303
    world.clock.advance(minutes=16)  # the address's failures age out too
    for _ in range(9):
        await login(world.app(), "amira", "wrong password")
    assert (await login(world.app(), "amira")).status_code == 303


async def test_a_session_ends_after_the_idle_timeout(world: DeskWorld) -> None:
    await world.add("amira")
    client = world.app()
    await login(client, "amira")
    world.clock.advance(minutes=29)
    assert (await client.get("/desk")).status_code == 200, "still in use"
    world.clock.advance(minutes=29)
    assert (await client.get("/desk")).status_code == 200, "each page restarts the idle time"
    world.clock.advance(minutes=30, seconds=1)
    gone = await client.get("/desk")
    assert gone.status_code == 303 and gone.headers["location"] == "/desk/login"


async def test_logout_ends_the_session(world: DeskWorld) -> None:
    await world.add("amira")
    client = world.app()
    await login(client, "amira")
    token = await csrf_of(client, "/desk")
    assert (await client.post("/desk/logout", data={})).status_code == 403, "logout needs the CSRF token too"
    out = await client.post("/desk/logout", data={"csrf": token})
    assert out.status_code == 303 and out.headers["location"] == "/desk/login"
    assert (await client.get("/desk")).status_code == 303
    assert [e.action for e in await world.store.audit_entries()] == ["login", "logout"]


async def test_a_disabled_account_cannot_log_in_and_its_session_stops(world: DeskWorld) -> None:
    await world.add("amira")
    client = world.app()
    await login(client, "amira")
    assert await world.store.disable_staff("amira")
    assert (await client.get("/desk")).status_code == 303, "the live session stops working"
    answer = await login(world.app(), "amira")
    assert answer.status_code == 401 and "Wrong name or password." in answer.text


async def test_a_forged_or_tampered_cookie_is_no_session(world: DeskWorld) -> None:
    await world.add("amira")
    now = world.clock()
    client = world.app()

    async def with_cookie(value: str) -> int:
        return (await client.get("/desk", headers={"cookie": f"{COOKIE}={value}"})).status_code

    assert (
        await with_cookie(SessionCookies("another secret, long enough to be one....").dump(Session.new("amira", now)))
        == 303
    )
    genuine = SessionCookies(SECRET).dump(Session.new("amira", now))
    signature = genuine.split(".")[1]
    other = SessionCookies(SECRET).dump(Session.new("admin", now)).split(".")[0]
    assert await with_cookie(f"{other}.{signature}") == 303, "a signature is for its own payload"
    assert await with_cookie("garbage") == 303
    assert await with_cookie(genuine) == 200, "the genuine one works"


async def test_plain_http_cookies_are_not_secure(world: DeskWorld) -> None:
    from dataclasses import replace

    await world.add("amira")
    world.options = replace(world.options, secure_cookies=False)
    answer = await login(world.app(), "amira")
    assert answer.status_code == 303
    assert "Secure" not in answer.headers["set-cookie"] and "HttpOnly" in answer.headers["set-cookie"]


async def test_logins_log_no_names_or_passwords(world: DeskWorld, caplog: pytest.LogCaptureFixture) -> None:
    await world.add("amira")
    with caplog.at_level(logging.DEBUG):
        await login(world.app(), "amira", "wrong password here")
        await login(world.app(), "amira")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "amira" not in logged and "wrong password here" not in logged and PASSWORD not in logged


class CountingHasher(PasswordHasher):
    """Cheap Argon2 that counts its checks, and can hold them until released (threads, not sleeps)."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.checks = 0
        self.release = threading.Event()
        self.release.set()

        self.started: asyncio.Queue[None] | None = None  # told (from the check's thread) when one starts
        self.loop: asyncio.AbstractEventLoop | None = None

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.checks += 1
        if self.loop is not None and self.started is not None:
            self.loop.call_soon_threadsafe(self.started.put_nowait, None)
        self.release.wait(timeout=30)
        return super().verify(hash, password)


async def test_a_throttled_login_costs_no_password_check(world: DeskWorld) -> None:
    hasher = CountingHasher()
    world.options = replace(world.options, passwords=Passwords(hasher))
    await world.add("amira")
    for attempt in range(10):
        await login(world.app(), "amira", f"wrong {attempt}")
    assert hasher.checks == 10
    for _ in range(5):
        assert (await login(world.app(), "amira")).status_code == 401
    assert hasher.checks == 10, "no Argon2 work for a locked account"


async def test_password_checks_are_bounded_and_the_rest_refused_at_once() -> None:
    hasher = CountingHasher()
    passwords = Passwords(hasher, parallel=2, waiting=3)
    stored = hasher.hash("a long password")
    hasher.release.clear()
    hasher.loop, hasher.started = asyncio.get_running_loop(), asyncio.Queue()
    held = [asyncio.ensure_future(passwords.check(stored, "a long password")) for _ in range(5)]
    for _ in range(2):  # two checks run (in threads), three wait their turn
        await hasher.started.get()
    with pytest.raises(BusyError):
        await passwords.check(stored, "a long password")
    assert hasher.checks == 2, "never more than two Argon2 checks at once"
    hasher.release.set()
    assert await asyncio.gather(*held) == [True] * 5
