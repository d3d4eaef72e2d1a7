"""Twilio's delivery statuses, through the real signed status webhook, counted in /metrics: by status, and
failures by Twilio's error code; labels stay few (unknown values are "other") and never carry a number or a
message's SID. The webhook needs no Twilio API, so no Prism here."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest_asyncio
from prometheus_client.parser import text_string_to_metric_families
from twilio.request_validator import RequestValidator

from bot.channels.whatsapp.app import WhatsAppChannel
from bot.channels.whatsapp.sender import WhatsAppSender, make_client
from bot.engine import Knowledge, Reply
from bot.runtime import Runtime
from bot.server import create_app
from bot.store import SqlStore
from tests.channels.whatsapp.conftest import ACCOUNT, FROM, PERSON, PUBLIC, TOKEN
from tests.conftest import T0

STATUS = "/whatsapp/status"


@dataclass
class StatusRig:
    http: httpx.AsyncClient
    sids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def callback(self, sid: str, status: str, error: str = "") -> dict[str, str]:
        """The fields of Twilio's status callback for an outgoing WhatsApp message."""
        form = {
            "MessageSid": sid,
            "SmsSid": sid,
            "SmsStatus": status,
            "MessageStatus": status,
            "AccountSid": ACCOUNT,
            "From": FROM,
            "To": PERSON,
            "ApiVersion": "2010-04-01",
            "ChannelPrefix": "whatsapp",
            "ChannelToAddress": PERSON.removeprefix("whatsapp:"),
        }
        if error:
            form |= {"ErrorCode": error, "ErrorMessage": "Twilio's words for it"}
        return form

    def new_sid(self) -> str:
        return f"SM{next(self.sids):032x}"

    async def post(self, form: dict[str, str], signature: str | None = None) -> int:
        """POST a status callback, signed as Twilio signs it (unless `signature` is given)."""
        if signature is None:
            signature = RequestValidator(TOKEN).compute_signature(PUBLIC + STATUS, form)
        response = await self.http.post(STATUS, data=form, headers={"X-Twilio-Signature": signature})
        return response.status_code

    async def samples(self) -> dict[tuple[str, str], float]:
        """GET /metrics: the delivery samples by (name, label value)."""
        text = (await self.http.get("/metrics")).text
        found = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name.startswith("reflexbot_whatsapp_delivery") and sample.name.endswith("_total"):
                    found[(sample.name, *sample.labels.values())] = sample.value
        return found


@pytest_asyncio.fixture
async def rig(kb: Knowledge, tmp_path: Path) -> AsyncIterator[StatusRig]:
    store = await SqlStore.open(f"sqlite:///{tmp_path / 'status.sqlite3'}")

    async def deliver(key: str, reply: Reply) -> None:
        raise AssertionError("a status callback sends nothing")

    runtime = Runtime(kb, store, deliver)
    client = make_client(ACCOUNT, TOKEN, "http://127.0.0.1:9")  # never called: statuses only come in
    sender = WhatsAppSender(client, FROM, store, lambda: T0)
    channel = WhatsAppChannel(runtime, store, kb, lambda: T0, sender, TOKEN, PUBLIC)
    app = create_app(whatsapp=channel, metrics=runtime.metrics)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC)
    try:
        yield StatusRig(http)
    finally:
        await http.aclose()
        await client.http_client.close()
        await store.close()


DELIVERY = "reflexbot_whatsapp_delivery_total"
FAILURES = "reflexbot_whatsapp_delivery_failures_total"


async def test_statuses_are_counted_and_failures_by_error_code(rig: StatusRig) -> None:
    read, undelivered, failed = rig.new_sid(), rig.new_sid(), rig.new_sid()
    callbacks = [rig.callback(read, status) for status in ("queued", "sent", "delivered", "read")]
    callbacks += [rig.callback(undelivered, s) for s in ("queued", "sent")]
    callbacks += [rig.callback(undelivered, "undelivered", "63016"), rig.callback(failed, "failed", "63024")]
    callbacks += [rig.callback(rig.new_sid(), "failed", "63016"), rig.callback(rig.new_sid(), "failed")]
    for form in callbacks:
        assert await rig.post(form) == 204
    assert await rig.samples() == {
        (DELIVERY, "queued"): 2,
        (DELIVERY, "sent"): 2,
        (DELIVERY, "delivered"): 1,
        (DELIVERY, "read"): 1,
        (DELIVERY, "undelivered"): 1,
        (DELIVERY, "failed"): 3,
        (FAILURES, "63016"): 2,
        (FAILURES, "63024"): 1,
        (FAILURES, "none"): 1,
    }


async def test_labels_stay_few_and_never_name_the_person_or_the_message(rig: StatusRig) -> None:
    sid = rig.new_sid()
    odd = [
        rig.callback(sid, "warp-speed"),  # a status Twilio may add one day
        rig.callback(sid, PERSON),  # never a label, whatever comes in the field
        rig.callback(sid, "failed", sid),  # an error code that is no code
        rig.callback(sid, "undelivered", "+971501234567"),
        rig.callback(sid, "failed", "6301612345678"),
    ]
    for form in odd:
        assert await rig.post(form) == 204
    text = (await rig.http.get("/metrics")).text
    assert await rig.samples() == {
        (DELIVERY, "other"): 2,
        (DELIVERY, "failed"): 2,
        (DELIVERY, "undelivered"): 1,
        (FAILURES, "other"): 3,
    }
    for secret in (sid, PERSON, PERSON.removeprefix("whatsapp:"), ACCOUNT, "971501234567"):
        assert secret not in text


async def test_an_unsigned_or_forged_status_is_refused_and_not_counted(rig: StatusRig) -> None:
    form = rig.callback(rig.new_sid(), "failed", "63016")
    forged = RequestValidator("not-the-auth-token").compute_signature(PUBLIC + STATUS, form)
    assert await rig.post(form, signature="") == 403
    assert await rig.post(form, signature=forged) == 403
    assert await rig.samples() == {}
    assert await rig.post(form) == 204
    assert await rig.samples() == {(DELIVERY, "failed"): 1, (FAILURES, "63016"): 1}
