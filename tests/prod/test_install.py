"""What the Dockerfile does, proven outside a container (these machines run no container engine): the
wheel is built, installed with the locked dependencies (hashes required) into a fresh virtual environment,
and run as an unprivileged user: `reflexbot db upgrade` against the machine's PostgreSQL, then
`reflexbot serve` with Redis, answering /healthz. The lock itself must satisfy pyproject's ranges."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from packaging.requirements import Requirement

from dev import UV_CACHE, install_interpreter
from tests.conftest import REDIS
from tests.prod.cluster import ROOT, free_port, wait_for

UV = Path(sys.executable).with_name("uv")
LOCK = ROOT / "requirements.lock"
USER = "reflexbot-ci"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"


def locked() -> dict[str, str]:
    """Package name (normalised) -> pinned version, from the lock file."""
    return {
        re.sub(r"[-_.]+", "-", name).lower(): version
        for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", LOCK.read_text(), flags=re.M)
    }


def test_the_lock_pins_every_dependency_within_pyprojects_range_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = locked()
    for line in project["dependencies"]:
        wanted = Requirement(line)
        name = re.sub(r"[-_.]+", "-", wanted.name).lower()
        assert name in pins, f"{name} is not in requirements.lock: run `uv pip compile` (README)"
        assert wanted.specifier.contains(pins[name], prereleases=True), (name, pins[name], str(wanted.specifier))
    blocks = re.split(r"^(?=\S+==)", LOCK.read_text(), flags=re.M)[1:]
    assert all("--hash=sha256:" in block for block in blocks), "every pin carries its hashes"


def as_user(command: list[str]) -> list[str]:
    """The command run as an unprivileged user (made when the tests run as root, as in CI)."""
    if os.geteuid() != 0:
        return command
    if subprocess.run(["id", USER], capture_output=True, check=False).returncode != 0:
        subprocess.run(["useradd", "--system", "--no-create-home", USER], check=True)
    return ["runuser", "-u", USER, "--", *command]


@pytest.fixture
def place() -> Iterator[Path]:
    """A folder the unprivileged user can read (pytest's own tmp folders are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="reflexbot-install-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def database() -> Iterator[str]:
    """A database of its own on the machine's PostgreSQL, dropped afterwards."""
    name = "reflexbot_install_proof"
    admin = [shutil.which("psql") or "psql", ADMIN_URL, "-q", "-c"]
    subprocess.run([*admin, f"DROP DATABASE IF EXISTS {name}"], check=True, capture_output=True)
    subprocess.run([*admin, f"CREATE DATABASE {name}"], check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        subprocess.run([*admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False, capture_output=True)


@pytest.mark.slow
def test_the_wheel_installs_from_the_lock_and_serves_as_an_unprivileged_user(place: Path, database: str) -> None:
    wheels, venv, home = place / "wheels", place / "venv", place / "home"
    home.mkdir(mode=0o777)
    cache = {**os.environ, "UV_CACHE_DIR": str(UV_CACHE)}  # filled by `python3 dev.py test`: no network here
    build = [str(UV), "build", "-q", "--offline", "--wheel", "-o", str(wheels), str(ROOT)]
    subprocess.run(build, check=True, capture_output=True, env=cache)
    (wheel,) = wheels.glob("reflexbot-*.whl")
    subprocess.run([str(UV), "venv", "-q", "-p", install_interpreter(), str(venv)], check=True, env=cache)
    into = {**cache, "VIRTUAL_ENV": str(venv)}
    for install in (["--require-hashes", "-r", str(LOCK)], ["--no-deps", str(wheel)]):
        command = [str(UV), "pip", "install", "-q", "--offline", *install]
        done = subprocess.run(command, env=into, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr[-2000:] + "\n(run `python3 dev.py test`: it fills uv's cache first)"

    config = place / "config.toml"  # as the image keeps it in /etc: the checkout may be root's alone
    shutil.copyfile(ROOT / "config.toml", config)
    config.chmod(0o644)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_", "REFLEXBOT_", "XDG_"))}
    env |= {
        "HOME": str(home),
        "REFLEXBOT_CONFIG": str(config),
        "REFLEXBOT_DATABASE_URL": database,
        "REFLEXBOT_REDIS_URL": REDIS,
        "REFLEXBOT_PSEUDONYM_KEY": "install-proof-key",
    }
    reflexbot = str(venv / "bin" / "reflexbot")
    upgraded = subprocess.run(as_user([reflexbot, "db", "upgrade"]), env=env, capture_output=True, text=True)
    assert upgraded.returncode == 0, upgraded.stderr[-2000:]
    log = (place / "serve.log").open("w")
    server = subprocess.Popen(
        as_user([reflexbot, "serve", "--port", str(port), "--workers", "2"]),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=place,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    started = (place / "serve.log").read_text()
    assert "database postgresql" in started and "2 worker(s)" in started, started[-2000:]
    assert "Traceback" not in started, started[-2000:]
