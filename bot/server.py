"""The ASGI app: one Starlette app for every webhook (Telegram now, WhatsApp next) and a health check."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.body_limits import BodyLimits, BoundedBodies
from bot.channels.calendar import CalendarFiles
from bot.channels.links import DataLinks, Refused
from bot.channels.my_data import MEDIA_TYPE as DATA_MEDIA_TYPE
from bot.channels.my_data import DataFiles
from bot.channels.telegram.app import TelegramChannel
from bot.channels.telegram.parse import malformed_update
from bot.channels.whatsapp.parse import malformed_form
from bot.desk import Desk
from bot.inbox import Admission
from bot.metrics import Metrics
from bot.metrics_endpoint import metrics_endpoint
from bot.pictures.library import Pictures
from scheduler import utc_now

if TYPE_CHECKING:  # twilio and aiohttp are imported only when WhatsApp is enabled
    from bot.channels.whatsapp.app import WhatsAppChannel

log = logging.getLogger("reflexbot.server")
DEFAULT_LIMITS = BodyLimits()
MAX_SECRET = 256  # Telegram's secret_token is 1-256 characters
Health = Callable[[], Awaitable[dict[str, object]]]
Lifespan = Callable[[Starlette], AbstractAsyncContextManager[None]]
"""What runs around the server's life: start the service before the first request, stop it after the last."""
StateLifespan = Callable[[Starlette], AbstractAsyncContextManager[Mapping[str, Any]]]


MEDIA_NAME = re.compile(r"[0-9a-f]{24}\.png")
CALENDAR_NAME = re.compile(r"[A-Za-z0-9_-]{32}\.ics")  # a random token naming an appointment's file
DATA_NAME = re.compile(r"[A-Za-z0-9_-]{40,400}\.json")  # a signed token naming a person's data file
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class FormFields(dict[str, list[str]]):
    """A form's fields, every value of each (Twilio signs repeated keys too). `getlist` is a lookup, so
    the twilio SDK's validator costs n log n here, not n² as on Starlette's FormData."""

    def getlist(self, key: str) -> list[str]:
        return self[key]

    @classmethod
    def parse(cls, body: bytes, max_fields: int) -> FormFields:
        """The fields of a urlencoded body; ValueError past `max_fields` (counted before any parsing)."""
        fields = cls()
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=max_fields)
        for key, value in pairs:
            fields.setdefault(key, []).append(value)
        return fields


def plausible_signature(header: str) -> bool:
    """A cheap look at X-Twilio-Signature before any work: base64 of an HMAC-SHA1 (28 characters) or
    HMAC-SHA256 (44)."""
    if len(header) not in (28, 44):
        return False
    try:
        base64.b64decode(header, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def refused_as_malformed(metrics: Metrics, channel: str, field: str) -> None:
    """An authentic update that makes no sense: counted, and one log line naming the field (not its value)."""
    metrics.malformed.labels(channel, field).inc()
    log.warning("%s update refused as malformed (%s); answered 200 so it is not sent again", channel, field)


def busy() -> Response:
    """Full (this process, or this person): nothing was saved, and the platform delivers it again later
    (Telegram and Twilio retry on 5xx)."""
    return JSONResponse({"error": "busy, try again"}, status_code=503, headers={"Retry-After": "1"})


def create_app(
    *,
    telegram: TelegramChannel | None = None,
    telegram_secret: str = "",
    whatsapp: WhatsAppChannel | None = None,
    health: Health | None = None,
    metrics: Metrics | None = None,
    metrics_token: str = "",
    lifespan: Lifespan | None = None,
    privacy: str = "",
    limits: BodyLimits = DEFAULT_LIMITS,
    pictures: Pictures | None = None,
    desk: Desk | None = None,
    calendars: CalendarFiles | None = None,
    data_files: DataFiles | None = None,
    links: DataLinks | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Starlette:
    """The webhook server. Each route answers fast; the turn itself runs after the answer. Every body is
    bounded (size, time) before it is read; a request proves who sent it before any costly work. /metrics
    is here when `metrics` is given (not when it has a port of its own), behind `metrics_token` if set."""

    async def signed_form(request: Request) -> dict[str, str] | Response:
        """Twilio's form fields, if WhatsApp is on and the signature holds for the public URL; else the
        answer to send (404, 403 or 400; 413 and 408 come from the body limits)."""
        if whatsapp is None:
            return JSONResponse({"error": "whatsapp is not enabled"}, status_code=404)
        signature = request.headers.get("x-twilio-signature", "")
        if not plausible_signature(signature):
            log.warning("whatsapp webhook refused: bad or missing signature")
            return JSONResponse({"error": "forbidden"}, status_code=403)
        body = await request.body()
        try:
            form = FormFields.parse(body, limits.max_fields)
        except ValueError:
            return JSONResponse({"error": "too many form fields"}, status_code=400)
        url = whatsapp.public(request.url.path, request.url.query)
        if not whatsapp.signed(url, form, signature):
            log.warning("whatsapp webhook refused: bad or missing signature")
            return JSONResponse({"error": "forbidden"}, status_code=403)
        return {key: values[-1] for key, values in form.items()}

    async def whatsapp_webhook(request: Request) -> Response:
        fields = await signed_form(request)
        if isinstance(fields, Response):
            return fields
        assert whatsapp is not None
        problem = malformed_form(fields)
        if problem is not None:  # answered as taken: Twilio would only send the same garbage again
            refused_as_malformed(whatsapp.metrics, "whatsapp", problem)
            return Response(EMPTY_TWIML, media_type="text/xml")
        if await whatsapp.receive(fields) is Admission.BUSY:  # saved before the answer; the turn runs after
            return busy()
        return Response(EMPTY_TWIML, media_type="text/xml")

    async def whatsapp_status(request: Request) -> Response:
        fields = await signed_form(request)
        if isinstance(fields, Response):
            return fields
        assert whatsapp is not None
        whatsapp.status(fields)
        return Response(status_code=204)

    async def telegram_webhook(request: Request) -> Response:
        if telegram is None:
            return JSONResponse({"error": "telegram is not enabled"}, status_code=404)
        given = request.headers.get("x-telegram-bot-api-secret-token", "")
        if (
            not telegram_secret
            or len(given) > MAX_SECRET
            or not hmac.compare_digest(given.encode(), telegram_secret.encode())
        ):
            log.warning("telegram webhook refused: wrong or missing secret token")
            return JSONResponse({"error": "forbidden"}, status_code=403)
        body = await request.body()
        # Anything that is not a well-formed update is answered 200 all the same (Telegram would only send the
        # same garbage again, and hold back the updates behind it), and counted and logged once.
        try:
            data = json.loads(body)
        except ValueError:  # not JSON, or a number of thousands of digits
            refused_as_malformed(telegram.runtime.metrics, "telegram", "json")
            return Response(status_code=200)
        problem = malformed_update(data)
        if problem is not None:
            refused_as_malformed(telegram.runtime.metrics, "telegram", problem)
            return Response(status_code=200)
        if await telegram.receive(data, body.decode("utf-8", "replace")) is Admission.BUSY:
            return busy()  # saved before the answer; the turn runs after
        return Response(status_code=200)

    async def healthz(request: Request) -> Response:
        report = await health() if health is not None else {"ok": True}
        return JSONResponse(report, status_code=200 if report.get("ok") else 503)

    async def privacy_route(request: Request) -> Response:
        """The privacy notice in plain words: what is kept, why, who sees it, how to erase it."""
        return PlainTextResponse(privacy or "reflexbot keeps no data on this server.")

    async def media(request: Request) -> Response:
        """A picture by its content hash: public, nothing personal, cached for a year (a new drawing has a
        new name). Only names the library made are served: anything else, paths included, is a 404."""
        name = str(request.path_params["name"])
        if CALENDAR_NAME.fullmatch(name):
            return await calendar_file(name.removesuffix(".ics"))
        if DATA_NAME.fullmatch(name):
            return await data_file(name.removesuffix(".json"))
        png = None
        if pictures is not None and MEDIA_NAME.fullmatch(name):
            png = await run_in_threadpool(pictures.by_file_name, name)
        if png is None:
            return JSONResponse({"error": "no such picture"}, status_code=404)
        etag = f'"{name.removesuffix(".png")}"'
        headers = {"Cache-Control": "public, max-age=31536000, immutable", "ETag": etag}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(png, media_type="image/png", headers=headers)

    async def calendar_file(token: str) -> Response:
        """An appointment's .ics by its random token (the URL says nothing about the person); never cached."""
        ics = await calendars.by_token(token) if calendars is not None else None
        if ics is None:
            return JSONResponse({"error": "no such file"}, status_code=404)
        headers = {"Cache-Control": "no-store", "Content-Disposition": 'attachment; filename="appointment.ics"'}
        return Response(ics, media_type="text/calendar", headers=headers)

    async def data_file(token: str) -> Response:
        """A person's data file by a signed link: 404 unless we made it unchanged, 403 once it expired,
        404 when nothing is kept any more; never cached, never indexed, no referrer."""
        opened = await links.open(token, clock()) if links is not None else Refused.INVALID
        if opened is Refused.EXPIRED:
            return JSONResponse({"error": 'this link has expired: write "my data" for a new one'}, status_code=403)
        if isinstance(opened, Refused) or data_files is None:
            return JSONResponse({"error": "no such file"}, status_code=404)
        built = await data_files.build(opened.key, clock())
        if built is None:  # erased meanwhile
            return JSONResponse({"error": "no such file"}, status_code=404)
        headers = {
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="{built.name}"',
            "X-Content-Type-Options": "nosniff",
            "X-Robots-Tag": "noindex",
            "Referrer-Policy": "no-referrer",
        }
        return Response(built.content, media_type=DATA_MEDIA_TYPE, headers=headers)

    async def no_metrics(request: Request) -> Response:
        return JSONResponse({"error": "no metrics"}, status_code=404)

    routes: list[BaseRoute] = [
        Route(
            "/metrics",
            no_metrics if metrics is None else metrics_endpoint(metrics.export, metrics_token),
            methods=["GET"],
        ),
        Route("/telegram/webhook", telegram_webhook, methods=["POST"]),
        Route("/whatsapp/webhook", whatsapp_webhook, methods=["POST"]),
        Route("/whatsapp/status", whatsapp_status, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/privacy", privacy_route, methods=["GET"]),
        Route("/media/{name:path}", media, methods=["GET", "HEAD"]),
    ]
    if desk is not None:  # the staff desk exists only when enabled: otherwise every /desk path is a 404
        routes += desk.routes()
    return Starlette(
        routes=routes,
        middleware=[Middleware(BoundedBodies, limits=limits)],
        lifespan=lifespan,
    )


def create_deferred_app(lifespan: StateLifespan) -> Starlette:
    """An app whose real app is made by its lifespan, inside the running event loop (a worker process's
    store, channels and routes need it): the lifespan yields {"app": ASGI app}, and every request goes there."""

    async def forward(scope: Scope, receive: Receive, send: Send) -> None:
        app: ASGIApp = scope["state"]["app"]
        await app(scope, receive, send)

    return Starlette(routes=[Mount("", app=forward)], lifespan=lifespan)
