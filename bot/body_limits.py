"""Every request body is bounded before anything reads it: by size, by time, and (for forms) by count.

Anyone on the internet can POST to the webhooks, so a request must cost the server little until it has
proved who sent it. This ASGI middleware sits in front of every route:
- a declared `Content-Length` over the limit is refused with 413 before a byte of the body is read;
  one that is not a number is refused with 400;
- a body without a length (chunked) is counted as it streams and refused with 413 at the limit: the rest
  is never read, so memory per request stays at most the limit whatever the sender sends;
- a body that trickles in is refused with 408 when it has not arrived within the time allowed;
- a client that goes away mid-body is one log line.
Routes read bodies as usual (`await request.body()`); the limit is enforced underneath them.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("reflexbot.server")


@dataclass(frozen=True, slots=True)
class BodyLimits:
    """How much a request may send, and how long it may take to send it."""

    max_bytes: int = 128 * 1024  # a Telegram update or a Twilio form is a few KB; the largest under 100 KB
    seconds: float = 10.0  # for the whole body, from the request's start
    max_fields: int = 100  # form fields (Twilio sends about 40)


class BoundedBodies:
    """ASGI middleware that enforces `BodyLimits` on every HTTP request (see the module's docstring)."""

    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = declared_length(scope)
        if declared == -1:
            await PlainTextResponse("bad Content-Length", status_code=400)(scope, receive, send)
            return
        if declared is not None and declared > self.limits.max_bytes:
            await PlainTextResponse("request body too large", status_code=413)(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.limits.seconds
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise HTTPException(status_code=408, detail="request body too slow") from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limits.max_bytes:
                    raise HTTPException(status_code=413, detail="request body too large")
            return message

        try:
            await self.app(scope, bounded_receive, send)
        except ClientDisconnect:
            log.info("a client went away before its request body arrived (%s)", scope.get("path", ""))


def declared_length(scope: Scope) -> int | None:
    """The request's Content-Length: None when not given, -1 when it is not one plain number."""
    values = [value for name, value in scope.get("headers", ()) if name == b"content-length"]
    if not values:
        return None
    if len(values) > 1 or not values[0].isdigit() or len(values[0]) > 18:
        return -1
    return int(values[0])
