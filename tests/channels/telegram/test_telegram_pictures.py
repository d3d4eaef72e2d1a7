"""Pictures on Telegram: sendPhoto (multipart upload once, then the file_id Telegram gave), the text as
caption where it fits, and a session card that stays a text message; every call checked against the spec."""

from __future__ import annotations

from bot.channels.telegram.render import MAX_CAPTION
from bot.channels.telegram.sender import TelegramSender
from bot.engine import Choice, Reply
from bot.pictures.library import Pictures
from tests.channels.telegram.conftest import CHAT, TelegramRig
from tests.channels.telegram.test_telegram_channel import answer_safety


def photos(rig: TelegramRig) -> list[dict[str, object]]:
    """The bot's photo messages in the chat, oldest first."""
    return [m for _, m in sorted(rig.api.messages(CHAT).items()) if "photo" in m]


async def test_a_guided_session_shows_each_foot_and_uploads_each_picture_once(
    rig: TelegramRig, pictures: Pictures
) -> None:
    await rig.post(rig.api.command_update(CHAT, "/start bloating"))
    offer = photos(rig)
    assert len(offer) == 1, "the offer shows its first point"
    await rig.tap("start:ST44")
    await answer_safety(rig)
    left = photos(rig)[-1]
    assert "Left foot" in str(left["caption"]) and "ready:" in str(left["reply_markup"])
    await rig.tap(rig.button("ready:"))
    card = max(rig.api.messages(CHAT))
    assert "photo" not in rig.api.messages(CHAT)[card], "the live card is a text message"
    await rig.clock.advance(60)
    assert rig.api.calls("editMessageText"), "the steps edit the card"
    await rig.clock.advance(600)
    assert "right foot" in str(photos(rig)[-1]["caption"])
    await rig.tap(rig.button("ready:"))
    await rig.clock.advance(600)
    assert "How do you feel now?" in rig.texts()[-1]
    uploads = [str(u["filename"]) for u in rig.api.uploads]
    # The offer's picture (ST44, right foot) is the one the right foot's step needs: sent by file_id then.
    assert uploads == [pictures.file_name("ST44.right"), pictures.file_name("ST44.left")]
    assert all(u["content_type"] == "image/png" for u in rig.api.uploads)
    stored = await rig.store.load_uploads("telegram")
    assert sorted(stored) == sorted(uploads), "each upload's file_id is kept"
    given = {size["file_id"] for m in photos(rig) for size in m["photo"]}  # type: ignore[attr-defined]
    assert set(stored.values()) <= given

    # A second session sends the same pictures by file_id: nothing is uploaded again.
    await rig.tap("feel:better")
    await rig.say("ST44")
    await rig.tap("start:ST44")
    assert "Left foot" in str(photos(rig)[-1]["caption"])
    assert len(rig.api.uploads) == 2
    assert [isinstance(c.params["photo"], str) for c in rig.api.calls("sendPhoto")[-2:]] == [True, True]
    assert rig.api.violations == []


async def test_a_text_over_the_caption_limit_follows_the_photo(rig: TelegramRig) -> None:
    long = "Где точка. " * 120
    assert len(long) > MAX_CAPTION
    await rig.channel.sender.deliver(f"telegram:{CHAT}", Reply(long, (Choice("x", "OK"),), image="KI1.right"))
    photo, text = [m for _, m in sorted(rig.api.messages(CHAT).items())][-2:]
    assert "caption" not in photo and "photo" in photo
    assert text["text"] == long.strip() and "reply_markup" in text, "the buttons go with the text"
    assert rig.api.violations == []


async def test_a_refused_file_id_is_uploaded_again(rig: TelegramRig, pictures: Pictures) -> None:
    name = str(pictures.file_name("KI1.right"))
    await rig.store.save_upload("telegram", name, "AgACAgQAAxkBAAIgone")
    sender = TelegramSender(rig.channel.application.bot, rig.channel.sender.pacer, pictures=pictures, store=rig.store)
    await sender.deliver(f"telegram:{CHAT}", Reply("KI1", image="KI1.right"))
    assert [type(c.params["photo"]) for c in rig.api.calls("sendPhoto")] == [str, dict]
    assert [c.status for c in rig.api.calls("sendPhoto")] == [400, 200]
    assert (await rig.store.load_uploads("telegram"))[name] != "AgACAgQAAxkBAAIgone"
    assert sender.uploads == 1


async def test_a_reply_naming_no_known_picture_is_plain_text(rig: TelegramRig) -> None:
    await rig.channel.sender.deliver(f"telegram:{CHAT}", Reply("hello", image="NOPE.right"))
    assert rig.api.calls("sendPhoto") == [] and rig.texts()[-1] == "hello"
