"""A client that goes away mid-body costs one log line (no traceback), and the next request is served: the
webhook app under a real uvicorn, a raw socket that sends half a body and closes."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
import uvicorn

from bot.server import create_app
from tests.channels.telegram.conftest import CHAT, SECRET, TelegramRig
from tests.channels.telegram.fake_bot_api import ListeningServer


def head(path: str, length: int, *headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {length}", *headers, "", ""]
    return "\r\n".join(lines).encode("latin-1")


async def status_of(port: int, request: bytes) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    line = await asyncio.wait_for(reader.readline(), timeout=30)
    writer.close()
    return int(line.split()[1])


@pytest.mark.parametrize("chunked", [False, True])
async def test_a_client_gone_mid_body_is_one_line(
    rig: TelegramRig, caplog: pytest.LogCaptureFixture, chunked: bool
) -> None:
    app = create_app(telegram=rig.channel, telegram_secret=SECRET)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_config=None, access_log=False)
    server = ListeningServer(config)
    serving = asyncio.create_task(server.serve())
    await server.ready.wait()
    port = server.servers[0].sockets[0].getsockname()[1]
    went_away = asyncio.Event()

    class Watch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "went away" in record.getMessage():
                went_away.set()

    watch = Watch()
    logging.getLogger().addHandler(watch)
    secret = f"X-Telegram-Bot-Api-Secret-Token: {SECRET}"
    try:
        with caplog.at_level(logging.DEBUG):
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
            if chunked:
                start = head("/telegram/webhook", 0, secret, "Transfer-Encoding: chunked").replace(
                    b"Content-Length: 0\r\n", b""
                )
                writer.write(start + b'9\r\n{"update_\r\n')
            else:
                writer.write(head("/telegram/webhook", 1000, secret) + b'{"update_id": 1, "mess')
            await writer.drain()
            writer.close()
            await writer.wait_closed()
            await asyncio.wait_for(went_away.wait(), timeout=30)
            update = json.dumps(rig.api.text_update(CHAT, "I feel bloated")).encode()
            ok = await status_of(port, head("/telegram/webhook", len(update), secret) + update)
            await rig.channel.wait_processed(1)
    finally:
        logging.getLogger().removeHandler(watch)
        server.should_exit = True
        await serving
    assert ok == 200 and "bloating" in "\n".join(rig.texts()), "the next request is served"
    ours = [r for r in caplog.records if r.name.startswith(("reflexbot.server", "uvicorn", "starlette"))]
    assert [r.getMessage() for r in ours] == ["a client went away before its request body arrived (/telegram/webhook)"]
    assert all(r.exc_info is None for r in caplog.records) and "Traceback" not in caplog.text
