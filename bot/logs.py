"""Logging set-up: plain lines by default, one JSON object per line with REFLEXBOT_LOG_FORMAT=json.

Logs go to stderr, or to $REFLEXBOT_LOG_FILE; the interactive chat always logs to a file (its terminal is
the conversation). Nothing the person wrote is ever logged: modules log event kinds, states and a short
hash of the key.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from platformdirs import user_log_path

from bot.redaction import RedactingFilter

CHATTY_LIBRARIES = ("telegram", "httpx", "httpcore", "twilio", "aiohttp", "hpack", "apscheduler", "asyncio")


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object (time, level, logger, message, and the exception if any)."""

    def format(self, record: logging.LogRecord) -> str:
        """Serialise one record."""
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_text or record.exc_info:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str = "WARNING", fmt: str = "text", file: Path | None = None) -> None:
    """Configure the root logger once, for the CLI: to `file` (appended, its folder made) or stderr."""
    handler: logging.Handler
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(file, encoding="utf-8", delay=True)
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())  # no token, address or chat id is ever written
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    for old in root.handlers:
        if isinstance(old, logging.FileHandler):  # ours, from an earlier call
            old.close()
    root.handlers[:] = [handler]
    root.setLevel(level.upper() if level else "WARNING")
    # Libraries log whole updates and replies at DEBUG (PTB: names, numbers, health answers) and every
    # Bot API URL at INFO (httpx: with the bot token): theirs stay at WARNING whatever our level is.
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(max(root.level, logging.WARNING))


def log_file(interactive: bool) -> Path | None:
    """Where logs go: $REFLEXBOT_LOG_FILE if set; else, for the interactive chat, chat.log in the user log
    directory; else None (stderr)."""
    named = os.environ.get("REFLEXBOT_LOG_FILE")
    if named:
        return Path(named).expanduser()
    if interactive:
        return user_log_path("reflexbot", appauthor=False) / "chat.log"
    return None
