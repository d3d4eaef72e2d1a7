"""An Arabic conversation in Telegram, end to end: the real PTB Application against the fake Bot API.

The person writes Arabic and is answered in Arabic (texts, buttons, the live session card, the command
menu for `language_code` "ar"), with Latin point codes and numbers isolated (U+2066 ... U+2069) so that
they keep their place in a right-to-left line."""

from __future__ import annotations

from bot.engine.bidi import LRI, PDI
from tests.channels.scripts import arabic
from tests.channels.telegram.conftest import CHAT, TelegramRig
from tests.channels.telegram.test_telegram_channel import SAFE


def isolated(text: str, inner: str) -> bool:
    """`inner` stands in the text inside a directional isolate."""
    return f"{LRI}{inner}{PDI}" in text


def labels(rig: TelegramRig, message_id: int) -> list[str]:
    rows = rig.api.messages(CHAT)[message_id].get("reply_markup", {}).get("inline_keyboard", [])
    return [str(button["text"]) for row in rows for button in row]


async def say_in_arabic(rig: TelegramRig, text: str) -> None:
    await rig.post(rig.api.text_update(CHAT, text, language_code="ar"))


async def test_an_arabic_conversation_from_first_message_to_feedback(rig: TelegramRig) -> None:
    commands = {c.params.get("language_code", ""): c.params["commands"] for c in rig.api.calls("setMyCommands")}
    assert "ar" in commands and all(arabic(str(c["description"])) for c in commands["ar"])

    await say_in_arabic(rig, "عندي انتفاخ")
    offer = rig.message_with("start:ST44")
    text = rig.text_of(offer)
    assert arabic(text) and isolated(text, "ST44 Neiting")
    assert all(arabic(label) or label.startswith("ابدأ") for label in labels(rig, offer))

    await rig.tap("start:ST44")
    for question, value in SAFE:
        assert arabic(rig.texts()[-1])
        await rig.tap(f"ans:{question}:{value}")
    assert "القدم اليسرى" in rig.texts()[-1]

    await rig.tap(rig.button("ready:"))
    card = max(rig.api.messages(CHAT))
    first = rig.api.messages(CHAT)[card]["text"]
    assert arabic(first) and isolated(first, "12"), "the press count reads left to right inside Arabic"
    sends = len(rig.api.calls("sendMessage"))
    await rig.clock.advance(60)
    assert len(rig.api.calls("sendMessage")) == sends, "the card is edited, not re-sent"
    assert rig.api.messages(CHAT)[card]["text"] != first
    await rig.clock.advance(600)
    await rig.tap(rig.button("ready:"))
    await rig.clock.advance(600)
    assert "كيف تشعر الآن؟" in rig.texts()[-1]
    await rig.tap("feel:better")
    assert arabic(rig.texts()[-1])
    assert rig.api.unanswered_callbacks() == []
    assert rig.api.violations == []


async def test_a_crisis_in_arabic_gets_the_crisis_reply_in_arabic(rig: TelegramRig) -> None:
    await say_in_arabic(rig, "أفكر في الانتحار")
    reply = rig.texts()[-1]
    assert arabic(reply)
    assert isolated(reply, "998") and isolated(reply, "800 4673")
    assert rig.api.violations == []


async def test_a_russian_message_is_answered_in_russian(rig: TelegramRig) -> None:
    await rig.post(rig.api.text_update(CHAT, "меня пучит после еды", language_code="ru"))
    offer = rig.message_with("start:ST44")
    assert "ST44" in rig.text_of(offer)
    assert any("Начать" in label for label in labels(rig, offer))
    assert rig.api.violations == []
