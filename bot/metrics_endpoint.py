"""GET /metrics: the exposition, behind a bearer token when one is set, on the public port or on a port
of its own ([metrics] port: then a small server in a thread of the process that owns the numbers).

The token comes from $REFLEXBOT_METRICS_TOKEN only; without `Authorization: Bearer <token>` the answer is
401, and the token is compared in constant time.
"""

from __future__ import annotations

import hmac
import os
import socket
import threading
from collections.abc import Awaitable, Callable, Mapping

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

TOKEN_VARIABLE = "REFLEXBOT_METRICS_TOKEN"
MEDIA_TYPE = "text/plain; version=0.0.4"
Export = Callable[[], bytes]
Endpoint = Callable[[Request], Awaitable[Response]]


def metrics_token(environ: Mapping[str, str] | None = None) -> str:
    """The bearer token /metrics asks for ("" = none asked)."""
    return (os.environ if environ is None else environ).get(TOKEN_VARIABLE, "")


def bearer_allows(authorization: str, token: str) -> bool:
    """True when no token is set, or the Authorization header is `Bearer <token>` (constant-time compare)."""
    if not token:
        return True
    scheme, _, given = authorization.strip().partition(" ")
    matches = hmac.compare_digest(given.strip().encode(), token.encode())
    return scheme.lower() == "bearer" and matches


def metrics_endpoint(export: Export, token: str) -> Endpoint:
    """The /metrics route's function: 401 without the token (when one is set), else the exposition."""

    async def endpoint(request: Request) -> Response:
        if not bearer_allows(request.headers.get("authorization", ""), token):
            return PlainTextResponse(
                "a bearer token is needed\n", status_code=401, headers={"WWW-Authenticate": 'Bearer realm="metrics"'}
            )
        body = await run_in_threadpool(export)  # reading every worker's files is file I/O
        return Response(body, media_type=MEDIA_TYPE)

    return endpoint


class MetricsPort:
    """/metrics alone on `host`:`port`, served from a thread (the public port has no /metrics then).

    The socket is bound when made, so a port already taken is an error at start, not in a thread later.
    """

    def __init__(self, host: str, port: int, export: Export, token: str) -> None:
        self.socket = _bind(host, port)
        app = Starlette(routes=[Route("/metrics", metrics_endpoint(export, token), methods=["GET"])])
        config = uvicorn.Config(app, lifespan="off", log_level="warning", log_config=None, access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self.socket]}, name="reflexbot-metrics", daemon=True
        )

    def start(self) -> MetricsPort:
        """Serve from now on (in the background)."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self.socket.close()


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)  # held from now on: another bind to it fails, even with SO_REUSEADDR
    except OSError:
        sock.close()
        raise
    return sock
