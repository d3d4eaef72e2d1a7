"""Start-up costs only what a command uses: `match` loads no database, scheduler or WhatsApp SDK, and
`serve` with WhatsApp off loads no twilio or aiohttp (each checked in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.channels.telegram.app import build_application
from bot.channels.telegram.transport import AiohttpRequest
from bot.config import TelegramSettings

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sqlalchemy", "alembic", "apscheduler", "twilio", "aiohttp", "telegram", "redis")


def loaded_after(code: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """Which heavy packages a fresh interpreter holds after running `code`."""
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_match_loads_no_database_scheduler_or_channel_sdk() -> None:
    code = "import io, contextlib\nfrom bot.cli import main\nwith contextlib.redirect_stdout(io.StringIO()):\n"
    code += "    assert main(['match', 'I feel bloated']) == 0"
    assert loaded_after(code) == []
    assert loaded_after(code, ("bot.config", "bot.engine", "bot.store", "PIL")) == [], "the matcher alone"
    # nor what only other commands use: the event loop (tens of milliseconds), Babel's locales, the version
    assert loaded_after(code, ("asyncio", "babel", "importlib.metadata")) == []


def test_serve_imports_no_migrations_redis_or_async_sql_until_used() -> None:
    """Alembic only when a database needs migrating, Redis only for a shared pace, SQLAlchemy's asyncio
    layer only for a database server."""
    assert loaded_after("import bot.serve", ("alembic", "redis", "sqlalchemy.ext.asyncio")) == []


def test_serve_without_whatsapp_loads_no_twilio() -> None:
    loaded = loaded_after("import bot.serve")
    assert "twilio" not in loaded
    assert "telegram" in loaded, "the probe sees what serve does load"


def test_serve_loads_no_phone_tables_calendar_or_unused_dialect() -> None:
    """What only some turns need is imported by them: phone numbers' tables (WhatsApp), iCalendar (a
    confirmed appointment), PostgreSQL's dialect (a PostgreSQL store)."""
    heavy = ("phonenumbers", "icalendar", "sqlalchemy.dialects.postgresql")
    assert loaded_after("import bot.serve", heavy) == []


async def test_the_bot_api_pool_is_small() -> None:
    application = build_application(
        "123:abc", "http://127.0.0.1:9/bot", polling=False, connections=TelegramSettings().connections
    )
    request = application.bot.request
    assert isinstance(request, AiohttpRequest)
    await request.initialize()
    try:
        assert TelegramSettings().connections == 16
        assert request._session is not None and request._session.connector is not None
        assert request._session.connector.limit == 16
    finally:
        await request.shutdown()


def test_sniffio_is_importable() -> None:
    """httpx (PTB's transport) looks up the running async library with it."""
    import sniffio

    assert sniffio.current_async_library
