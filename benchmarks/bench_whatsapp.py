"""WhatsApp webhook cost: reflexbot (`reflexbot serve`, SQLite, the durable inbox) beside a bare Twilio SDK
echo bot (benchmarks/whatsapp_echo_bot.py), each in its own process, on the same Twilio stand-in, paced and
unpaced, several runs.

    .venv/bin/python benchmarks/bench_whatsapp.py [--runs 3] [--updates 400] [--rate 40] [--people 50]
        [--standin prism|plain]            # Twilio's spec under Prism (default, when installed) or a bare 201
        [--profile reflexbot|echo]         # py-spy on that bot's paced phase (first run): top 10, and by package

The stand-in: a Messages endpoint in this process that counts every create and answers it. With `prism`
(tests/channels/whatsapp/prism.py: Stoplight Prism serving Twilio's own OpenAPI spec, installed by the
WhatsApp tests into .peers) each create is passed on to Prism, which checks it against the spec; the answer
is Prism's (the spec's example message, 201), and its complaints are the run's spec violations. As in the
tests, `MediaUrl` reaches Prism as `MediaUrl[]` (Prism 5.14 reads a form array only so) and is checked
against the spec's schema here; each run also gives Prism's median answering time (a busy machine slows it).
With `plain` (or no Prism) it answers 201 with a plausible message at once.

Per bot and run: a fresh stand-in and a fresh bot process; every person says "hi" and "I feel bloated"
first (returning people), then, with Twilio-signed forms (RequestValidator) over `[server] public_url`:
- paced: `--updates` updates at `--rate` per second; **CPU per update** is the bot process's CPU time
  (user + system, psutil) from the first POST to the last Messages create, divided by the updates;
- unpaced: `--updates` updates posted at once; throughput is updates / seconds to the last create.
reflexbot's sender pacing is opened wide (Twilio's per-sender rate would measure the limit, not the code);
the echo bot sends the Body back in one message.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
import uvicorn
from jsonschema import Draft202012Validator
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_telegram import BotProcess, _samples, _short, at_rate, profiled, until_quiet  # noqa: E402
from tests.channels.telegram.fake_bot_api import ListeningServer  # noqa: E402
from tests.channels.whatsapp import prism as prism_server  # noqa: E402
from tests.prod.cluster import free_port  # noqa: E402

ACCOUNT, TOKEN = "AC" + "1" * 32, "bench-twilio-auth-token"
FROM, PUBLIC = "whatsapp:+14155238886", "https://bot.example.com"
SAID = "I feel bloated"
MESSAGES = "/2010-04-01/Accounts/{account}/Messages.json"
PACKAGES = (
    "twilio",
    "aiohttp",
    "aiohttp_retry",
    "sqlalchemy",
    "bot/engine",
    "bot/nlu",
    "bot/channels",
    "starlette",
    "uvicorn",
    "asyncio",
)


class TwilioStandIn:
    """The Messages endpoint for one run: `sent` (every create's form, in order), `violations`; each create
    passed on to Prism when there is one, else answered 201 at once."""

    def __init__(self, prism: prism_server.Prism | None) -> None:
        self.prism = prism
        self.sent: list[list[tuple[str, str]]] = []
        self.violations: list[str] = []
        self.upstream_ms: list[float] = []  # Prism's answering time, per create
        self.base_url = ""
        self._log_start = len(prism.lines) if prism is not None else 0
        self._upstream = httpx.AsyncClient(
            base_url=prism.url if prism else "http://127.0.0.1", limits=httpx.Limits(max_connections=64)
        )
        self._sids = itertools.count(1)
        self._media_schema: Draft202012Validator | None = None
        self.app = Starlette(routes=[Route(MESSAGES.format(account="{account}"), self.create, methods=["POST"])])

    async def create(self, request: Request) -> Response:
        fields = parse_qsl((await request.body()).decode(), keep_blank_values=True)
        self.sent.append(fields)
        if self.prism is None:
            form = dict(fields)
            sid = f"SM{next(self._sids):032x}"
            return JSONResponse(_message(request.path_params["account"], sid, form), status_code=201)
        media = [value for key, value in fields if key == "MediaUrl"]
        if media:
            self.violations += [f"MediaUrl: {p}" for p in self._media_problems(media)]
        body = urlencode([("MediaUrl[]" if key == "MediaUrl" else key, value) for key, value in fields])
        headers = {k: v for k, v in request.headers.items() if k.lower() in ("authorization", "content-type")}
        started = time.perf_counter()
        answer = await self._upstream.post(request.url.path, content=body, headers=headers)
        self.upstream_ms.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 201:
            self.violations.append(f"Prism answered {answer.status_code}: {answer.text[:200]}")
        return Response(answer.content, status_code=answer.status_code, media_type="application/json")

    def _media_problems(self, urls: list[str]) -> list[str]:
        """How the SDK's MediaUrl (one form key per URL) breaks the spec's schema for it (as the tests check:
        tests/channels/whatsapp/conftest.py media_url_problems, with the schema read once, not per create)."""
        if self._media_schema is None:
            document = json.loads(prism_server.SPEC.read_text(encoding="utf-8"))
            body = document["paths"][MESSAGES.format(account="{AccountSid}")]["post"]["requestBody"]
            schema = body["content"]["application/x-www-form-urlencoded"]["schema"]["properties"]["MediaUrl"]
            self._media_schema = Draft202012Validator(schema)
        problems = [error.message for error in self._media_schema.iter_errors(urls)]
        return problems + [f"{url}: not an absolute https URL" for url in urls if not url.startswith("https://")]

    def spec_violations(self) -> list[str]:
        """Ours and Prism's ([VALIDATOR] lines since this stand-in began)."""
        return self.violations + (self.prism.violations(self._log_start) if self.prism is not None else [])

    @classmethod
    @asynccontextmanager
    async def running(cls, prism: prism_server.Prism | None) -> AsyncIterator[TwilioStandIn]:
        standin = cls(prism)
        config = uvicorn.Config(standin.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        config.access_log = False
        server = ListeningServer(config)
        task = asyncio.create_task(server.serve())
        await asyncio.wait_for(server.ready.wait(), 10)
        standin.base_url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
        try:
            yield standin
        finally:
            server.should_exit = True
            await task
            await standin._upstream.aclose()


def _message(account: str, sid: str, form: dict[str, str]) -> dict[str, Any]:
    """A plausible Twilio Message resource, as a create answers it."""
    now = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
    return {
        "account_sid": account,
        "api_version": "2010-04-01",
        "body": form.get("Body", ""),
        "date_created": now,
        "date_sent": None,
        "date_updated": now,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": form.get("From"),
        "messaging_service_sid": None,
        "num_media": "1" if "MediaUrl" in form else "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "queued",
        "subresource_uris": {"media": f"/2010-04-01/Accounts/{account}/Messages/{sid}/Media.json"},
        "to": form.get("To"),
        "uri": f"/2010-04-01/Accounts/{account}/Messages/{sid}.json",
    }


def reflexbot(api: TwilioStandIn, folder: Path) -> BotProcess:
    config = folder / "config.toml"
    config.write_text(
        f'[storage]\nurl = "sqlite:///{folder / "bench.sqlite3"}"\n'
        f'[server]\npublic_url = "{PUBLIC}"\n'
        "[telegram]\nenabled = false\n"
        f'[whatsapp]\nenabled = true\nfrom = "{FROM}"\napi_base_url = "{api.base_url}"\nper_second = 1000000\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_", "REFLEXBOT_"))}
    env |= {"TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN, "REFLEXBOT_LOG_LEVEL": "WARNING"}
    port = free_port()
    argv = [sys.executable, "-m", "bot", "serve", "--config", str(config), "--port", str(port)]
    return BotProcess("reflexbot", argv, env, port)


def echo(api: TwilioStandIn, folder: Path) -> BotProcess:
    port = free_port()
    script = ROOT / "benchmarks" / "whatsapp_echo_bot.py"
    argv = [sys.executable, str(script), "--port", str(port), "--api", api.base_url, "--public-url", PUBLIC]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWILIO_")}
    env |= {"TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN}
    return BotProcess("bare Twilio echo", argv, env, port)


@dataclass
class Figures:
    cpu_ms: float  # CPU per update, paced
    rate: float  # updates/s, unpaced
    calls: float  # Messages creates per update (paced phase)
    violations: int
    idle_ms: float  # CPU per second with no traffic
    paced_rate: float = 0.0
    standin_ms: float = 0.0  # Prism's median answering time in the paced phase (0: plain stand-in)
    profile: list[str] = field(default_factory=list)
    rss_mb: float = 0.0  # resident memory after the run


class Signer:
    """Twilio's inbound form for a message, and its X-Twilio-Signature over public URL + path."""

    def __init__(self) -> None:
        self.validator = RequestValidator(TOKEN)
        self.sids = itertools.count(1)

    def form(self, person: int, body: str) -> tuple[dict[str, str], dict[str, str]]:
        sid = f"SM{next(self.sids):032x}"
        number = f"+9715{person:08d}"
        form = {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": ACCOUNT,
            "From": f"whatsapp:{number}",
            "To": FROM,
            "Body": body,
            "NumMedia": "0",
            "ProfileName": f"Person {person}",
            "WaId": number[1:],
        }
        signature = self.validator.compute_signature(PUBLIC + "/whatsapp/webhook", form)
        return form, {"X-Twilio-Signature": signature}


async def post_all(client: httpx.AsyncClient, signer: Signer, people: list[int], n: int, rate: float) -> None:
    """`n` signed updates spread over `people`, at `rate` per second (0: all at once); each must be 200."""
    forms = [signer.form(people[i % len(people)], SAID) for i in range(n)]

    async def post(i: int) -> None:
        form, headers = forms[i]
        response = await client.post("/whatsapp/webhook", data=form, headers=headers)
        assert response.status_code == 200, response.status_code

    await at_rate(n, rate, post)


def top_functions(raw: Path, count: int = 10) -> list[str]:
    """The `count` functions with the most samples of their own (self), with their inclusive share; then
    where the samples were by the package of the running function (self), and the share of the samples
    with a package anywhere on the stack (inclusive: twilio's includes the aiohttp it calls)."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    own_package: Counter[str] = Counter()
    total = 0
    text = raw.read_text().splitlines()
    for line in text:
        stack, _, samples = line.rpartition(" ")
        if not stack or not samples.isdigit():
            continue
        full = stack.split(";")
        frames = [_short(frame) for frame in full]
        n = int(samples)
        total += n
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n
        own_package[_package(full[-1])] += n
    total = max(total, 1)
    lines = [
        f"    self {100 * n / total:5.1f} %  (incl {100 * inclusive[name] / total:5.1f} %)  {name}"
        for name, n in own.most_common(count)
    ]
    lines.append(
        "    by the running function's package (self): "
        + ", ".join(f"{name} {100 * n / total:.1f} %" for name, n in own_package.most_common())
    )
    for package in PACKAGES:
        share = sum(_samples(line) for line in text if re.search(rf"[(/]{package}/", line))
        lines.append(f"    in {package:14s} {100 * share / total:5.1f} % (inclusive)")
    return lines


WAITS = ("select (selectors.py", "_worker (concurrent/futures/thread.py", "wait (threading.py")
"""Leaf frames that wait (the event loop's epoll, an idle executor thread, a lock), or wait for the GIL there."""


def _package(frame: str) -> str:
    """What a raw py-spy frame belongs to: "waiting", a package of PACKAGES, "sqlite3", "bot" or "other"."""
    if any(wait in frame for wait in WAITS):
        return "waiting (epoll / idle thread / GIL)"
    where = frame.partition(" (")[2]
    for package in (*PACKAGES, "multidict", "yarl", "sqlite3", "json", "bot/store", "bot"):
        if where.startswith(f"{package}/") or f"/{package}/" in where:
            return package
    return "other"


async def measure(make: Any, args: argparse.Namespace, prism: prism_server.Prism | None, profile: bool) -> Figures:
    people = list(range(args.people))
    signer = Signer()
    async with TwilioStandIn.running(prism) as api:
        with tempfile.TemporaryDirectory() as tmp:
            bot = make(api, Path(tmp))
            await bot.start()
            try:
                limits = httpx.Limits(max_connections=100)
                async with httpx.AsyncClient(base_url=bot.url, limits=limits, timeout=120) as client:
                    for said in ("hi", SAID):  # returning people: intros and first pictures out of the way
                        for person in people:
                            form, headers = signer.form(person, said)
                            await client.post("/whatsapp/webhook", data=form, headers=headers)
                        await until_quiet(api.sent)
                    idle = bot.cpu()
                    await asyncio.sleep(3.0)
                    idle_ms = (bot.cpu() - idle) * 1000 / 3.0
                    sent_before, answered_before = len(api.sent), len(api.upstream_ms)
                    with profiled(bot.process.pid, Path(tmp) / "profile.txt", profile):
                        cpu, started = bot.cpu(), time.perf_counter()
                        await post_all(client, signer, people, args.updates, args.rate)
                        finished = await until_quiet(api.sent)
                        cpu_ms = (bot.cpu() - cpu) * 1000 / args.updates
                    paced_rate = args.updates / (finished - started)
                    calls = (len(api.sent) - sent_before) / args.updates
                    standin_ms = statistics.median(api.upstream_ms[answered_before:] or [0.0])
                    started = time.perf_counter()
                    await post_all(client, signer, people, args.updates, 0)
                    finished = await until_quiet(api.sent)
                if profile:
                    kept = Path(tempfile.gettempdir()) / f"profile-wa-{bot.name[:4]}.txt"
                    shutil.copy(Path(tmp) / "profile.txt", kept)
                lines = top_functions(Path(tmp) / "profile.txt") if profile else []
                rate = args.updates / (finished - started)
                violations = api.spec_violations()
                for line in violations[:5]:
                    print(f"    spec violation: {line}")
                figures = Figures(cpu_ms, rate, calls, len(violations), idle_ms, paced_rate, standin_ms, lines)
                figures.rss_mb = bot.rss_mb()
                return figures
            finally:
                await bot.stop()


@contextmanager
def judge(kind: str) -> Iterator[prism_server.Prism | None]:
    """Prism on Twilio's spec when asked for and installed; else None (the plain stand-in)."""
    if kind == "plain":
        yield None
        return
    if not prism_server.PRISM.exists() or not prism_server.SPEC.exists():
        print(f"Prism or Twilio's spec missing ({prism_server.PRISM}, {prism_server.SPEC}): plain stand-in, unchecked")
        yield None
        return
    with prism_server.running() as running:
        yield running


async def main(args: argparse.Namespace) -> None:
    names = ("reflexbot", "bare Twilio echo")
    results: dict[str, list[Figures]] = {name: [] for name in names}
    with judge(args.standin) as prism:
        print(f"stand-in: {'Prism on Twilio spec' if prism else 'plain 201'}", flush=True)
        for run in range(args.runs):
            for name, make in zip(names, (reflexbot, echo), strict=True):
                wanted = run == 0 and args.profile == ("echo" if make is echo else "reflexbot")
                figures = await measure(make, args, prism, wanted)
                results[name].append(figures)
                print(
                    f"run {run + 1} {name:16s} paced {args.rate:.0f}/s: {figures.cpu_ms:5.2f} ms CPU per update "
                    f"({figures.paced_rate:.0f}/s kept); unpaced: {figures.rate:6.0f} updates/s; "
                    f"{figures.calls:.2f} messages created per update; idle {figures.idle_ms:.1f} ms CPU/s; "
                    f"{figures.rss_mb:.0f} MB resident; spec violations {figures.violations}"
                    + (f"; Prism answered in {figures.standin_ms:.0f} ms (p50, paced)" if prism else ""),
                    flush=True,
                )
                for line in figures.profile:
                    print(line)
    ours, echoes = results[names[0]], results[names[1]]
    cpu = [o.cpu_ms / e.cpu_ms for o, e in zip(ours, echoes, strict=True)]
    rate = [o.rate / e.rate for o, e in zip(ours, echoes, strict=True)]
    print(
        f"reflexbot / echo, per run: CPU per update x{' x'.join(f'{c:.2f}' for c in cpu)} "
        f"(median x{statistics.median(cpu):.2f}); unpaced throughput {' '.join(f'{r:.2f}' for r in rate)} "
        f"(median {statistics.median(rate):.2f})"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--updates", type=int, default=400)
    parser.add_argument("--rate", type=float, default=40.0)
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--standin", choices=("prism", "plain"), default="prism")
    parser.add_argument("--profile", choices=("reflexbot", "echo"))
    asyncio.run(main(parser.parse_args()))
