"""An in-process fake of the Telegram Bot API that checks every request and answer against the public spec.

Serve it with `async with FakeBotApi.running() as api:` and point python-telegram-bot at `api.base_url`.
Requests and answers are validated against the Bot API 8.1 OpenAPI spec in `../shared/peers/`; anything
wrong lands in `api.violations` (tests require it empty), and a bad request is answered 400 as Telegram would.
The spec allows extra properties, so the newer optional fields PTB 22.8 (Bot API 10.0) sends are fine.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from functools import cache
from pathlib import Path
from typing import Any, TypedDict, Unpack
from urllib.parse import parse_qsl

import uvicorn
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

SPEC_PATH = Path(__file__).resolve().parents[3].parent / "shared" / "peers" / "telegram_bot_api_8.1.openapi.json"
TOKEN = "123456:AAHfakeTokenForReflexbotTests"
SPEC_URI = "urn:telegram-bot-api-8.1"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
ERRORS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
JsonDict = dict[str, Any]


class ApiError(Exception):
    """An error answer, raised by a method handler: `{"ok": false, "error_code": status, ...}`."""

    def __init__(self, status: int, description: str, retry_after: int | None = None, migrate_to: int | None = None):
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after
        self.migrate_to = migrate_to

    def body(self) -> JsonDict:
        """The JSON answer Telegram gives for this error."""
        body: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        if self.migrate_to is not None:  # a group that became a supergroup
            body["parameters"] = {"migrate_to_chat_id": self.migrate_to}
        return body


@dataclass(frozen=True)
class Call:
    """One request the bot made: method, decoded parameters, wall-clock time and the HTTP status answered."""

    method: str
    params: JsonDict
    at: float
    status: int


class Sender(TypedDict, total=False):
    """Who writes an update: the user id defaults to the chat id, as in private chats."""

    user_id: int
    first_name: str
    language_code: str


class Spec:
    """The OpenAPI document, with validators for its request, response and object schemas."""

    def __init__(self, path: Path = SPEC_PATH):
        self.doc: JsonDict = json.loads(path.read_text(encoding="utf-8"))
        self.methods = {name[1:].lower(): name[1:] for name in self.doc["paths"]}
        resource = Resource.from_contents(self.doc, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        self.validator = cache(self._validator)

    def _validator(self, pointer: str) -> Draft202012Validator:
        return Draft202012Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=self.registry)

    def errors(self, pointer: str, instance: Any, what: str) -> list[str]:
        """Every way `instance` breaks the schema at `pointer`, as readable lines."""
        return [
            f"{what} at /{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in self.validator(pointer).iter_errors(instance)
        ]

    def request_pointer(self, method: str) -> str | None:
        """Pointer to the request body schema (None for methods that take no parameters)."""
        body = self.doc["paths"][f"/{method}"]["post"].get("requestBody")
        if body is None:
            return None
        content = "application/json" if "application/json" in body["content"] else "multipart/form-data"
        return f"/paths/~1{method}/post/requestBody/content/{content.replace('/', '~1')}/schema"

    def decode_field(self, pointer: str | None, name: str, raw: str) -> Any:
        """A form value as PTB means it: JSON for non-strings (`5`, `{...}`), else the raw string."""
        try:
            value = json.loads(raw)
        except ValueError:
            return raw
        if isinstance(value, str) or pointer is None:
            return raw
        known = name in self.doc_at(pointer).get("properties", {})
        fits = not known or self.validator(f"{pointer}/properties/{name}").is_valid(value)
        return value if fits else raw

    def doc_at(self, pointer: str) -> JsonDict:
        """The spec node at a JSON pointer."""
        node: Any = self.doc
        for part in pointer.strip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return dict(node)


@cache
def load_spec() -> Spec:
    """The spec, parsed once per test session."""
    return Spec()


async def read_params(request: Request, spec: Spec, pointer: str | None) -> JsonDict:
    """Parameters from the query string and a JSON, url-encoded or multipart body; files become small dicts."""
    fields: list[tuple[str, Any]] = list(request.query_params.multi_items())
    body, kind = await request.body(), request.headers.get("content-type", "")
    try:
        data: Any = json.loads(body) if body and kind.startswith("application/json") else {}
    except ValueError as error:
        raise ApiError(400, f"Bad Request: can't parse JSON object: {error}") from error
    if not isinstance(data, dict):
        raise ApiError(400, "Bad Request: the JSON body must be an object")
    if body and kind.startswith("application/x-www-form-urlencoded"):
        fields += parse_qsl(body.decode(), keep_blank_values=True)
    elif body and kind.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {kind}\r\n\r\n".encode() + body)
        for part in message.iter_parts():
            name, payload = part.get_param("name", header="content-disposition"), part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            if part.get_filename() is None:
                fields.append((str(name), payload.decode()))
            else:  # an upload: its shape, and its bytes for the tests that read what was sent
                file = {
                    "filename": part.get_filename(),
                    "content_type": part.get_content_type(),
                    "size": len(payload),
                    "content": payload,
                }
                fields.append((str(name), file))
    return {k: spec.decode_field(pointer, k, v) if isinstance(v, str) else v for k, v in fields} | data


class ListeningServer(uvicorn.Server):
    """A uvicorn server that says when it is listening (shared by the tests' local stand-ins)."""

    def __init__(self, config: uvicorn.Config):
        super().__init__(config)
        self.ready = asyncio.Event()

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets=sockets)
        self.ready.set()


class FakeBotApi:
    """A stateful Telegram Bot API for one bot: private and group chats, updates, webhook, scripted failures.

    Attributes: `base_url` (for `Bot(token, base_url=...)`, set by `running`), `sent` (every call, in order),
    `violations` (spec violations in requests, answers and built updates), `me` (the bot user), `webhook`
    (the last setWebhook parameters), `commands` (by scope and language), `pending` (updates not yet confirmed
    by a getUpdates offset) and `polling` (an event set while a long poll waits).
    """

    def __init__(
        self,
        token: str = TOKEN,
        *,
        username: str = "reflexbot_test_bot",
        poll_cap: float = 5.0,
        clock: Callable[[], float] = time.time,
    ):
        self.token, self.poll_cap, self.clock, self.spec = token, poll_cap, clock, load_spec()
        self.me: JsonDict = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Reflexbot",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.base_url = ""
        self.sent: list[Call] = []
        self.violations: list[str] = []
        self.webhook: JsonDict = {}
        self.commands: dict[str, list[JsonDict]] = {}
        self.pending: list[JsonDict] = []
        self.uploads: list[JsonDict] = []  # photos uploaded (filename, content_type, size), in order
        self._photos: dict[str, list[JsonDict]] = {}  # file_id -> the photo sizes it belongs to
        self._messages: dict[int, dict[int, JsonDict]] = defaultdict(dict)
        self._message_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self._update_ids, self._ids = itertools.count(1), itertools.count(1)
        self._failures: dict[str, deque[ApiError]] = defaultdict(deque)
        self._blocked: set[int] = set()
        self._callbacks: dict[str, JsonDict | None] = {}
        self._arrived, self._closing = asyncio.Event(), False
        self.polling = asyncio.Event()  # set while a getUpdates long poll is waiting
        self.app = Starlette(routes=[Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"])])

    @classmethod
    @contextlib.asynccontextmanager
    async def running(cls, token: str = TOKEN, **options: Any) -> AsyncIterator[FakeBotApi]:
        """Serve a fresh fake on 127.0.0.1 at a free port for the duration of the block."""
        api = cls(token, **options)
        config = uvicorn.Config(
            api.app,
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="off",
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        server = ListeningServer(config)
        task = asyncio.create_task(server.serve())
        ready = asyncio.ensure_future(server.ready.wait())
        try:
            await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
            if not server.started:
                raise RuntimeError("the fake Bot API did not start")
            api.base_url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}/bot"
            yield api
        finally:
            ready.cancel()
            api._closing = True
            api._arrived.set()
            server.should_exit = True
            await task

    # --- inspection -------------------------------------------------------------------------------
    def calls(self, method: str) -> list[Call]:
        """The recorded calls of one method, in order."""
        return [call for call in self.sent if call.method == method]

    def messages(self, chat_id: int) -> dict[int, JsonDict]:
        """The bot's messages in a chat as they are now (after edits and deletions), by message id."""
        return dict(self._messages[chat_id])

    def answered_callbacks(self) -> dict[str, JsonDict]:
        """Answered callback queries: id -> the answerCallbackQuery parameters."""
        return {qid: answer for qid, answer in self._callbacks.items() if answer is not None}

    def unanswered_callbacks(self) -> list[str]:
        """Ids of callback queries handed out in updates and not answered yet."""
        return [qid for qid, answer in self._callbacks.items() if answer is None]

    def webhook_headers(self) -> dict[str, str]:
        """Headers Telegram adds when it delivers an update to the webhook."""
        secret = self.webhook.get("secret_token")
        return {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}

    # --- scripting --------------------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = None,
        description: str | None = None,
        migrate_to: int | None = None,
    ) -> None:
        """Answer the next call of `method` with an error (429 carries `retry_after`, default 3; a 400 may
        say the group moved to `migrate_to`)."""
        if status == 429:
            retry_after = 3 if retry_after is None else retry_after
            description = description or f"Too Many Requests: retry after {retry_after}"
        error = ApiError(status, description or ERRORS.get(status, "Error"), retry_after, migrate_to)
        self._failures[method].append(error)

    def unblock(self, chat_id: int) -> None:
        """The user unblocked the bot."""
        self._blocked.discard(chat_id)

    def block(self, chat_id: int) -> None:
        """From now on, every call aimed at this chat answers 403 as when the user blocked the bot."""
        self._blocked.add(chat_id)

    def queue(self, update: JsonDict) -> None:
        """Make an update available to getUpdates (and wake a waiting long poll)."""
        self.pending.append(update)
        self._arrived.set()
        self._arrived = asyncio.Event()

    # --- updates ----------------------------------------------------------------------------------
    def text_update(
        self, chat_id: int, text: str, user_id: int | None = None, first_name: str = "Amira", language_code: str = "en"
    ) -> JsonDict:
        """A private text message from a user."""
        return self._message_update(
            chat_id, Sender(user_id=user_id or chat_id, first_name=first_name, language_code=language_code), text=text
        )

    def command_update(self, chat_id: int, command: str, **who: Unpack[Sender]) -> JsonDict:
        """A command such as `/start bloating`, with its `bot_command` entity."""
        entity = {"type": "bot_command", "offset": 0, "length": len(command.split(" ", 1)[0])}
        return self._message_update(chat_id, who, text=command, entities=[entity])

    def callback_update(self, chat_id: int, data: str, message_id: int, **who: Unpack[Sender]) -> JsonDict:
        """A button press on a message the bot sent."""
        if message_id not in self._messages[chat_id]:
            raise ValueError(f"the bot has no message {message_id} in chat {chat_id}")
        query_id = str(next(self._ids) * 1_000_003)
        self._callbacks[query_id] = None
        message = json.loads(json.dumps(self._messages[chat_id][message_id]))  # a snapshot, as Telegram sends
        query = {
            "id": query_id,
            "from": self._user(chat_id, who),
            "message": message,
            "chat_instance": f"-{chat_id}77",
            "data": data,
        }
        return self._update(callback_query=query)

    def photo_update(self, chat_id: int, caption: str | None = None, **who: Unpack[Sender]) -> JsonDict:
        """A photo (two sizes), with an optional caption."""
        photo = [self._file(width=90, height=67), self._file(width=1280, height=960)]
        return self._message_update(chat_id, who, photo=photo, **({"caption": caption} if caption else {}))

    def sticker_update(self, chat_id: int, emoji: str = "👍", **who: Unpack[Sender]) -> JsonDict:
        """A regular static sticker."""
        sticker = self._file(type="regular", width=512, height=512, is_animated=False, is_video=False, emoji=emoji)
        return self._message_update(chat_id, who, sticker=sticker)

    def voice_update(self, chat_id: int, duration: int = 4, **who: Unpack[Sender]) -> JsonDict:
        """A voice note."""
        return self._message_update(chat_id, who, voice=self._file(duration=duration, mime_type="audio/ogg"))

    def document_update(
        self, chat_id: int, file_name: str = "report.pdf", mime_type: str = "application/pdf", **who: Unpack[Sender]
    ) -> JsonDict:
        """A file sent as a document."""
        return self._message_update(chat_id, who, document=self._file(file_name=file_name, mime_type=mime_type))

    def location_update(self, chat_id: int, latitude: float, longitude: float, **who: Unpack[Sender]) -> JsonDict:
        """A shared location."""
        return self._message_update(chat_id, who, location={"latitude": latitude, "longitude": longitude})

    def edited_message_update(self, chat_id: int, message_id: int, text: str, **who: Unpack[Sender]) -> JsonDict:
        """The user edited one of their earlier text messages."""
        message = self._message(chat_id, who, message_id=message_id, text=text)
        return self._update(edited_message={**message, "edit_date": int(self.clock())})

    def group_text_update(
        self, group_chat_id: int, text: str, title: str = "Foot care circle", **who: Unpack[Sender]
    ) -> JsonDict:
        """A text message in a group chat (ids of groups are negative)."""
        message = self._message(group_chat_id, {"user_id": 1001, **who}, text=text)
        return self._update(message={**message, "chat": {"id": group_chat_id, "type": "group", "title": title}})

    def _user(self, chat_id: int, who: Sender) -> JsonDict:
        return {
            "id": who.get("user_id") or chat_id,
            "is_bot": False,
            "first_name": who.get("first_name", "Amira"),
            "language_code": who.get("language_code", "en"),
        }

    def _message(self, chat_id: int, who: Sender, message_id: int | None = None, **content: Any) -> JsonDict:
        user = self._user(chat_id, who)
        chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        return {
            "message_id": message_id or next(self._message_ids[chat_id]),
            "from": user,
            "chat": chat,
            "date": int(self.clock()),
            **content,
        }

    def _message_update(self, chat_id: int, who: Sender, **content: Any) -> JsonDict:
        return self._update(message=self._message(chat_id, who, **content))

    def _file(self, **fields: Any) -> JsonDict:
        n = next(self._ids)
        return {"file_id": f"AgACAgQAAxkBAAI{n:06d}", "file_unique_id": f"AQAD{n:06d}", "file_size": 1000 + n, **fields}

    def _update(self, **fields: Any) -> JsonDict:
        update = {"update_id": next(self._update_ids), **fields}
        self.violations += self.spec.errors("/components/schemas/Update", update, "update")
        return update

    # --- HTTP -------------------------------------------------------------------------------------
    async def _endpoint(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token:
            return JSONResponse(ApiError(401, "Unauthorized").body(), status_code=401)
        method = self.spec.methods.get(request.path_params["method"].lower())
        if method is None:
            return JSONResponse(ApiError(404, "Not Found").body(), status_code=404)
        pointer, params, at = self.spec.request_pointer(method), None, self.clock()
        try:
            params = await read_params(request, self.spec, pointer)
            result = await self._answer(method, params, pointer)
            body: JsonDict = {"ok": True, "result": result}
            schema, status = f"/paths/~1{method}/post/responses/200/content/application~1json/schema", 200
        except ApiError as error:
            if params is None:  # the body itself could not be read
                self.violations.append(f"{method}: request: {error.description}")
            body, schema, status = error.body(), "/components/schemas/Error", error.status
        except Exception as error:  # a bug in the fake: make the test fail loudly, not hang or pass
            self.violations.append(f"{method}: FakeBotApi crashed: {error!r}")
            body, schema, status = ApiError(500, "Internal Server Error").body(), "/components/schemas/Error", 500
        self.sent.append(Call(method, params or {}, at, status))
        self.violations += [f"{method}: {line}" for line in self.spec.errors(schema, body, "response")]
        return JSONResponse(body, status_code=status)

    async def _answer(self, method: str, params: JsonDict, pointer: str | None) -> Any:
        if pointer is not None:
            problems = self.spec.errors(pointer, params, "request") or self._beyond_spec(params)
        else:
            problems = [f"request: {method} takes no parameters, got {sorted(params)}"] if params else []
        if problems:
            self.violations += [f"{method}: {line}" for line in problems]
            raise ApiError(400, f"Bad Request: {problems[0]}")
        if params.get("chat_id") in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if self._failures[method]:
            raise self._failures[method].popleft()
        handler = getattr(self, "_do_" + re.sub(r"(?<!^)(?=[A-Z])", "_", method).lower(), None)
        if handler is None:
            self.violations.append(f"{method}: not implemented by FakeBotApi")
            raise ApiError(400, f"Bad Request: {method} is not implemented by FakeBotApi")
        return await handler(params)

    @staticmethod
    def _beyond_spec(params: JsonDict) -> list[str]:
        """Limits Telegram enforces that the spec only states in prose."""
        rows = params.get("reply_markup", {}).get("inline_keyboard", [])
        problems = [
            f"request: callback_data {button['callback_data']!r} is over 64 bytes"
            for row in rows
            for button in row
            if len(button.get("callback_data", "").encode()) > 64
        ]
        caption = params.get("caption")
        if isinstance(caption, str) and len(caption) > 1024:  # Telegram counts after entity parsing
            problems.append(f"request: caption of {len(caption)} characters is over 1024")
        return problems

    # --- methods ----------------------------------------------------------------------------------
    async def _do_get_me(self, params: JsonDict) -> JsonDict:
        return self.me

    async def _do_get_updates(self, params: JsonDict) -> list[JsonDict]:
        if self.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset, limit = params.get("offset", 0), params.get("limit", 100)
        if offset > 0:  # confirms (and forgets) every update before it
            self.pending = [update for update in self.pending if update["update_id"] >= offset]
        elif offset < 0:  # keeps only the last -offset updates
            self.pending = self.pending[offset:]
        if not self.pending and not self._closing:  # long poll: until an update is queued, the timeout or shutdown
            self.polling.set()
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait(), min(params.get("timeout", 0), self.poll_cap))
            finally:
                self.polling.clear()
        return self.pending[:limit]

    async def _do_set_webhook(self, params: JsonDict) -> bool:
        self.webhook = dict(params)
        if params.get("drop_pending_updates"):
            self.pending.clear()
        return True

    async def _do_delete_webhook(self, params: JsonDict) -> bool:
        self.webhook = {}
        if params.get("drop_pending_updates"):
            self.pending.clear()
        return True

    async def _do_get_webhook_info(self, params: JsonDict) -> JsonDict:
        info = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending),
        }
        return info | {k: self.webhook[k] for k in ("max_connections", "allowed_updates") if k in self.webhook}

    async def _do_set_my_commands(self, params: JsonDict) -> bool:
        self.commands[self._commands_key(params)] = params["commands"]
        return True

    async def _do_get_my_commands(self, params: JsonDict) -> list[JsonDict]:
        return self.commands.get(self._commands_key(params), [])

    async def _do_send_message(self, params: JsonDict) -> JsonDict:
        return self._store(params, text=params["text"])

    async def _do_send_photo(self, params: JsonDict) -> JsonDict:
        given = params["photo"]
        if isinstance(given, str):  # a file_id Telegram gave earlier (URLs are not used by the bot)
            photo = self._photos.get(given)
            if photo is None:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        else:  # an upload: Telegram takes images (<= 10 MB) and makes its sizes
            if given["content_type"] not in ("image/png", "image/jpeg") or not 0 < given["size"] <= 10_000_000:
                raise ApiError(400, f"Bad Request: IMAGE_PROCESS_FAILED ({given['content_type']}, {given['size']} B)")
            self.uploads.append(given)
            photo = [self._file(width=320, height=320), self._file(width=800, height=800)]
            for size in photo:
                self._photos[size["file_id"]] = photo
        return self._store(params, photo=photo, **({"caption": params["caption"]} if "caption" in params else {}))

    async def _do_send_document(self, params: JsonDict) -> JsonDict:
        given = params["document"]
        if isinstance(given, str):
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if not 0 < given["size"] <= 50_000_000:  # bots upload documents of up to 50 MB
            raise ApiError(400, f"Bad Request: file of {given['size']} B")
        self.uploads.append(given)
        document = self._file(file_name=given["filename"], mime_type=given["content_type"])
        return self._store(params, document=document, **({"caption": params["caption"]} if "caption" in params else {}))

    async def _do_send_chat_action(self, params: JsonDict) -> bool:
        self._chat(params)
        return True

    async def _do_edit_message_text(self, params: JsonDict) -> JsonDict | bool:
        return self._edit(params, "message to edit not found", text=params["text"])

    async def _do_edit_message_reply_markup(self, params: JsonDict) -> JsonDict | bool:
        return self._edit(params, "message to edit not found")

    async def _do_delete_message(self, params: JsonDict) -> bool:
        if self._messages[self._chat(params)].pop(params["message_id"], None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    async def _do_answer_callback_query(self, params: JsonDict) -> bool:
        if self._callbacks.get(params["callback_query_id"], {}) is not None:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        self._callbacks[params["callback_query_id"]] = params
        return True

    def _chat(self, params: JsonDict) -> int:
        if not isinstance(params["chat_id"], int):
            raise ApiError(400, "Bad Request: chat not found")
        return int(params["chat_id"])

    def _store(self, params: JsonDict, **content: Any) -> JsonDict:
        chat_id = self._chat(params)
        message = {
            "message_id": next(self._message_ids[chat_id]),
            "from": self.me,
            "date": int(self.clock()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            **content,
        }
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        self._messages[chat_id][message["message_id"]] = message
        return message

    def _edit(self, params: JsonDict, missing: str, **content: Any) -> JsonDict | bool:
        if "inline_message_id" in params:
            return True
        message = self._messages[self._chat(params)].get(params.get("message_id", 0))
        if message is None:
            raise ApiError(400, f"Bad Request: {missing}")
        if "text" in content and "text" not in message:  # a photo cannot become a text message
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        markup = params.get("reply_markup")  # an edit without markup removes the keyboard, as on Telegram
        if all(message.get(k) == v for k, v in content.items()) and message.get("reply_markup") == markup:
            raise ApiError(400, NOT_MODIFIED)
        message.update(content, edit_date=int(self.clock()))
        message.pop("reply_markup", None)
        if markup is not None:
            message["reply_markup"] = markup
        return message

    @staticmethod
    def _commands_key(params: JsonDict) -> str:
        return json.dumps([params.get("scope", {"type": "default"}), params.get("language_code", "")])
