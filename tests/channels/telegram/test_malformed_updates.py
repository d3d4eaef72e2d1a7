"""Fields behind the secret are type- and length-checked: a malformed update is answered 200, counted and
logged once (the field's name, never its value), and the next valid update is handled as ever."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest

from bot.channels.telegram.parse import malformed_update
from tests.channels.telegram.conftest import CHAT, SECRET, TelegramRig

Update = dict[str, Any]


def setting(path: str, value: object) -> Callable[[Update], None]:
    """Set a field deep in an update ("message.chat.id")."""

    def change(update: Update) -> None:
        *parents, last = path.split(".")
        target = update
        for name in parents:
            target = target[name]
        target[last] = value

    return change


CASES = [
    ("update_id", setting("update_id", 10**69), "update_id"),
    ("update_id", setting("update_id", -3), "update_id"),
    ("update_id", setting("update_id", "17"), "update_id"),
    ("chat id", setting("message.chat.id", "4242"), "message.chat.id"),
    ("chat id", setting("message.chat.id", 2**60), "message.chat.id"),
    ("chat id", setting("message.chat.id", True), "message.chat.id"),
    ("message id", setting("message.message_id", -1), "message.message_id"),
    ("text", setting("message.text", 12345), "message.text"),
    ("text", setting("message.text", ["hello"]), "message.text"),
    ("text", setting("message.text", "x" * 5000), "message.text"),
    ("sender", setting("message.from.id", "4242"), "message.from"),
    ("sender", setting("message.from.id", 10**20), "message.from"),
    ("language", setting("message.from.language_code", {"en": 1}), "message.from"),
    ("chat", setting("message.chat", 4242), "message.chat.id"),
]


@pytest.mark.parametrize(("what", "change", "field"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
async def test_a_malformed_update_is_taken_counted_and_the_next_works(
    rig: TelegramRig,
    caplog: pytest.LogCaptureFixture,
    what: str,
    change: Callable[[Update], None],
    field: str,
) -> None:
    update = rig.api.text_update(CHAT, "I feel bloated")
    change(update)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    with caplog.at_level(logging.INFO):
        response = await rig.http.post("/telegram/webhook", content=json.dumps(update), headers=headers)
    assert response.status_code == 200, "taken, so that Telegram does not send it again and again"
    counted = rig.runtime.metrics.registry.get_sample_value(
        "reflexbot_malformed_updates_total", {"channel": "telegram", "field": field}
    )
    assert counted == 1
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and lines[0].exc_info is None and "bloated" not in caplog.text
    assert rig.api.calls("sendMessage") == [] and await rig.store.count_rows(f"telegram:{CHAT}") == 0
    await rig.say("I feel bloated")  # the next valid update
    assert "bloating" in "\n".join(rig.texts())


async def test_a_callback_with_wrong_types_is_refused(rig: TelegramRig) -> None:
    await rig.say("hi")
    update = rig.api.callback_update(CHAT, rig.button(""), max(rig.api.messages(CHAT)))
    update["callback_query"]["data"] = {"evil": True}
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    response = await rig.http.post("/telegram/webhook", content=json.dumps(update), headers=headers)
    assert response.status_code == 200
    assert malformed_update(update) == "callback_query.data"


def test_every_kind_of_update_the_fake_makes_is_well_formed(rig_api_updates: list[Update]) -> None:
    assert [malformed_update(u) for u in rig_api_updates] == [None] * len(rig_api_updates)


@pytest.fixture
def rig_api_updates() -> list[Update]:
    from tests.channels.telegram.fake_bot_api import FakeBotApi

    api = FakeBotApi()
    return [
        api.text_update(CHAT, "hi"),
        api.command_update(CHAT, "start"),
        api.photo_update(CHAT, caption="a photo"),
        api.sticker_update(CHAT),
        api.voice_update(CHAT),
        api.document_update(CHAT),
        api.location_update(CHAT, 25.2, 55.3),
        api.group_text_update(-100123, "hello all"),
    ]
