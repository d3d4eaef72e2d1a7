"""Sending WhatsApp messages with Twilio's async client: paced per sender, retried on 429/5xx/timeouts,
templates outside the 24-hour window, and the numbered menu remembered for the person's answer."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from bot.backoff import SEND_RETRY, Backoff
from bot.channels.calendar import CalendarFiles
from bot.channels.links import DataLinks
from bot.channels.pacing import Pace, Pacer, Sleep
from bot.channels.whatsapp.render import render
from bot.engine import Reply
from bot.engine.bidi import isolate
from bot.engine.documents import CalendarFile, DataFile, parse_document
from bot.pictures.library import Pictures
from bot.runtime import RecipientGoneError, UndeliverableError
from bot.store import SqlStore

log = logging.getLogger("reflexbot.whatsapp")
WINDOW = timedelta(hours=24)
WINDOW_CLOSED = 63016  # Twilio: free-form message outside the 24-hour window
OPTED_OUT = 21610  # Twilio: the recipient replied STOP
INVALID_NUMBER = frozenset({21211, 21614})  # Twilio: not a valid phone number; not a number that can take it
OUR_CREDENTIALS = frozenset({401, 403})  # the account or its keys are wrong: not the reply's fault, kept for later
MAX_ATTEMPTS = 6
MAX_CAPTION = 1024  # WhatsApp: a media message's caption, and a quick-reply template's variable
Clock = Callable[[], datetime]
LinkText = Callable[[str, str, int], str]
"""The line that gives a data-file link, in a language: (lang, url, minutes) -> text."""


class DeliveryFailedError(Exception):
    """Twilio could not be reached after every retry; the runtime keeps the reply for later."""


@dataclass(frozen=True, slots=True)
class Template:
    """An approved Content template: its SID and how to fill its variables."""

    content_sid: str
    variables: dict[str, str] = field(default_factory=dict)


class RedirectingHttpClient(AsyncTwilioHttpClient):  # type: ignore[misc]  # untyped SDK
    """Twilio's async HTTP client, optionally sent to another host (a local stand-in): that works
    whatever TWILIO_EDGE / TWILIO_REGION say, since it rewrites the final URL. It also sends the
    credentials as an Authorization header (aiohttp 3.13 deprecates the `auth=` the SDK passes)."""

    def __init__(self, base_url: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        target = urlsplit(base_url)
        self._scheme, self._netloc = target.scheme, target.netloc

    async def request(
        self,
        method: str,
        url: str,
        *args: Any,
        auth: tuple[str, str] | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Response:
        """Rewrite scheme and host (keep path and query); credentials as a header."""
        if self._netloc:
            parts = urlsplit(url)
            url = urlunsplit((self._scheme, self._netloc, parts.path, parts.query, parts.fragment))
        headers = dict(headers or {})
        if auth is not None:
            headers["Authorization"] = aiohttp.encode_basic_auth(auth[0], auth[1])
        # The SDK's async client forgets its own timeout unless each call passes one: enforce it here.
        async with asyncio.timeout(self.timeout):
            return await super().request(method, url, *args, headers=headers, **kwargs)


def make_client(account_sid: str, auth_token: str, base_url: str, timeout: float = 15.0) -> Client:
    """A Twilio client on the async HTTP client, pointed at `base_url` unless it is Twilio itself."""
    rewrite = base_url if base_url and urlsplit(base_url).netloc not in ("", "api.twilio.com") else ""
    return Client(account_sid, auth_token, http_client=RedirectingHttpClient(rewrite, timeout=timeout))


class WhatsAppSender:
    """Delivers engine replies to "whatsapp:+<number>" keys."""

    def __init__(
        self,
        client: Client,
        sender: str,
        store: SqlStore,
        clock: Clock,
        *,
        templates: dict[str, Template] | None = None,
        status_callback: str = "",
        pacer: Pace | None = None,
        sleep: Sleep = asyncio.sleep,
        hint: str = "Reply with a number.",
        choice_templates: dict[str, str] | None = None,
        pictures: Pictures | None = None,
        media_base: str = "",
        calendars: CalendarFiles | None = None,
        backoff: Backoff = SEND_RETRY,
        links: DataLinks | None = None,
        link_text: LinkText | None = None,
    ) -> None:
        self.client = client
        self.sender = sender
        self.store = store
        self.clock = clock
        self.templates = templates or {}
        self.status_callback = status_callback
        self.pacer: Pace = pacer or Pacer(per_chat_seconds=0.0, per_second=10.0, sleep=sleep)
        self._sleep = sleep
        self.backoff = backoff  # the wait before each new try after a 429, a 5xx or no answer
        self.hint = hint
        # Quick-reply Content templates by choice set ("feel:better,feel:same,feel:worse" -> HX...):
        # their buttons' payloads are the choice ids, and variable 1 carries the reply's text.
        self.choice_templates = choice_templates or {}
        self._closed: dict[str, datetime] = {}  # Twilio said 63016 (window closed) at this time
        # Pictures go as media messages: Twilio fetches <media_base>/<content hash>.png from our media route.
        self.pictures = pictures
        self.media_base = media_base.rstrip("/")
        self.calendars = calendars  # an appointment's .ics: fetched by Twilio at <media_base>/<token>.ics
        # The person's data file (JSON, which WhatsApp cannot attach): a signed link in the text, opened by
        # the person at <media_base>/<token>.json within its lifetime.
        self.links = links
        self.link_text = link_text

    async def deliver(self, key: str, reply: Reply) -> None:
        """Send a reply: free-form inside the window, its template outside (or not at all)."""
        if reply.template and not await self._window_open(key):
            await self._send_template(key, reply)
            return
        named = parse_document(reply.document) if reply.document is not None else None
        if isinstance(named, DataFile):
            reply = await self._with_data_link(key, reply)
        quick = self.choice_templates.get(",".join(c.id for c in reply.choices))
        if quick is not None and len(reply.text) <= MAX_CAPTION:
            messages: list[dict[str, Any]] = [
                {"content_sid": quick, "content_variables": json.dumps({"1": reply.text})}
            ]
        else:
            messages = [{"body": body} for body in render(reply, self.hint)]
        media = self.media_url(reply.image)
        if media is not None:  # the picture, with the text as its caption when it fits
            if "body" in messages[0] and len(messages[0]["body"]) <= MAX_CAPTION:
                messages[0]["media_url"] = [media]
            else:
                messages.insert(0, {"media_url": [media]})
        calendar = await self.calendar_url(named.ref) if isinstance(named, CalendarFile) else None
        if calendar is not None:  # the calendar file first, as a media message of its own
            messages.insert(0, {"media_url": [calendar]})
        for message in messages:
            try:
                await self._create(to=key, **message)
            except TwilioRestException as error:
                if error.code != WINDOW_CLOSED:
                    raise
                self._closed[key] = self.clock()  # until they write again
                if reply.template:
                    await self._send_template(key, reply)
                    return
                raise UndeliverableError("window_closed") from error
        if reply.choices:
            await self.store.save_menu(key, [(c.id, c.label) for c in reply.choices])

    async def calendar_url(self, ref: str | None) -> str | None:
        """Where Twilio fetches an appointment's .ics: the media route, by a random token (nothing personal)."""
        if ref is None or self.calendars is None or not self.media_base:
            return None
        token = await self.calendars.token(ref)
        return None if token is None else f"{self.media_base}/{token}.ics"

    async def data_url(self, key: str) -> str | None:
        """Where the person downloads their data file: the media route, by a random token that expires."""
        if self.links is None or not self.media_base:
            return None
        return f"{self.media_base}/{await self.links.make(key, self.clock())}.json"

    async def _with_data_link(self, key: str, reply: Reply) -> Reply:
        """The reply with the link to the person's data file after its text, in their language."""
        url = await self.data_url(key)
        if url is None or self.link_text is None or self.links is None:
            log.warning("no data-file link configured; the summary goes without it")
            return reply
        state = await self.store.load(key)
        minutes = int(self.links.lifetime.total_seconds() // 60)
        line = isolate(self.link_text(state.lang if state else "en", url, minutes))
        return replace(reply, text=f"{reply.text}\n\n{line}")

    def media_url(self, name: str | None) -> str | None:
        """Where Twilio fetches a picture: the media route, by content hash (nothing personal in it)."""
        if name is None or self.pictures is None or not self.media_base:
            return None
        file_name = self.pictures.file_name(name)
        return None if file_name is None else f"{self.media_base}/{file_name}"

    async def forget(self, key: str) -> None:
        """Drop what is held in memory about a person (when their 24-hour window was refused): they were
        erased."""
        self._closed.pop(key, None)

    async def _window_open(self, key: str) -> bool:
        state = await self.store.load(key)
        if state is None or not state.last_inbound:
            return False
        last = datetime.fromisoformat(state.last_inbound)
        closed = self._closed.get(key)
        if closed is not None and closed >= last:
            return False
        return self.clock() - last < WINDOW

    async def _send_template(self, key: str, reply: Reply) -> None:
        """The reply's approved template in the person's language ("reminder.ar"), else the default one."""
        state = await self.store.load(key)
        name = reply.template or ""
        template = self.templates.get(f"{name}.{state.lang}" if state else name) or self.templates.get(name)
        if template is None:
            log.warning("%s outside the 24-hour window and no template configured: not attempted", reply.template)
            return
        await self.send_template(key, template)

    async def send_template(self, to: str, template: Template) -> None:
        """An approved template: content SID and variables, no body."""
        await self._create(to=to, content_sid=template.content_sid, content_variables=json.dumps(template.variables))

    async def _create(self, **params: Any) -> None:
        if self.status_callback:
            params["status_callback"] = self.status_callback
        for attempt in range(MAX_ATTEMPTS):
            await self.pacer.wait(self.sender)
            try:
                await self.client.messages.create_async(from_=self.sender, **params)
                return
            except TwilioRestException as error:
                if error.code == OPTED_OUT:
                    raise RecipientGoneError(str(error)) from error
                if error.code == WINDOW_CLOSED or error.status in OUR_CREDENTIALS:
                    raise
                if error.status != 429 and error.status < 500:  # this message will never be taken as it is
                    reason = "invalid_number" if error.code in INVALID_NUMBER else "refused"
                    raise UndeliverableError(reason) from error
                log.warning("twilio answered %s, attempt %d", error.status, attempt + 1)
            except (TimeoutError, OSError, aiohttp.ClientError) as error:
                log.warning("twilio unreachable (%s), attempt %d", type(error).__name__, attempt + 1)
            if attempt + 1 < MAX_ATTEMPTS:  # after the last try the reply goes back to the outbox at once
                await self._sleep(self.backoff.delay(attempt))
        raise DeliveryFailedError(f"gave up after {MAX_ATTEMPTS} attempts")
