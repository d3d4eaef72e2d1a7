"""The ASGI app: one Starlette app for every webhook (Telegram now, WhatsApp next) and a health check."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send
from telegram import Update

from bot.channels.telegram.app import TelegramChannel
from bot.channels.whatsapp.app import WhatsAppChannel
from bot.metrics import Metrics

log = logging.getLogger("reflexbot.server")
MAX_BODY = 1_000_000  # bytes; a Telegram update is a few KB
Health = Callable[[], Awaitable[dict[str, object]]]
Lifespan = Callable[[Starlette], AbstractAsyncContextManager[None]]
"""What runs around the server's life: start the service before the first request, stop it after the last."""
StateLifespan = Callable[[Starlette], AbstractAsyncContextManager[Mapping[str, Any]]]


EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def create_app(
    *,
    telegram: TelegramChannel | None = None,
    telegram_secret: str = "",
    whatsapp: WhatsAppChannel | None = None,
    health: Health | None = None,
    metrics: Metrics | None = None,
    lifespan: Lifespan | None = None,
    privacy: str = "",
) -> Starlette:
    """The webhook server. Each route answers fast; the turn itself runs after the answer."""

    async def signed_form(request: Request) -> dict[str, str] | Response:
        """Twilio's form fields, if WhatsApp is on and the signature holds for the public URL; else the
        answer to send (404, 413 or 403)."""
        if whatsapp is None:
            return JSONResponse({"error": "whatsapp is not enabled"}, status_code=404)
        body = await request.body()
        if len(body) > MAX_BODY:
            return Response(status_code=413)
        text = body.decode("utf-8", "replace")
        pairs: list[tuple[str, str | UploadFile]] = list(parse_qsl(text, keep_blank_values=True))
        form = FormData(pairs)
        url = whatsapp.public(request.url.path, request.url.query)
        if not whatsapp.signed(url, form, request.headers.get("x-twilio-signature", "")):
            log.warning("whatsapp webhook refused: bad or missing signature")
            return JSONResponse({"error": "forbidden"}, status_code=403)
        return {k: str(v) for k, v in form.multi_items()}

    async def whatsapp_webhook(request: Request) -> Response:
        fields = await signed_form(request)
        if isinstance(fields, Response):
            return fields
        assert whatsapp is not None
        whatsapp.accept(fields)  # answer Twilio now; the turn runs after
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
        if not telegram_secret or not hmac.compare_digest(given.encode(), telegram_secret.encode()):
            log.warning("telegram webhook refused: wrong or missing secret token")
            return JSONResponse({"error": "forbidden"}, status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"error": "too large"}, status_code=413)
        try:
            data = json.loads(body)
            update = Update.de_json(data, telegram.application.bot)
        except Exception:
            return JSONResponse({"error": "not a Telegram update"}, status_code=400)
        if update is None:
            return JSONResponse({"error": "not a Telegram update"}, status_code=400)
        await telegram.feed(update)
        return Response(status_code=200)

    async def healthz(request: Request) -> Response:
        report = await health() if health is not None else {"ok": True}
        return JSONResponse(report, status_code=200 if report.get("ok") else 503)

    async def privacy_route(request: Request) -> Response:
        """The privacy notice in plain words: what is kept, why, who sees it, how to erase it."""
        return PlainTextResponse(privacy or "reflexbot keeps no data on this server.")

    async def metrics_route(request: Request) -> Response:
        if metrics is None:
            return JSONResponse({"error": "no metrics"}, status_code=404)
        return Response(metrics.export(), media_type="text/plain; version=0.0.4")

    return Starlette(
        routes=[
            Route("/metrics", metrics_route, methods=["GET"]),
            Route("/telegram/webhook", telegram_webhook, methods=["POST"]),
            Route("/whatsapp/webhook", whatsapp_webhook, methods=["POST"]),
            Route("/whatsapp/status", whatsapp_status, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/privacy", privacy_route, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def create_deferred_app(lifespan: StateLifespan) -> Starlette:
    """An app whose real app is made by its lifespan, inside the running event loop (a worker process's
    store, channels and routes need it): the lifespan yields {"app": ASGI app}, and every request goes there."""

    async def forward(scope: Scope, receive: Receive, send: Send) -> None:
        app: ASGIApp = scope["state"]["app"]
        await app(scope, receive, send)

    return Starlette(routes=[Mount("", app=forward)], lifespan=lifespan)
