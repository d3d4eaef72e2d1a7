"""reflexbot on WhatsApp: the real twilio SDK against Prism (Twilio's spec), signed inbound webhooks."""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from jsonschema import Draft202012Validator
from twilio.http.response import Response
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.channels.calendar import CalendarFiles
from bot.channels.links import DataLinks
from bot.channels.my_data import DataFiles, link_text
from bot.channels.pacing import Pacer
from bot.channels.whatsapp.app import WhatsAppChannel
from bot.channels.whatsapp.parse import timezone_of
from bot.channels.whatsapp.sender import RedirectingHttpClient, Template, WhatsAppSender
from bot.engine import Conversation, Knowledge, Reply
from bot.pictures.library import Pictures
from bot.runtime import Runtime
from bot.server import create_app
from bot.store import SqlStore
from scheduler import VirtualClock
from tests.channels.whatsapp import prism as prism_server
from tests.conftest import T0

ACCOUNT = "AC" + "1" * 32
TOKEN = "twilio-auth-token-for-tests"
FROM = "whatsapp:+14155238886"
PERSON = "whatsapp:+971501234567"
PUBLIC = "https://bot.example.com"
REMINDER_SID = "HX" + "2" * 32
REMINDER_AR_SID = "HX" + "3" * 32  # the same reminder, approved in Arabic


class RecordingHttpClient(RedirectingHttpClient):
    """Our host-rewriting client, also keeping what the SDK sent (Prism answers a fixed example).

    One translation for Prism's sake, after recording: Twilio's spec declares `MediaUrl` an array in a
    form body with OpenAPI's default encoding (style form, explode: the key repeated, as the SDK sends
    it and Twilio reads it), but Prism 5.14 only reads such an array from `MediaUrl[]` and answers 422
    "must be array" otherwise (stoplightio/prism#2473, #2675). So Prism gets `MediaUrl[]`; the SDK's
    real `MediaUrl` is checked against the same spec's schema by `media_url_problems`.
    """

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        self.sent: list[dict[str, Any]] = []

    async def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        data = dict(kwargs.get("data") or {})
        self.sent.append({"method": method, "url": url, "data": data})
        if "MediaUrl" in data:
            kwargs["data"] = {("MediaUrl[]" if key == "MediaUrl" else key): value for key, value in data.items()}
        return await super().request(method, url, *args, **kwargs)


@functools.cache
def media_url_validator() -> Draft202012Validator:
    """Twilio's spec for a Messages create's MediaUrl (read once: the spec is 1.9 MB)."""
    document = json.loads(prism_server.SPEC.read_text(encoding="utf-8"))
    body = document["paths"]["/2010-04-01/Accounts/{AccountSid}/Messages.json"]["post"]["requestBody"]
    form = body["content"]["application/x-www-form-urlencoded"]["schema"]
    return Draft202012Validator(form["properties"]["MediaUrl"])


def media_url_problems(data: dict[str, Any]) -> list[str]:
    """How a sent MediaUrl (the SDK's list: one form key per URL) breaks Twilio's spec for it."""
    problems = [error.message for error in media_url_validator().iter_errors(data.get("MediaUrl"))]
    urls = data.get("MediaUrl") or []
    return problems + [f"{url}: not an absolute https URL" for url in urls if not str(url).startswith("https://")]


@pytest.fixture(scope="session")
def prism() -> Iterator[prism_server.Prism]:
    """Prism on Twilio's spec, installed from the npm registry on first use."""
    if not prism_server.SPEC.exists():
        pytest.skip(f"Twilio's spec is not at {prism_server.SPEC} (../shared/peers)")
    reason = prism_server.install()
    if reason:
        pytest.skip(reason)
    with prism_server.running() as running:
        yield running


@dataclass
class WhatsAppRig:
    """Everything a WhatsApp test needs."""

    prism: prism_server.Prism
    http_client: RecordingHttpClient
    channel: WhatsAppChannel
    store: SqlStore
    clock: VirtualClock
    http: httpx.AsyncClient
    expected: int = 0
    sids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    log_start: int = 0

    def form(self, body: str = "", sender: str = PERSON, **extra: str) -> dict[str, str]:
        """Twilio's inbound fields for one message."""
        sid = f"SM{next(self.sids):032x}"
        return {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": ACCOUNT,
            "From": sender,
            "To": FROM,
            "Body": body,
            "NumMedia": "0",
            "ProfileName": "Amira",
            "WaId": sender[10:],
            **extra,
        }

    async def post(
        self, form: dict[str, str], *, sign: bool = True, path: str = "/whatsapp/webhook", signature: str | None = None
    ) -> httpx.Response:
        """POST a form to our webhook signed as Twilio would, and wait until it was handled."""
        headers = {}
        if sign:
            headers["X-Twilio-Signature"] = signature or RequestValidator(TOKEN).compute_signature(PUBLIC + path, form)
        response = await self.http.post(path, data=form, headers=headers)
        if response.status_code == 200 and path == "/whatsapp/webhook":
            self.expected += 1
            await self.channel.wait_processed(self.expected)
        return response

    async def say(self, body: str) -> httpx.Response:
        """The person writes."""
        return await self.post(self.form(body))

    def bodies(self) -> list[str]:
        """Message bodies the SDK sent, oldest first."""
        return [str(s["data"].get("Body", "")) for s in self.messages()]

    def messages(self) -> list[dict[str, Any]]:
        """Every Messages.json create the SDK sent."""
        return [s for s in self.http_client.sent if s["url"].endswith("/Messages.json")]

    def violations(self) -> list[str]:
        """Prism's complaints since this test began."""
        return self.prism.violations(self.log_start)


@pytest_asyncio.fixture
async def rig(
    kb: Knowledge, tmp_path: Path, prism: prism_server.Prism, pictures: Pictures
) -> AsyncIterator[WhatsAppRig]:
    """Webhook in-process; SDK over HTTP to Prism; templates: only the reminder."""
    store = await SqlStore.open(f"sqlite:///{tmp_path / 'wa.sqlite3'}")
    http_client = RecordingHttpClient(prism.url)
    client = Client(ACCOUNT, TOKEN, http_client=http_client)
    holder: list[WhatsAppChannel] = []

    async def deliver(key: str, reply: Reply) -> None:
        await holder[0].sender.deliver(key, reply)

    runtime = Runtime(kb, store, deliver, default_tz=kb.policy.default_tz)
    runtime.newcomer = lambda key: Conversation(tz=timezone_of(key, kb.policy.default_tz), per_round=True)
    clock = VirtualClock(T0, store, runtime.run_due)
    slept: list[float] = []

    async def no_wait(seconds: float) -> None:
        slept.append(seconds)

    sender = WhatsAppSender(
        client,
        FROM,
        store,
        clock,
        templates={
            "reminder": Template(REMINDER_SID, {"1": "22:00"}),
            "reminder.ar": Template(REMINDER_AR_SID, {"1": "الساعة 22:00"}),
        },
        pacer=Pacer(per_chat_seconds=0, per_second=1e9, sleep=no_wait),
        sleep=no_wait,
        pictures=pictures,
        media_base=f"{PUBLIC}/media",
        calendars=CalendarFiles(store, kb.clinic),
        links=DataLinks(store),
        link_text=link_text(kb.content),
    )
    channel = WhatsAppChannel(runtime, store, kb, clock, sender, TOKEN, PUBLIC)
    holder.append(channel)
    app = create_app(
        whatsapp=channel,
        pictures=pictures,
        calendars=CalendarFiles(store, kb.clinic),
        data_files=DataFiles(store, kb.policy.default_tz),
        links=DataLinks(store),  # the server's own: the same database opens what the sender made
        clock=clock,
    )
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC)
    rig = WhatsAppRig(prism, http_client, channel, store, clock, http, log_start=len(prism.lines))
    try:
        yield rig
        assert rig.violations() == [], "Prism found requests that break Twilio's spec"
    finally:
        await http.aclose()
        await http_client.close()
        await store.close()
