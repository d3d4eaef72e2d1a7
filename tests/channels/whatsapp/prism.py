"""Stoplight Prism serving Twilio's own OpenAPI spec: a validating stand-in for api.twilio.com."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SPEC = ROOT.parent / "shared" / "peers" / "twilio_api_v2010.json"
PEERS = ROOT / ".peers"
PRISM = PEERS / "node_modules" / ".bin" / "prism"
PACKAGE = "@stoplight/prism-cli@5.14.2"


def install() -> str | None:
    """Install Prism from the npm registry into .peers (once); a reason string if that cannot be done."""
    if PRISM.exists():
        return None
    if shutil.which("npm") is None:
        return "npm is not installed, so Prism cannot be"
    done = subprocess.run(
        ["npm", "install", "--prefix", str(PEERS), PACKAGE, "--no-audit", "--no-fund", "--loglevel=error"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return None if done.returncode == 0 else f"npm install {PACKAGE} failed: {done.stderr[-500:]}"


@dataclass
class Prism:
    """A running Prism; `lines` is everything it printed."""

    url: str
    lines: list[str] = field(default_factory=list)

    def violations(self, since: int = 0) -> list[str]:
        """Prism's [VALIDATOR] complaints (requests that break Twilio's spec)."""
        return [line for line in self.lines[since:] if "[VALIDATOR]" in line and "✖" in line]


@contextmanager
def running() -> Iterator[Prism]:
    """Start Prism on a free port; ready once it says it is listening."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), str(SPEC)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    prism = Prism(f"http://127.0.0.1:{port}")
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            prism.lines.append(line.rstrip())
            if "Prism is listening" in line:
                ready.set()
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not ready.wait(60) or process.poll() is not None:
            raise RuntimeError("Prism did not start:\n" + "\n".join(prism.lines[-20:]))
        yield prism
    finally:
        process.terminate()
        process.wait(10)
        reader.join(5)
        if process.stdout is not None:
            process.stdout.close()
