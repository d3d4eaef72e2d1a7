"""Twilio answering 429, 500 or not at all: the message is delivered exactly once after retries.
Prism cannot fail on purpose, so a small stand-in of our own plays Twilio here."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_asyncio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from twilio.base.exceptions import TwilioRestException

from bot.backoff import Backoff
from bot.channels.pacing import Pacer
from bot.channels.whatsapp.sender import MAX_ATTEMPTS, DeliveryFailedError, WhatsAppSender, make_client
from bot.engine import Reply
from bot.runtime import UndeliverableError
from bot.store import SqlStore
from tests.channels.telegram.fake_bot_api import ListeningServer
from tests.channels.whatsapp.conftest import ACCOUNT, FROM, PERSON, TOKEN
from tests.conftest import T0

REFUSALS = {"63016": 400, "21211": 400, "21408": 400, "20003": 401}
"""Twilio's answers for: outside the 24-hour window, an invalid number, a region not enabled, wrong credentials."""


@dataclass
class StandIn:
    """Answers the scripted failures first, then 201 like Twilio; counts every create it accepted."""

    script: list[str] = field(default_factory=list)  # "429", "500", "hang", or a code of REFUSALS
    accepted: list[dict[str, str]] = field(default_factory=list)
    attempts: int = 0
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def messages(self, request: Request) -> JSONResponse:
        self.attempts += 1
        body = (await request.body()).decode()
        if self.script:
            failure = self.script.pop(0)
            if failure == "hang":
                await self.release.wait()  # never answers within the client's timeout
            elif failure in REFUSALS:
                status = REFUSALS[failure]
                return JSONResponse({"code": int(failure), "message": "Refused", "status": status}, status_code=status)
            elif failure == "429":
                return JSONResponse({"code": 20429, "message": "Too Many Requests", "status": 429}, status_code=429)
            else:
                return JSONResponse({"code": 20500, "message": "Internal Server Error", "status": 500}, status_code=500)
        form = dict(pair.split("=", 1) for pair in body.split("&") if "=" in pair)
        self.accepted.append(form)
        return JSONResponse({"sid": "SM" + "a" * 32, "status": "queued", "account_sid": ACCOUNT}, status_code=201)


@pytest_asyncio.fixture
async def stand_in() -> AsyncIterator[tuple[StandIn, str]]:
    twilio = StandIn()
    app = Starlette(routes=[Route("/2010-04-01/Accounts/{account}/Messages.json", twilio.messages, methods=["POST"])])
    server = ListeningServer(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    await server.ready.wait()
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield twilio, f"http://127.0.0.1:{port}"
    finally:
        twilio.release.set()
        server.should_exit = True
        await task


@pytest.mark.parametrize("script", [["429"], ["500", "500"], ["hang"], ["429", "500", "hang"]])
async def test_delivered_once_after_retries(stand_in: tuple[StandIn, str], tmp_path: Path, script: list[str]) -> None:
    twilio, url = stand_in
    twilio.script = list(script)
    store = await SqlStore.open(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    client = make_client(ACCOUNT, TOKEN, url, timeout=0.3)
    sender = WhatsAppSender(
        client, FROM, store, lambda: T0, sleep=no_wait, pacer=Pacer(per_chat_seconds=0, per_second=1e9, sleep=no_wait)
    )
    try:
        await sender.deliver(PERSON, Reply("Time for a few minutes of foot care."))
    finally:
        await client.http_client.close()
        await store.close()
    assert len(twilio.accepted) == 1, "delivered exactly once"
    assert twilio.attempts == len(script) + 1
    assert len(waits) == len(script), "a backoff before every retry"


async def test_63016_marks_the_window_closed_and_reminders_go_as_the_template(
    stand_in: tuple[StandIn, str], tmp_path: Path
) -> None:
    from bot.channels.whatsapp.sender import Template
    from bot.engine import Conversation

    twilio, url = stand_in
    twilio.script = ["63016"]
    store = await SqlStore.open(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    await store.commit_turn(PERSON, Conversation(last_inbound=T0.isoformat()), (), T0)  # window looks open

    async def no_wait(seconds: float) -> None:
        return None

    client = make_client(ACCOUNT, TOKEN, url)
    sender = WhatsAppSender(
        client,
        FROM,
        store,
        lambda: T0,
        sleep=no_wait,
        templates={"reminder": Template("HX" + "6" * 32)},
        pacer=Pacer(per_chat_seconds=0, per_second=1e9, sleep=no_wait),
    )
    try:
        await sender.deliver(PERSON, Reply("Time for foot care.", template="reminder"))
        await sender.deliver(PERSON, Reply("Time for foot care.", template="reminder"))
    finally:
        await client.http_client.close()
        await store.close()
    assert [f.get("ContentSid") for f in twilio.accepted] == ["HX" + "6" * 32] * 2
    assert twilio.attempts == 3, "after the 63016 the body is not even tried again"


async def send_through(url: str, tmp_path: Path, backoff: Backoff, waits: list[float]) -> None:
    """One reply through the real SDK to the stand-in, every wait between tries recorded instead of slept."""
    store = await SqlStore.open(f"sqlite:///{tmp_path / 'b.sqlite3'}")

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    async def unpaced(seconds: float) -> None:
        return None

    client = make_client(ACCOUNT, TOKEN, url, timeout=0.3)
    sender = WhatsAppSender(
        client,
        FROM,
        store,
        lambda: T0,
        sleep=no_wait,
        pacer=Pacer(per_chat_seconds=0, per_second=1e9, sleep=unpaced),
        backoff=backoff,
    )
    try:
        await sender.deliver(PERSON, Reply("Time for a few minutes of foot care."))
    finally:
        await client.http_client.close()
        await store.close()


async def test_the_waits_between_tries_grow_jittered_up_to_the_cap(
    stand_in: tuple[StandIn, str], tmp_path: Path
) -> None:
    twilio, url = stand_in
    twilio.script = ["500", "429", "hang", "500", "500"]
    draws = [0.5, 0.9, 0.25, 1.0, 0.1]
    waits: list[float] = []
    await send_through(url, tmp_path, Backoff(base=1.0, cap=5.0, random=lambda: draws.pop(0)), waits)
    assert len(twilio.accepted) == 1 and twilio.attempts == 6
    # ceilings 1, 2, 4, then 5 (8 and 16 capped), times the draws
    assert waits == [0.5, 1.8, 1.0, 5.0, 0.5]


async def test_after_the_last_try_the_reply_goes_back_without_a_wait(
    stand_in: tuple[StandIn, str], tmp_path: Path
) -> None:
    twilio, url = stand_in
    twilio.script = ["500"] * MAX_ATTEMPTS
    waits: list[float] = []
    with pytest.raises(DeliveryFailedError):
        await send_through(url, tmp_path, Backoff(base=1.0, cap=5.0, random=lambda: 1.0), waits)
    assert twilio.attempts == MAX_ATTEMPTS and twilio.accepted == []
    assert waits == [1.0, 2.0, 4.0, 5.0, 5.0], "a wait between tries, none after the last"


@pytest.mark.parametrize(("code", "reason"), [("21211", "invalid_number"), ("21408", "refused")])
async def test_a_4xx_is_given_up_at_once(stand_in: tuple[StandIn, str], tmp_path: Path, code: str, reason: str) -> None:
    twilio, url = stand_in
    twilio.script = [code]
    store = await SqlStore.open(f"sqlite:///{tmp_path / 'g.sqlite3'}")
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    client = make_client(ACCOUNT, TOKEN, url)
    sender = WhatsAppSender(
        client, FROM, store, lambda: T0, sleep=no_wait, pacer=Pacer(per_chat_seconds=0, per_second=1e9, sleep=no_wait)
    )
    try:
        with pytest.raises(UndeliverableError) as given_up:
            await sender.deliver(PERSON, Reply("Time for a few minutes of foot care."))
    finally:
        await client.http_client.close()
        await store.close()
    assert given_up.value.reason == reason
    assert twilio.attempts == 1 and waits == [], "not retried"


async def test_wrong_credentials_are_not_the_reply_s_fault(stand_in: tuple[StandIn, str], tmp_path: Path) -> None:
    """A 401 is kept for a later try (once the account is fixed), not given up."""
    twilio, url = stand_in
    twilio.script = ["20003"]
    store = await SqlStore.open(f"sqlite:///{tmp_path / 'c.sqlite3'}")

    async def no_wait(seconds: float) -> None:
        return None

    client = make_client(ACCOUNT, TOKEN, url)
    sender = WhatsAppSender(
        client, FROM, store, lambda: T0, sleep=no_wait, pacer=Pacer(per_chat_seconds=0, per_second=1e9, sleep=no_wait)
    )
    try:
        with pytest.raises(TwilioRestException) as refused:
            await sender.deliver(PERSON, Reply("Time for foot care."))
    finally:
        await client.http_client.close()
        await store.close()
    assert refused.value.status == 401 and not isinstance(refused.value, UndeliverableError)


async def test_a_free_form_reply_outside_the_window_without_a_template_is_given_up(
    stand_in: tuple[StandIn, str], tmp_path: Path
) -> None:
    from bot.engine import Conversation

    twilio, url = stand_in
    twilio.script = ["63016"]
    store = await SqlStore.open(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    await store.commit_turn(PERSON, Conversation(last_inbound=T0.isoformat()), (), T0)

    async def no_wait(seconds: float) -> None:
        return None

    client = make_client(ACCOUNT, TOKEN, url)
    sender = WhatsAppSender(
        client, FROM, store, lambda: T0, sleep=no_wait, pacer=Pacer(per_chat_seconds=0, per_second=1e9, sleep=no_wait)
    )
    try:
        with pytest.raises(UndeliverableError) as given_up:
            await sender.deliver(PERSON, Reply("How are your feet today?"))
    finally:
        await client.http_client.close()
        await store.close()
    assert given_up.value.reason == "window_closed" and twilio.attempts == 1
