"""Telegram webhook cost: reflexbot (`reflexbot serve`, SQLite, the durable inbox) beside a bare
python-telegram-bot echo bot (benchmarks/echo_bot.py), each in its own process, on the same spec-checked
fake Bot API, paced and unpaced, several runs.

    .venv/bin/python benchmarks/bench_telegram.py [--runs 3] [--updates 400] [--rate 40] [--people 50]
        [--profile reflexbot|echo]   # py-spy (pip install py-spy) on that bot's paced phase: top 10

Per bot and run: a fresh fake (in this process) and a fresh bot process; every person says "hi" and
"I feel bloated" first (returning people), then
- paced: `--updates` updates at `--rate` per second; **CPU per update** is the bot process's CPU time
  (user + system, psutil) from the first POST to the last Bot API call, divided by the updates;
- unpaced: `--updates` updates posted at once; throughput is updates / seconds to the last Bot API call.
reflexbot's replies to "I feel bloated" are a photo (by file_id) and a text, with their pacing opened wide
(Telegram's 1/s per chat would measure the limit, not the code); the echo bot sends one message back.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sized
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.channels.telegram.fake_bot_api import TOKEN, FakeBotApi  # noqa: E402
from tests.prod.cluster import free_port  # noqa: E402

SECRET = "bench-secret"
SAID = "I feel bloated"
PACKAGES = ("httpx", "httpcore", "telegram", "sqlalchemy", "bot/engine", "bot/nlu", "starlette", "uvicorn", "asyncio")
QUIET = 0.5  # seconds without a new Bot API call: the bot is done


@dataclass
class BotProcess:
    """One bot under test in its own process."""

    name: str
    argv: list[str]
    env: dict[str, str]
    port: int
    process: asyncio.subprocess.Process | None = None

    async def start(self) -> float:
        """Start the process; seconds until /healthz answered 200."""
        started = time.perf_counter()
        self.process = await asyncio.create_subprocess_exec(
            *self.argv, cwd=ROOT, env=self.env, stderr=asyncio.subprocess.DEVNULL
        )
        async with httpx.AsyncClient() as client:
            for _ in range(600):
                try:
                    if (await client.get(f"{self.url}/healthz")).status_code == 200:
                        return time.perf_counter() - started
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
        raise RuntimeError(f"{self.name} did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu(self) -> float:
        assert self.process is not None
        times = psutil.Process(self.process.pid).cpu_times()
        return float(times.user + times.system)

    def rss_mb(self) -> float:
        """The process's resident memory now, in MB."""
        assert self.process is not None
        return float(psutil.Process(self.process.pid).memory_info().rss) / 2**20

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()


def reflexbot(api: FakeBotApi, folder: Path) -> BotProcess:
    config = folder / "config.toml"
    config.write_text(
        f'[storage]\nurl = "sqlite:///{folder / "bench.sqlite3"}"\n'
        '[server]\npublic_url = "https://bot.example.com"\n'
        f'[telegram]\nenabled = true\nmode = "webhook"\napi_base_url = "{api.base_url}"\n'
        "per_second = 1000000\nper_chat_seconds = 0\n[whatsapp]\nenabled = false\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_", "REFLEXBOT_"))}
    env |= {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET, "REFLEXBOT_LOG_LEVEL": "WARNING"}
    port = free_port()
    argv = [sys.executable, "-m", "bot", "serve", "--config", str(config), "--port", str(port)]
    return BotProcess("reflexbot", argv, env, port)


def echo(api: FakeBotApi, folder: Path) -> BotProcess:
    port = free_port()
    argv = [sys.executable, str(ROOT / "benchmarks" / "echo_bot.py"), "--port", str(port), "--api", api.base_url]
    return BotProcess("bare PTB echo", [*argv, "--token", TOKEN], dict(os.environ), port)


@dataclass
class Figures:
    cpu_ms: float  # CPU per update, paced
    rate: float  # updates/s, unpaced
    calls: float  # Bot API calls per update
    violations: int
    idle_ms: float  # CPU per second with no traffic
    ready: float  # seconds from the process's start to /healthz answering
    paced_rate: float = 0.0
    profile: list[str] = field(default_factory=list)
    rss_mb: float = 0.0  # resident memory after the run


async def until_quiet(sent: Sized) -> float:
    """Wait until nothing new came to the stand-in's `sent` for QUIET seconds; when the last came (perf_counter)."""
    seen, last = len(sent), time.perf_counter()
    while time.perf_counter() - last < QUIET:
        await asyncio.sleep(0.01)
        if len(sent) != seen:
            seen, last = len(sent), time.perf_counter()
    return last


async def at_rate(n: int, rate: float, post: Callable[[int], Awaitable[None]]) -> None:
    """post(0) .. post(n - 1), the i-th i / `rate` seconds after the first (`rate` 0: all at once)."""
    started = time.perf_counter()

    async def one(i: int) -> None:
        if rate:
            await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
        await post(i)

    await asyncio.gather(*(one(i) for i in range(n)))


async def post_all(client: httpx.AsyncClient, api: FakeBotApi, chats: list[int], n: int, rate: float) -> None:
    """`n` updates spread over `chats`, at `rate` per second (0: all at once); each must be answered 200."""
    bodies = [api.text_update(chats[i % len(chats)], SAID) for i in range(n)]

    async def post(i: int) -> None:
        response = await client.post("/telegram/webhook", json=bodies[i])
        assert response.status_code == 200, response.status_code

    await at_rate(n, rate, post)


@contextmanager
def profiled(pid: int, out: Path, wanted: bool) -> Iterator[None]:
    """py-spy record on `pid` for the block (when wanted)."""
    if not wanted:
        yield
        return
    spy_at = Path(sys.executable).parent / "py-spy"
    spy = subprocess.Popen(
        [str(spy_at), "record", "--pid", str(pid), "--format", "raw", "--rate", "250", "--nonblocking", "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)  # attached
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=60)


def top_functions(raw: Path, count: int = 10) -> list[str]:
    """The `count` functions with the most samples on the stack (inclusive) and their own (self) share."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        if not stack or not samples.isdigit():
            continue
        frames = [_short(frame) for frame in stack.split(";")]
        n = int(samples)
        total += n
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n
    lines = [f"    self {100 * n / total:5.1f} %  {name}" for name, n in own.most_common(count)]
    for package in PACKAGES:
        # a package's own files (bot/channels/telegram/ is ours, not python-telegram-bot's)
        share = sum(_samples(line) for line in raw.read_text().splitlines() if re.search(_within(package), line))
        lines.append(f"    in {package:12s} {100 * share / total:5.1f} % (inclusive)")
    return lines


def _within(package: str) -> str:
    """A pattern for frames in `package`: our own folders ("bot/engine") anywhere, others at their top level."""
    return rf"[(/]{package}/" if "/" in package else rf"(?:\(|site-packages/|python3\.\d+/){package}/"


def _short(frame: str) -> str:
    """ "name (file.py)" of py-spy's "name (path/file.py:line)"."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.split(':')[0].split('/')[-1]})"


def _samples(line: str) -> int:
    tail = line.rpartition(" ")[2]
    return int(tail) if tail.isdigit() else 0


async def measure(make: type | object, args: argparse.Namespace, profile: bool) -> Figures:
    chats = [10_000 + n for n in range(args.people)]
    async with FakeBotApi.running() as api:
        with tempfile.TemporaryDirectory() as tmp:
            bot = make(api, Path(tmp))  # type: ignore[operator]
            ready = await bot.start()
            try:
                headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                limits = httpx.Limits(max_connections=100, keepalive_expiry=2.0)  # under uvicorn's 5 s keep-alive
                async with httpx.AsyncClient(base_url=bot.url, headers=headers, limits=limits, timeout=120) as client:
                    for said in ("hi", SAID):  # returning people: intros and first pictures out of the way
                        for chat in chats:
                            await client.post("/telegram/webhook", json=api.text_update(chat, said))
                        await until_quiet(api.sent)
                    idle = bot.cpu()
                    await asyncio.sleep(3.0)
                    idle_ms = (bot.cpu() - idle) * 1000 / 3.0
                    sent_before = len(api.sent)
                    with profiled(bot.process.pid, Path(tmp) / "profile.txt", profile):
                        cpu, started = bot.cpu(), time.perf_counter()
                        await post_all(client, api, chats, args.updates, args.rate)
                        finished = await until_quiet(api.sent)
                        cpu_ms = (bot.cpu() - cpu) * 1000 / args.updates
                    paced_rate = args.updates / (finished - started)
                    calls = (len(api.sent) - sent_before) / args.updates
                    started = time.perf_counter()
                    await post_all(client, api, chats, args.updates, 0)
                    finished = await until_quiet(api.sent)
                if profile:
                    shutil.copy(Path(tmp) / "profile.txt", Path(tempfile.gettempdir()) / f"profile-{bot.name[:4]}.txt")
                lines = top_functions(Path(tmp) / "profile.txt") if profile else []
                rate = args.updates / (finished - started)
                figures = Figures(cpu_ms, rate, calls, len(api.violations), idle_ms, ready, paced_rate, lines)
                figures.rss_mb = bot.rss_mb()
                return figures
            finally:
                await bot.stop()


async def main(args: argparse.Namespace) -> None:
    results: dict[str, list[Figures]] = {"reflexbot": [], "bare PTB echo": []}
    for run in range(args.runs):
        for name, make in (("reflexbot", reflexbot), ("bare PTB echo", echo)):
            wanted = run == 0 and args.profile == ("echo" if make is echo else "reflexbot")
            figures = await measure(make, args, wanted)
            results[name].append(figures)
            print(
                f"run {run + 1} {name:14s} paced {args.rate:.0f}/s: {figures.cpu_ms:5.2f} ms CPU per update "
                f"({figures.paced_rate:.0f}/s kept); unpaced: {figures.rate:6.0f} updates/s; "
                f"{figures.calls:.2f} Bot API calls per update; idle {figures.idle_ms:.1f} ms CPU/s; "
                f"/healthz after {figures.ready:.2f} s; {figures.rss_mb:.0f} MB resident; "
                f"spec violations {figures.violations}",
                flush=True,
            )
            for line in figures.profile:
                print(line)
    ours, echoes = results["reflexbot"], results["bare PTB echo"]
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
    parser.add_argument("--profile", choices=("reflexbot", "echo"))
    asyncio.run(main(parser.parse_args()))
