""" "My data" on Telegram: /mydata (in the command menu in every language) and typed words both send the
record as a document (sendDocument: a multipart upload named reflexbot-my-data-YYYY-MM-DD.json,
application/json) before the summary; the file read back is what the person did. Every call is checked
against the Bot API spec by the fake."""

from __future__ import annotations

import json
from typing import Any

from bot.channels.telegram.parse import COMMANDS
from tests.channels.telegram.conftest import CHAT, TelegramRig

FILE_NAME = "reflexbot-my-data-2026-11-21.json"


def sent_file(rig: TelegramRig) -> dict[str, Any]:
    """The one data file uploaded so far, parsed."""
    (call,) = rig.api.calls("sendDocument")
    assert call.status == 200
    document = call.params["document"]
    assert document["filename"] == FILE_NAME and document["content_type"] == "application/json"
    parsed: dict[str, Any] = json.loads(document["content"])
    return parsed


async def test_mydata_sends_the_file_then_the_summary(rig: TelegramRig) -> None:
    await rig.say("I feel bloated")
    await rig.say("remind me at 10pm every night")
    await rig.post(rig.api.command_update(CHAT, "/mydata"))
    file = sent_file(rig)
    assert file["format"] == "reflexbot-my-data/1"
    assert file["person"]["channel"] == "telegram" and file["person"]["address"] == str(CHAT)
    assert [(r["time"], r["zone"]) for r in file["reminders"]] == [("22:00", "Asia/Dubai")]
    assert file["symptoms_mentioned"] == ["bloating"]
    assert [m["channel"] for m in file["message_ids"]] == ["telegram"] * 3, "each update id, this one's too"
    document, summary = [m for _, m in sorted(rig.api.messages(CHAT).items())][-2:]
    assert document["document"]["file_name"] == FILE_NAME
    assert summary["text"].startswith("Here is what I keep about you.")
    assert "• every night at 22:00" in summary["text"] and FILE_NAME in summary["text"]
    assert "reply_markup" in summary, "the menu's buttons come with the summary"
    assert rig.api.violations == []


async def test_typed_in_arabic_the_summary_is_arabic(rig: TelegramRig) -> None:
    await rig.say("ذكرني الساعة ١٠ بالليل كل يوم")
    await rig.say("بياناتي")
    file = sent_file(rig)
    assert file["person"]["language"] == "ar" and [r["time"] for r in file["reminders"]] == ["22:00"]
    summary = rig.texts()[-1].replace("\u2066", "").replace("\u2069", "")
    assert summary.startswith("هذا ما أحتفظ به عنك.") and "كل ليلة الساعة 22:00" in summary
    assert rig.api.violations == []


async def test_the_command_menu_offers_it_in_every_language(rig: TelegramRig) -> None:
    assert "mydata" in COMMANDS
    menus = {call.params.get("language_code", ""): call.params["commands"] for call in rig.api.calls("setMyCommands")}
    assert set(menus) == {"", "ar", "ru"}
    described = {lang: next(c["description"] for c in menu if c["command"] == "mydata") for lang, menu in menus.items()}
    assert described == {"": "See what I keep about you", "ar": "اعرض ما أحتفظ به عنك", "ru": "Что я о вас храню"}
    assert rig.api.violations == []
