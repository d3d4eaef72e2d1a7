"""Logs: JSON lines on request, and never the text a person wrote."""

from __future__ import annotations

import json
import logging

import pytest

from bot.engine import Knowledge, TextReceived
from bot.logs import JsonFormatter
from tests.conftest import T0, Harness


def test_json_lines() -> None:
    record = logging.LogRecord("reflexbot.runtime", logging.WARNING, __file__, 1, "turn %s", ("ab12",), None)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "WARNING" and entry["message"] == "turn ab12" and entry["logger"] == "reflexbot.runtime"


async def test_no_message_text_or_address_in_logs(
    harness: Harness, kb: Knowledge, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "my neighbour Fatima thinks my ankle is broken"
    await harness.runtime.handle("telegram:987654321", TextReceived(secret), T0)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Fatima" not in logged and "ankle" not in logged
    assert "987654321" not in logged
