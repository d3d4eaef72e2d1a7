#!/usr/bin/env python3
"""Set up what reflexbot needs (a local .venv), then run it. Needs only python3 >= 3.11.

python3 dev.py chat [ARGS...]   set up, then start `reflexbot chat` (the terminal chat)
python3 dev.py test [ARGS...]   set up, then run the dependency audit, ruff (lint and format), mypy and the whole
                                test suite (pytest ARGS)
python3 dev.py audit [ARGS...]  set up, then check requirements.lock against deploy/advisories.json (offline);
                                `audit refresh SOURCE` rebuilds that snapshot (deploy/audit.py says how)
python3 dev.py run ARGS...      set up, then run `reflexbot ARGS...`
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".reflexbot-installed"
UV_CACHE = VENV / ".uv-cache"  # uv's cache for the install-from-lock proof, filled before the tests


def ensure_venv() -> None:
    """Create .venv and install the project with its dev tools whenever pyproject.toml changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py runs on whatever python3 the machine has)
        sys.exit(f"reflexbot needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("setting up .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted)


def install_interpreter() -> str:
    """A Python 3.11+ an unprivileged user may run, for the install-from-lock proof (tests/prod/test_install.py):
    the system's, as in the Docker image, when running as root (this one may live under root's home)."""
    if os.name == "nt" or os.geteuid() != 0:
        return sys.executable
    for candidate in ("/usr/bin/python3.13", "/usr/bin/python3.12", "/usr/bin/python3.11", "/usr/bin/python3"):
        if Path(candidate).exists():
            probe = [candidate, "-c", "import sys; print(sys.version_info >= (3, 11))"]
            if subprocess.run(probe, capture_output=True, text=True, check=False).stdout.strip() == "True":
                return candidate
    return sys.executable


def warm_lock_cache() -> None:
    """Fetch the locked dependencies for that interpreter into uv's cache, so the proof installs offline
    (tests reach no network beyond 127.0.0.1)."""
    uv = BIN / "uv"
    lock = ROOT / "requirements.lock"
    if not uv.exists() or not lock.exists():
        return
    scratch = VENV / ".lock-cache-venv"
    env = {**os.environ, "UV_CACHE_DIR": str(UV_CACHE)}
    subprocess.run([str(uv), "venv", "-q", "--clear", "-p", install_interpreter(), str(scratch)], check=True, env=env)
    subprocess.run(
        [str(uv), "pip", "install", "-q", "--require-hashes", "-r", str(lock)],
        check=True,
        env={**env, "VIRTUAL_ENV": str(scratch)},
    )
    with tempfile.TemporaryDirectory() as wheels:  # and what building the wheel needs (setuptools)
        subprocess.run([str(uv), "build", "-q", "--wheel", "-o", wheels, str(ROOT)], check=True, env=env)


def main(argv: list[str]) -> int:
    """Dispatch the sub-command."""
    if not argv or argv[0] not in ("chat", "test", "audit", "run"):
        print(__doc__)
        return 2
    ensure_venv()
    command, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    if command == "chat":
        return subprocess.call([str(BIN / "reflexbot"), "chat", *rest])
    if command == "run":
        return subprocess.call([str(BIN / "reflexbot"), *rest])
    audit = [str(BIN / "python"), str(ROOT / "deploy" / "audit.py")]
    if command == "audit":
        return subprocess.call([*audit, *rest])
    print("$ python deploy/audit.py", flush=True)
    if code := subprocess.call(audit):
        return code
    warm_lock_cache()
    for check in (["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]):
        print("$", " ".join(check), flush=True)
        if code := subprocess.call([str(BIN / check[0]), *check[1:]]):
            return code
    return subprocess.call([str(BIN / "python"), "-m", "pytest", *rest])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
