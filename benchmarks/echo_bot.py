"""The yardstick for bench_telegram.py: a bare python-telegram-bot echo bot behind a Starlette webhook under
uvicorn, in its own process, as the PTB documentation's custom-webhook example builds it.

    .venv/bin/python benchmarks/echo_bot.py --port P --api http://127.0.0.1:Q/bot --token T

Every text message is echoed with one sendMessage. It keeps nothing and checks no secret: what it costs
is what any PTB webhook bot costs before it does anything of its own.
"""

from __future__ import annotations

import argparse
import asyncio

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat is not None and update.message is not None:
        await context.bot.send_message(update.effective_chat.id, update.message.text or "")


async def main(port: int, api: str, token: str) -> None:
    application: Application = (  # type: ignore[type-arg]
        ApplicationBuilder().token(token).base_url(api).updater(None).concurrent_updates(True).build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))

    async def webhook(request: Request) -> Response:
        await application.update_queue.put(Update.de_json(await request.json(), application.bot))
        return Response(status_code=200)

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    app = Starlette(
        routes=[Route("/telegram/webhook", webhook, methods=["POST"]), Route("/healthz", healthz, methods=["GET"])]
    )
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    async with application:
        await application.start()
        await server.serve()
        await application.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api", required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args()
    asyncio.run(main(args.port, args.api, args.token))
