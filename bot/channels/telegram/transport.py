"""The Bot API's HTTP transport: one aiohttp session with a small keep-alive pool, used two ways.

- `AiohttpRequest` is python-telegram-bot's request interface (`BaseRequest`) on that session: PTB's own
  calls (getMe, setMyCommands, getUpdates for polling, the webhook commands) go through it.
- `BotApi` sends the replies: a Bot API method as plain JSON on the same session, its answer as plain JSON,
  its refusals as PTB's exception types (RetryAfter, BadRequest, Forbidden, ChatMigrated...), the mapping
  PTB itself applies. No object graph is built for an answer nobody reads: measured in
  benchmarks/bench_telegram.py, PTB's layers and httpx were the largest share of the webhook path's CPU.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from http import HTTPStatus
from typing import Any

import aiohttp
from telegram import Bot, TelegramObject
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest, RequestData


@dataclass(frozen=True, slots=True)
class Upload:
    """A file sent with a call, as multipart: under `field` ("photo", "document")."""

    field: str
    filename: str
    content: bytes
    mime: str


def _chosen(value: Any, default: float | None) -> float | None:
    """A per-call timeout when the call gave one (PTB passes DEFAULT_NONE for "not given")."""
    return default if isinstance(value, DefaultValue) else value


class AiohttpRequest(BaseRequest):
    """PTB's transport on aiohttp: `connections` keep-alive connections at most, `timeout` seconds for each
    phase of a call (waiting for a connection, connecting, writing, reading) unless the call says otherwise."""

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
        files = request_data.multipart_data if request_data is not None else None
        if files:
            form = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():  # type: ignore[union-attr]
                form.add_field(name, value)
            for name, (filename, content, mime) in files.items():
                form.add_field(name, content, filename=filename, content_type=mime)
            return await self.exchange(
                method, url, form, media=True, timeouts=(pool_timeout, connect_timeout, write_timeout, read_timeout)
            )
        # `parameters` keeps objects as objects (`json_parameters` has them as JSON strings, for forms).
        params = request_data.parameters if request_data is not None else {}
        return await self.exchange(
            method, url, params or None, timeouts=(pool_timeout, connect_timeout, write_timeout, read_timeout)
        )

    async def exchange(
        self,
        method: str,
        url: str,
        body: Mapping[str, Any] | aiohttp.FormData | None,
        *,
        media: bool = False,
        timeouts: tuple[Any, Any, Any, Any] | None = None,
    ) -> tuple[int, bytes]:
        """One HTTP call: a mapping goes as a JSON body, a form as multipart; its status and body. Network
        failures are PTB's TimedOut / NetworkError (a call that timed out may be tried again)."""
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        given = timeouts or (BaseRequest.DEFAULT_NONE,) * 4
        pool, connect, write, read = (
            _chosen(given[0], self._timeout),
            _chosen(given[1], self._timeout),
            _chosen(given[2], self._media_timeout if media else self._timeout),
            _chosen(given[3], self._timeout),
        )
        # aiohttp has no write timeout of its own: the whole call is bounded by the phases' sum instead.
        phases = (pool, connect, write, read)
        timeout = aiohttp.ClientTimeout(
            total=None if None in phases else sum(p for p in phases if p is not None),
            connect=pool,  # waiting for a free connection in the pool, and connecting
            sock_connect=connect,
            sock_read=read,
        )
        data: bytes | aiohttp.FormData | None = None
        headers: dict[str, str] = {}
        if isinstance(body, aiohttp.FormData):
            data = body
        elif body is not None:
            data, headers = json.dumps(body).encode(), {"Content-Type": "application/json"}
        try:
            async with self._session.request(method, url, data=data, headers=headers, timeout=timeout) as response:
                return response.status, await response.read()
        except (TimeoutError, aiohttp.ServerTimeoutError) as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


def refusal(status: int, payload: bytes) -> TelegramError:
    """What a non-2xx answer means, as PTB's `BaseRequest` maps it (its description, a retry_after, a
    migrated group)."""
    try:
        message = f"{HTTPStatus(status).phrase} ({status})"
    except ValueError:
        message = f"Unknown HTTPError ({status})"
    try:
        answer = json.loads(payload)
    except ValueError:
        answer = None
    if isinstance(answer, dict):
        message = str(answer.get("description") or message)
        parameters = answer.get("parameters")
        if isinstance(parameters, dict):
            if parameters.get("migrate_to_chat_id"):
                return ChatMigrated(int(parameters["migrate_to_chat_id"]))
            if parameters.get("retry_after"):
                return RetryAfter(int(parameters["retry_after"]))
    if status == HTTPStatus.FORBIDDEN:
        return Forbidden(message)
    if status in (HTTPStatus.NOT_FOUND, HTTPStatus.UNAUTHORIZED):
        return InvalidToken(message)
    if status == HTTPStatus.BAD_REQUEST:
        return BadRequest(message)
    if status == HTTPStatus.CONFLICT:
        return Conflict(message)
    return NetworkError(message)


class BotApi:
    """Bot API methods as plain JSON on the bot's own aiohttp session: `await api.call("sendMessage",
    chat_id=1, text="hi")` gives the `result` of the answer (a dict, a bool...) or raises PTB's error."""

    def __init__(self, bot: Bot) -> None:
        if not isinstance(bot.request, AiohttpRequest):
            raise TypeError("BotApi needs a Bot built with AiohttpRequest (see telegram_bot)")
        self._request = bot.request
        self._base = bot.base_url

    async def call(self, method: str, upload: Upload | None = None, **params: Any) -> Any:
        """`method` with `params` (None values left out; PTB objects such as keyboards as their dicts)."""
        given = {k: as_json(v) if isinstance(v, TelegramObject) else v for k, v in params.items() if v is not None}
        body: Mapping[str, Any] | aiohttp.FormData = given
        if upload is not None:
            form = aiohttp.FormData()
            for name, value in given.items():
                form.add_field(name, value if isinstance(value, str) else json.dumps(value))
            form.add_field(upload.field, upload.content, filename=upload.filename, content_type=upload.mime)
            body = form
        status, payload = await self._request.exchange("POST", f"{self._base}/{method}", body, media=upload is not None)
        if not HTTPStatus.OK <= status <= 299:
            raise refusal(status, payload)
        try:
            answer = json.loads(payload)
        except ValueError as error:
            raise TelegramError("Invalid server response") from error
        if not isinstance(answer, dict) or not answer.get("ok"):
            raise refusal(HTTPStatus.BAD_REQUEST if isinstance(answer, dict) else status, payload)
        return answer.get("result")


@lru_cache(maxsize=1024)
def as_json(value: TelegramObject) -> dict[str, Any]:
    """A PTB object (a keyboard) as its JSON dict, made once per object: keyboards are shared (see
    render.keyboard_of) and PTB's `to_dict` walks every button each time. The dict is only serialized."""
    return value.to_dict()


def telegram_bot(token: str, base_url: str, *, connections: int = 16, timeout: float = 10.0) -> Bot:
    """A PTB Bot whose calls go over aiohttp (one connection for long polls, `connections` for the rest)."""
    return Bot(
        token,
        base_url=base_url,
        request=AiohttpRequest(connections=connections, timeout=timeout),
        get_updates_request=AiohttpRequest(connections=1, timeout=timeout),
    )
