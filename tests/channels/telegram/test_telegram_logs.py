"""A whole Telegram conversation at every log level writes no token, address or message text."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.logs import configure
from tests.channels.telegram.conftest import TelegramRig
from tests.channels.telegram.fake_bot_api import TOKEN


@pytest.mark.parametrize("level", ["DEBUG", "INFO", "WARNING"])
async def test_a_whole_telegram_conversation_logs_no_token_address_or_text(
    rig: TelegramRig, tmp_path: Path, level: str
) -> None:
    """PTB logs whole updates at DEBUG and httpx every Bot API URL (with the token) at INFO: the handler redacts."""
    log = tmp_path / "bot.log"
    configure(level, "text", log)
    logging.getLogger("httpx").info("HTTP Request: POST http://127.0.0.1/bot%s/sendMessage", TOKEN)
    await rig.say("my neighbour Fatima thinks my ankle is broken")
    await rig.say("book")
    await rig.say("+971 50 999 8877")
    for handler in logging.getLogger().handlers:
        handler.close()
    written = log.read_text(encoding="utf-8") if log.exists() else ""
    assert TOKEN not in written and TOKEN.split(":")[1] not in written
    assert "Fatima" not in written and "999 8877" not in written
    assert logging.getLogger("telegram").getEffectiveLevel() >= logging.WARNING, "PTB never logs whole updates"
