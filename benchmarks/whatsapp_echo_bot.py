"""The yardstick for bench_whatsapp.py: a bare Twilio WhatsApp echo bot behind a Starlette webhook under
uvicorn, in its own process, as Twilio's documentation builds one with the Python SDK.

    .venv/bin/python benchmarks/whatsapp_echo_bot.py --port P --api http://127.0.0.1:Q \
        --public-url https://bot.example.com   # with TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN set

Every signed message (X-Twilio-Signature checked by `RequestValidator` over public URL + path and the form)
is answered 200 with an empty TwiML response, then its Body is echoed with one `messages.create_async` on
the SDK's async client. It keeps nothing: what it costs is what any Twilio SDK webhook bot costs before it
does anything of its own. The only departure from the docs is the host: every request the SDK makes goes
to `--api` (the stand-in) instead of api.twilio.com.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import uvicorn
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.request_validator import RequestValidator
from twilio.rest import Client

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class StandInHttpClient(AsyncTwilioHttpClient):  # type: ignore[misc]  # untyped SDK
    """The SDK's async HTTP client, with scheme and host of every URL replaced by the stand-in's."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        target = urlsplit(base_url)
        self._scheme, self._netloc = target.scheme, target.netloc

    async def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> TwilioResponse:
        parts = urlsplit(url)
        url = urlunsplit((self._scheme, self._netloc, parts.path, parts.query, parts.fragment))
        return await super().request(method, url, *args, **kwargs)


async def main(port: int, api: str, public_url: str) -> None:
    account, token = os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"]
    client = Client(account, token, http_client=StandInHttpClient(api))
    validator = RequestValidator(token)
    webhook_url = public_url.rstrip("/") + "/whatsapp/webhook"

    async def echo(to: str, from_: str, body: str) -> None:
        await client.messages.create_async(to=to, from_=from_, body=body)

    async def webhook(request: Request) -> Response:
        # Twilio's form, urlencoded (Starlette's request.form() would need python-multipart)
        form = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        if not validator.validate(webhook_url, form, request.headers.get("X-Twilio-Signature", "")):
            return PlainTextResponse("bad signature", status_code=403)
        task = BackgroundTask(echo, str(form["From"]), str(form["To"]), str(form.get("Body", "")))
        return Response(EMPTY_TWIML, media_type="application/xml", background=task)

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    app = Starlette(
        routes=[Route("/whatsapp/webhook", webhook, methods=["POST"]), Route("/healthz", healthz, methods=["GET"])]
    )
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    try:
        await server.serve()
    finally:
        await client.http_client.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api", required=True)
    parser.add_argument("--public-url", required=True)
    args = parser.parse_args()
    asyncio.run(main(args.port, args.api, args.public_url))
