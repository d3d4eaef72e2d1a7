"""Requests without credentials cost the server little: bodies are bounded before they are read.

A real `reflexbot serve` process (Telegram and WhatsApp on, SQLite) gets what an attacker would send:
oversize bodies declared, chunked without a length and streamed, forms with tens of thousands of fields,
bodies that trickle in, and malformed headers, on every route. Each is answered 413/400/408/403, the
server's resident memory grows by a few MB at most over 20 of them in parallel, and a valid request
right after still works.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import psutil
import pytest
from twilio.request_validator import RequestValidator

from tests.prod.cluster import ROOT, SECRET, TOKEN, StandInProcess, free_port, wait_for

pytestmark = pytest.mark.slow

TWILIO_TOKEN = "twilio-auth-token-for-hostile-tests"
PUBLIC = "https://bot.example.com"
PLAUSIBLE_SIGNATURE = "A" * 27 + "="  # base64 of 20 bytes: the shape of HMAC-SHA1, the wrong value
MB = 1024 * 1024
ROUTES = ("/telegram/webhook", "/whatsapp/webhook", "/whatsapp/status", "/healthz", "/nowhere")


@dataclass
class Running:
    port: int
    pid: int

    def rss(self) -> int:
        return int(psutil.Process(self.pid).memory_info().rss)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    folder = tmp_path_factory.mktemp("hostile")
    standin = StandInProcess(rate=1000).start()
    config = folder / "config.toml"
    config.write_text(
        f'[storage]\nurl = "sqlite:///{folder / "bot.sqlite3"}"\n'
        f'[server]\npublic_url = "{PUBLIC}"\nbody_timeout_seconds = 1\n'
        f'[telegram]\nenabled = true\nmode = "webhook"\napi_base_url = "{standin.base}/bot"\n'
        f'[whatsapp]\nenabled = true\nfrom = "whatsapp:+14155238886"\napi_base_url = "{standin.base}"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_", "REFLEXBOT_"))}
    env |= {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "REFLEXBOT_CONFIG": str(config),
    }
    port = free_port()
    log = folder / "serve.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--config", str(config), "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        yield Running(port, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=60)
        standin.stop()
    assert "Traceback" not in log.read_text(), log.read_text()


def head(path: str, *headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *headers, "", ""]
    return "\r\n".join(lines).encode("latin-1")


async def send(port: int, start: bytes, chunks: Iterator[bytes]) -> int:
    """Send `start`, then `chunks` until the server answers; the answer's status (0: connection closed
    with no answer). Writing and reading run together, as a real client's would."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)

    async def pump() -> None:
        try:
            writer.write(start)
            await writer.drain()
            for chunk in chunks:
                writer.write(chunk)
                await writer.drain()
        except ConnectionError:
            pass  # the server answered and closed: what we want

    pumping = asyncio.create_task(pump())
    try:
        line = await asyncio.wait_for(reader.readline(), timeout=60)
    except ConnectionError:
        line = b""
    finally:
        pumping.cancel()
        writer.close()
    return int(line.split()[1]) if line.startswith(b"HTTP/1.1") else 0


def chunked(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """A chunked body of `total` bytes, never declared."""
    piece = b"x" * size
    for _ in range(total // size):
        yield b"%x\r\n%s\r\n" % (size, piece)


def streamed(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    piece = b"x" * size
    for _ in range(total // size):
        yield piece


def fields(count: int) -> bytes:
    return b"&".join(b"f%d=" % i for i in range(count))


Case = tuple[str, int, bytes, Iterator[bytes]]


def hostile() -> list[Case]:
    """(what, the status it must get, the request's head, its body) for one of everything."""
    secret = f"X-Telegram-Bot-Api-Secret-Token: {SECRET}"
    signature = f"X-Twilio-Signature: {PLAUSIBLE_SIGNATURE}"
    form_type = "Content-Type: application/x-www-form-urlencoded"
    many = fields(10_000)  # 58 KB: under the byte limit, far over the field limit
    huge = f"Content-Length: {300 * MB}"
    cases: list[Case] = []
    for path in ROUTES[:3]:
        auth = secret if path.startswith("/telegram") else signature
        cases += [
            (f"{path} declares 300 MB", 413, head(path, auth, huge), iter(())),
            (f"{path} chunked 40 MB", 413, head(path, auth, "Transfer-Encoding: chunked"), chunked(40 * MB)),
            (f"{path} streams past its limit", 413, head(path, auth, huge), streamed(8 * MB)),
            (f"{path} trickles", 408, head(path, auth, "Content-Length: 1000"), iter([b"x" * 10])),
            (f"{path} bad length", 400, head(path, auth, "Content-Length: 12abc"), iter(())),
        ]
    for path in ROUTES[1:3]:
        cases += [
            (
                f"{path} 10,000 fields",
                400,
                head(path, signature, form_type, f"Content-Length: {len(many)}"),
                iter([many]),
            ),
            (f"{path} unsigned 40 MB", 403, head(path, "Transfer-Encoding: chunked"), chunked(40 * MB)),
            (
                f"{path} signature not base64",
                403,
                head(path, "X-Twilio-Signature: %%%%", "Content-Length: 3"),
                iter([b"a=b"]),
            ),
            (
                f"{path} signature 10 KB",
                403,
                head(path, "X-Twilio-Signature: " + "A" * 10_000, "Content-Length: 3"),
                iter([b"a=b"]),
            ),
        ]
    long_secret = "X-Telegram-Bot-Api-Secret-Token: " + "s" * 10_000
    cases += [
        ("telegram secret 10 KB", 403, head(ROUTES[0], long_secret, "Content-Length: 2"), iter([b"{}"])),
        ("telegram no secret, 40 MB", 403, head(ROUTES[0], "Transfer-Encoding: chunked"), chunked(40 * MB)),
        ("unknown route, 300 MB declared", 413, head("/nowhere", huge), iter(())),
        ("unknown route, chunked", 404, head("/nowhere", "Transfer-Encoding: chunked"), chunked(8 * MB)),
        ("health with a body", 405, head("/healthz", "Content-Length: 4"), iter([b"abcd"])),
    ]
    return cases


async def test_every_hostile_request_gets_its_answer(server: Running) -> None:
    cases = hostile()
    statuses = await asyncio.gather(*(send(server.port, start, body) for _what, _status, start, body in cases))
    assert dict(zip([what for what, *_ in cases], statuses, strict=True)) == {
        what: status for what, status, *_ in cases
    }


async def test_twenty_in_parallel_leave_memory_flat_and_a_valid_request_works(server: Running) -> None:
    for _warm in range(2):
        await asyncio.gather(*(send(server.port, start, body) for _what, _status, start, body in hostile()))
    before = server.rss()
    twenty = [case for _ in range(3) for case in hostile() if "MB" in case[0] or "fields" in case[0]][:20]
    statuses = await asyncio.gather(*(send(server.port, start, body) for _what, _status, start, body in twenty))
    grown = server.rss() - before
    assert statuses == [status for _what, status, *_ in twenty]
    assert grown < 8 * MB, f"resident memory grew by {grown / MB:.1f} MB"
    await valid_requests_work(server.port)


async def valid_requests_work(port: int) -> None:
    base = f"http://127.0.0.1:{port}"
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": 424242, "type": "private"},
            "from": {"id": 424242, "is_bot": False, "first_name": "Mona"},
            "text": "hi",
        },
    }
    form = {"MessageSid": "SM" + "3" * 32, "MessageStatus": "delivered", "To": "whatsapp:+971501234567"}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(PUBLIC + "/whatsapp/status", form)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        telegram = await client.post(
            "/telegram/webhook",
            content=json.dumps(update),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"},
        )
        whatsapp = await client.post("/whatsapp/status", data=form, headers={"X-Twilio-Signature": signature})
    assert telegram.status_code == 200
    assert whatsapp.status_code == 204  # signed, so taken (a status report has no reply to send)
