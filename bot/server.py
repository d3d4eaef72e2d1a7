"""The ASGI app: one Starlette app for every webhook (Telegram now, WhatsApp next) and a health check."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.channels.telegram.app import TelegramChannel

log = logging.getLogger("reflexbot.server")
MAX_BODY = 1_000_000  # bytes; a Telegram update is a few KB
Health = Callable[[], Awaitable[dict[str, object]]]


def create_app(*, telegram: TelegramChannel | None = None, telegram_secret: str = "",
               health: Health | None = None) -> Starlette:
    """The webhook server. Each route answers fast; the turn itself runs after the answer."""

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

    return Starlette(routes=[
        Route("/telegram/webhook", telegram_webhook, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ])
