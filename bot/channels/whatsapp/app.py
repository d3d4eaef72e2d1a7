"""WhatsApp's I/O: signed Twilio webhooks in, turns through the runtime, replies out through the SDK."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from twilio.request_validator import RequestValidator

from bot.channels.whatsapp.parse import parse_form
from bot.channels.whatsapp.sender import Template, WhatsAppSender
from bot.engine import Choice, Knowledge, Record, Reply
from bot.inbox import Admission, Inbox
from bot.metrics import ERROR_CODE, FAILED_STATUSES
from bot.runtime import Runtime
from bot.store import InboxItem, SqlStore

log = logging.getLogger("reflexbot.whatsapp")
Clock = Callable[[], datetime]


class WhatsAppChannel:
    """Checks signatures, parses Twilio's form, and runs each message exactly once, in order per person."""

    def __init__(
        self,
        runtime: Runtime,
        store: SqlStore,
        kb: Knowledge,
        clock: Clock,
        sender: WhatsAppSender,
        auth_token: str,
        public_url: str,
        *,
        staff_number: str = "",
        inbox: Inbox | None = None,
    ) -> None:
        self.runtime = runtime
        self.store = store
        self.kb = kb
        self.clock = clock
        self.sender = sender
        self.validator = RequestValidator(auth_token)
        self.public_url = public_url.rstrip("/")
        self.staff_number = staff_number  # "whatsapp:+971..."
        self.metrics = runtime.metrics  # delivery statuses are counted with the runtime's numbers
        self.processed = 0  # inbound messages handled so far; `idle` is notified after each
        self.idle = asyncio.Condition()
        # Every message is saved before Twilio gets its answer, and processed from there (one lane per person).
        self.inbox = inbox or Inbox(store, clock)
        self.inbox.register("whatsapp", self._from_inbox)

    async def receive(self, form: Mapping[str, str]) -> Admission:
        """A signed message: saved in the inbox before Twilio has its answer, processed from there. BUSY
        (nothing saved) when this process or this person has as much waiting as allowed."""
        sender = form.get("From", "")
        sid = form.get("MessageSid", "") or form.get("SmsSid", "")
        if not sender or not sid:
            log.warning("whatsapp webhook without From/MessageSid ignored")
            admission = Admission.IGNORED
        else:
            admission = await self.inbox.accept(InboxItem("whatsapp", sid, sender, json.dumps(dict(form))))
        if admission in (Admission.IGNORED, Admission.REPEAT):
            await self._count_processed()
        return admission

    async def _from_inbox(self, item: InboxItem) -> bool:
        """A saved message, in its person's lane; True when its turn marked it processed."""
        return await self.process(json.loads(item.payload))

    async def _count_processed(self) -> None:
        async with self.idle:
            self.processed += 1
            self.idle.notify_all()

    async def wait_processed(self, count: int) -> None:
        """Wait until `count` inbound messages have been handled (for tests and graceful shutdown)."""
        async with self.idle:
            await self.idle.wait_for(lambda: self.processed >= count)

    def public(self, path: str, query: str) -> str:
        """The URL Twilio signed: the configured public address, this path and query (behind any proxy)."""
        return f"{self.public_url}{path}" + (f"?{query}" if query else "")

    def signed(self, url: str, form: Mapping[str, object], signature: str) -> bool:
        """True when X-Twilio-Signature matches the URL and every form field (repeated keys included)."""
        return bool(signature) and bool(self.validator.validate(url, form, signature))

    async def process(self, form: Mapping[str, str]) -> bool:
        """One inbound message; a repeated MessageSid is taken once. True when it was marked processed."""
        try:
            return await self._process(form)
        except Exception:
            log.exception("whatsapp message failed")
            return False
        finally:
            await self._count_processed()

    async def _process(self, form: Mapping[str, str]) -> bool:
        sender = form.get("From", "")
        menu = tuple(Choice(i, label) for i, label in await self.store.load_menu(sender)) if sender else ()
        inbound = parse_form(form, menu)
        if inbound is None:
            log.warning("whatsapp webhook without From/MessageSid ignored")
            return False
        if inbound.event is None:
            # Whose it was (a MessageSid leads back to them), so "delete my data" erases it too; and a photo
            # or a voice note keeps their data, as any message does.
            seen = await self.store.first_sight("whatsapp", inbound.message_sid, self.clock(), key=inbound.key)
            if inbound.notice and seen:
                await self.sender.deliver(inbound.key, Reply(self.kb.content.message("en", inbound.notice)))
            return True
        dedupe = ("whatsapp", inbound.message_sid)
        await self.runtime.handle(inbound.key, inbound.event, self.clock(), dedupe=dedupe, durable=True)
        return True

    async def forward_record(self, key: str, record: Record) -> None:
        """A booking request (made with consent) goes to the clinic staff's WhatsApp number, as the
        approved "staff_booking" template (staff seldom have an open 24-hour window with the bot)."""
        template = self.sender.templates.get("staff_booking")
        if record.kind != "booking" or not self.staff_number or template is None:
            return
        data = dict(record.data)
        values = {
            "1": data.get("ref", ""),
            "2": data.get("name", ""),
            "3": data.get("when", ""),
            "4": data.get("branch", ""),
            "5": f"Contact: {data.get('contact', 'this chat')}\n{data.get('summary', '')}"[:900],
        }
        try:
            await self.sender.send_template(self.staff_number, Template(template.content_sid, values))
        except Exception:
            log.exception("could not forward booking %s to the staff number", data.get("ref"))

    def status(self, form: Mapping[str, str]) -> None:
        """A delivery status callback: counted by status (failures by Twilio's error code too), and failures
        logged with the code (never the number or the message's SID: either leads back to the person)."""
        status, code = form.get("MessageStatus", ""), form.get("ErrorCode", "")
        self.metrics.delivery_status(status, code)
        if status in FAILED_STATUSES:
            log.warning("whatsapp message %s (error %s)", status, code if ERROR_CODE.fullmatch(code) else "?")
