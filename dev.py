#!/usr/bin/env python3
"""Set up what reflexbot needs (a local .venv), then run it. Needs only python3 >= 3.11.

python3 dev.py chat [ARGS...]   set up, then start `reflexbot chat` (the terminal chat)
python3 dev.py test [ARGS...]   set up, then run ruff (lint and format), mypy and the whole test suite (pytest ARGS)
python3 dev.py run ARGS...      set up, then run `reflexbot ARGS...`
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".reflexbot-installed"


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


def main(argv: list[str]) -> int:
    """Dispatch the sub-command."""
    if not argv or argv[0] not in ("chat", "test", "run"):
        print(__doc__)
        return 2
    ensure_venv()
    command, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    if command == "chat":
        return subprocess.call([str(BIN / "reflexbot"), "chat", *rest])
    if command == "run":
        return subprocess.call([str(BIN / "reflexbot"), *rest])
    for check in (["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]):
        print("$", " ".join(check), flush=True)
        if code := subprocess.call([str(BIN / check[0]), *check[1:]]):
            return code
    return subprocess.call([str(BIN / "python"), "-m", "pytest", *rest])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
