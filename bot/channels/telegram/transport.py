"""The Bot API's HTTP transport: python-telegram-bot's request interface (`BaseRequest`) over one aiohttp
session with a small keep-alive pool.

PTB keeps building the calls, decoding the answers and mapping errors (RetryAfter, BadRequest, Forbidden);
only the bytes go over aiohttp instead of httpx. Measured in benchmarks/bench_telegram.py: httpx/httpcore
were the largest share of the webhook path's CPU; aiohttp (already a dependency, for WhatsApp) parses
HTTP in C. Calls without files go as a JSON body (the Bot API takes application/json); uploads as
multipart, like PTB's own transport.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


def _chosen(value: Any, default: float | None) -> float | None:
    """A per-call timeout when the call gave one (PTB passes DEFAULT_NONE for "not given")."""
    return default if isinstance(value, DefaultValue) else value


class AiohttpRequest(BaseRequest):
    """PTB's transport on aiohttp: `connections` keep-alive connections at most, `timeout` seconds for each
    phase of a call (waiting for a connection, connecting, reading) unless the call says otherwise."""

    def __init__(self, *, connections: int = 16, timeout: float = 10.0, media_write_timeout: float = 20.0) -> None:
        self._connections = connections
        self._timeout = timeout
        self._media_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections, keepalive_timeout=30)
            self._session = aiohttp.ClientSession(connector=connector, headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data is not None else None
        body: bytes | aiohttp.FormData | None = None
        headers: dict[str, str] = {}
        if files:
            form = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():  # type: ignore[union-attr]
                form.add_field(name, value)
            for name, (filename, content, mime) in files.items():
                form.add_field(name, content, filename=filename, content_type=mime)
            body = form
        elif request_data is not None and request_data.parameters:
            # `parameters` keeps objects as objects (`json_parameters` has them as JSON strings, for forms).
            body, headers = json.dumps(request_data.parameters).encode(), {"Content-Type": "application/json"}
        phases = (
            _chosen(pool_timeout, self._timeout),  # waiting for a free connection in the pool
            _chosen(connect_timeout, self._timeout),
            _chosen(write_timeout, self._media_timeout if files else self._timeout),
            _chosen(read_timeout, self._timeout),
        )
        # aiohttp has no write timeout of its own: the whole call is bounded by the phases' sum instead.
        timeout = aiohttp.ClientTimeout(
            total=None if None in phases else sum(p for p in phases if p is not None),
            connect=phases[0],
            sock_connect=phases[1],
            sock_read=phases[3],
        )
        try:
            async with self._session.request(method, url, data=body, headers=headers, timeout=timeout) as response:
                return response.status, await response.read()
        except (TimeoutError, aiohttp.ServerTimeoutError) as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
