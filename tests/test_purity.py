"""bot/nlu and bot/engine stay pure: no I/O frameworks, no clock (an AST scan, so it cannot be fooled
by a module that is merely never imported in the tests)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PURE = ("bot/nlu", "bot/engine")
FORBIDDEN_MODULES = frozenset(
    {
        "asyncio",
        "telegram",
        "twilio",
        "apscheduler",
        "sqlalchemy",
        "aiosqlite",
        "httpx",
        "aiohttp",
        "starlette",
    }
)
CLOCK_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "sleep"),
}
CLOCK_IMPORTS = {("time", "time"), ("time", "sleep")}


def _owner(node: ast.expr) -> str | None:
    """`datetime` for `datetime.now` and `datetime.datetime.now`; `time` for `time.time`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def violations(source: str, filename: str = "<src>") -> list[str]:
    """Forbidden imports and clock calls in one module's source."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            found += [
                f"{filename}:{node.lineno}: import {a.name}"
                for a in node.names
                if a.name.split(".")[0] in FORBIDDEN_MODULES
            ]
        elif isinstance(node, ast.ImportFrom) and node.module:
            root = node.module.split(".")[0]
            if root in FORBIDDEN_MODULES:
                found.append(f"{filename}:{node.lineno}: from {node.module} import ...")
            found += [
                f"{filename}:{node.lineno}: from {node.module} import {a.name}"
                for a in node.names
                if (node.module, a.name) in CLOCK_IMPORTS
            ]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and (_owner(node.func.value), node.func.attr) in CLOCK_CALLS
        ):
            found.append(f"{filename}:{node.lineno}: {ast.unparse(node.func)}()")
    return found


def _modules() -> list[Path]:
    return sorted(path for folder in PURE for path in (ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pure(path: Path) -> None:
    assert violations(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))) == []


def test_nlu_is_scanned() -> None:
    assert any(path.name == "matcher.py" for path in _modules())


@pytest.mark.parametrize(
    "source",
    [
        "import asyncio",
        "import telegram.ext",
        "from sqlalchemy.orm import Session",
        "from twilio.rest import Client",
        "import httpx as h",
        "from datetime import datetime\nx = datetime.now()",
        "import datetime\nx = datetime.datetime.utcnow()",
        "from datetime import date\nx = date.today()",
        "import time\ntime.sleep(0)",
        "import time\nt = time.time()",
        "from time import sleep",
    ],
)
def test_scanner_catches(source: str) -> None:
    assert violations(source)


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import datetime, timedelta\nx = datetime(2026, 1, 1)",
        "import re\nre.compile('x')",
        "now = when.now",
    ],
)
def test_scanner_allows(source: str) -> None:
    assert violations(source) == []
