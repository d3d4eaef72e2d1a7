"""The fake Bot API, driven by the real python-telegram-bot over HTTP on 127.0.0.1 and judged by the spec."""

from __future__ import annotations

import asyncio
import datetime as dtm
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
import telegram
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from tests.channels.telegram.fake_bot_api import SPEC_PATH, TOKEN, FakeBotApi

pytestmark = pytest.mark.skipif(not SPEC_PATH.exists(), reason=f"../shared/peers is not present: {SPEC_PATH} missing")

CHAT = 4242
KEYBOARD = InlineKeyboardMarkup(
    [[InlineKeyboardButton("Yes", callback_data="yes"), InlineKeyboardButton("Not now", callback_data="later")]]
)


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """A fake Bot API served on a free local port."""
    async with FakeBotApi.running() as fake:
        yield fake


@pytest_asyncio.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[telegram.Bot]:
    """The real PTB Bot, pointed at the fake (initialised, and shut down after the test)."""
    async with telegram.Bot(TOKEN, base_url=api.base_url) as real_bot:
        yield real_bot


async def test_get_me(api: FakeBotApi, bot: telegram.Bot) -> None:
    me = await bot.get_me()
    assert (me.username, me.is_bot, bot.username) == ("reflexbot_test_bot", True, "reflexbot_test_bot")
    assert len(api.calls("getMe")) == 2  # once by `async with bot` (initialize), once here
    assert api.violations == []


async def test_send_message_with_inline_keyboard(api: FakeBotApi, bot: telegram.Bot) -> None:
    first = await bot.send_message(CHAT, "Which foot hurts?", reply_markup=KEYBOARD)
    second = await bot.send_message(CHAT, "Take your time.")
    assert (first.message_id, second.message_id, first.chat.type) == (1, 2, "private")
    assert first.reply_markup == KEYBOARD and first.from_user is not None and first.from_user.is_bot
    call = api.calls("sendMessage")[0]
    assert call.params["chat_id"] == CHAT and call.params["text"] == "Which foot hurts?" and call.status == 200
    assert api.messages(CHAT)[1]["reply_markup"] == KEYBOARD.to_dict()
    assert "reply_markup" not in api.messages(CHAT)[2]
    assert api.violations == []


async def test_edit_message_text_and_not_modified(api: FakeBotApi, bot: telegram.Bot) -> None:
    sent = await bot.send_message(CHAT, "Press KI1 for 30 s", reply_markup=KEYBOARD)
    edited = await bot.edit_message_text("Press KI1 for 60 s", CHAT, sent.message_id, reply_markup=KEYBOARD)
    assert isinstance(edited, telegram.Message) and edited.text == "Press KI1 for 60 s"
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("Press KI1 for 60 s", CHAT, sent.message_id, reply_markup=KEYBOARD)
    await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=None)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("gone", CHAT, 999)
    assert api.messages(CHAT) == {1: api.messages(CHAT)[1]}
    assert api.messages(CHAT)[1]["text"] == "Press KI1 for 60 s" and "reply_markup" not in api.messages(CHAT)[1]
    assert [call.status for call in api.calls("editMessageText")] == [200, 400, 400]
    assert api.violations == []


async def test_callback_query_round_trip(api: FakeBotApi, bot: telegram.Bot) -> None:
    sent = await bot.send_message(CHAT, "Did it help?", reply_markup=KEYBOARD)
    api.queue(api.callback_update(CHAT, "yes", sent.message_id))
    (update,) = await bot.get_updates(timeout=0)
    query = update.callback_query
    assert query is not None and query.data == "yes" and query.message is not None
    assert query.message.message_id == sent.message_id
    assert api.unanswered_callbacks() == [query.id]
    assert await bot.answer_callback_query(query.id, text="Noted")
    with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
        await bot.answer_callback_query(query.id)
    assert api.answered_callbacks()[query.id]["text"] == "Noted" and api.unanswered_callbacks() == []
    assert api.violations == []


async def test_set_my_commands(api: FakeBotApi, bot: telegram.Bot) -> None:
    commands = [BotCommand("start", "Begin a session"), BotCommand("stop", "Stop reminders")]
    assert await bot.set_my_commands(commands)
    assert await bot.get_my_commands() == tuple(commands)
    assert await bot.get_my_commands(language_code="ar") == ()
    assert api.calls("setMyCommands")[0].params["commands"][0] == {"command": "start", "description": "Begin a session"}
    assert api.violations == []


async def test_set_webhook_with_secret_token(api: FakeBotApi, bot: telegram.Bot) -> None:
    assert await bot.set_webhook(
        "https://reflexbot.example/telegram",
        secret_token="s3cret_Token-1",
        allowed_updates=["message", "callback_query"],
    )
    info = await bot.get_webhook_info()
    assert (info.url, info.allowed_updates) == ("https://reflexbot.example/telegram", ("message", "callback_query"))
    assert api.webhook_headers() == {"X-Telegram-Bot-Api-Secret-Token": "s3cret_Token-1"}
    with pytest.raises(Conflict):
        await bot.get_updates(timeout=0)
    assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    assert api.violations == []


async def test_flood_limit_raises_retry_after(
    api: FakeBotApi, bot: telegram.Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB 22 warns on int `retry_after` unless opted in
    api.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(CHAT, "Good evening")
    assert caught.value.retry_after == dtm.timedelta(seconds=3)
    await bot.send_message(CHAT, "Good evening")  # only once
    assert [call.status for call in api.calls("sendMessage")] == [429, 200]
    assert list(api.messages(CHAT)) == [1]
    assert api.violations == []


async def test_blocked_user_raises_forbidden(api: FakeBotApi, bot: telegram.Bot) -> None:
    api.block(CHAT)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(CHAT, "Reminder: rub SP6")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(CHAT, "typing")
    assert await bot.send_message(CHAT + 1, "Someone else")
    assert api.violations == []


@pytest.mark.parametrize("status", [500, 502])
async def test_server_errors_raise_network_error(api: FakeBotApi, bot: telegram.Bot, status: int) -> None:
    api.fail_next("sendMessage", status=status)
    with pytest.raises(NetworkError) as caught:
        await bot.send_message(CHAT, "Hello")
    assert type(caught.value) is NetworkError  # not BadRequest/TimedOut, which subclass it
    assert api.violations == []


async def test_get_updates_offset_and_long_poll(api: FakeBotApi, bot: telegram.Bot) -> None:
    for update in (api.text_update(CHAT, "my heel hurts"), api.command_update(CHAT, "/start bloating")):
        api.queue(update)
    first = await bot.get_updates(timeout=0)
    assert [u.update_id for u in first] == [1, 2]
    assert first[1].message is not None and first[1].message.text == "/start bloating"
    assert first[1].message.parse_entities(["bot_command"]) != {}
    assert await bot.get_updates(offset=first[-1].update_id + 1, timeout=0) == ()
    assert api.pending == []  # confirmed updates are forgotten

    async with asyncio.timeout(5):
        poll = asyncio.create_task(bot.get_updates(offset=3, timeout=30))
        await api.polling.wait()
        api.queue(api.text_update(CHAT, "still sore"))
        (late,) = await poll
    assert late.update_id == 3 and late.message is not None and late.message.text == "still sore"
    assert api.violations == []


async def test_shutdown_is_fast_with_an_abandoned_long_poll() -> None:
    async with asyncio.timeout(5):  # the poll would otherwise hold the server for 50 s
        async with FakeBotApi.running(poll_cap=60) as api:
            async with telegram.Bot(TOKEN, base_url=api.base_url) as bot:
                poll = asyncio.create_task(bot.get_updates(timeout=50))
                await api.polling.wait()
                poll.cancel()  # as PTB's Updater does when it stops
                with pytest.raises(asyncio.CancelledError):
                    await poll
            assert api.polling.is_set()  # the server side still holds the abandoned poll
        assert api.calls("getUpdates")[0].params["timeout"] == 50


async def test_application_polls_and_replies(api: FakeBotApi) -> None:
    replied = asyncio.Event()

    async def echo(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(f"heard: {update.message.text}")
        replied.set()

    app = ApplicationBuilder().token(TOKEN).base_url(api.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with asyncio.timeout(5), app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=10)
        api.queue(api.text_update(CHAT, "my arch aches"))
        await replied.wait()
        await app.updater.stop()
        await app.stop()
    assert [message["text"] for message in api.messages(CHAT).values()] == ["heard: my arch aches"]
    assert [call.method for call in api.sent][:3] == ["getMe", "deleteWebhook", "getUpdates"]
    assert api.pending == [] and api.violations == []


async def test_update_builders_parse_in_ptb(api: FakeBotApi, bot: telegram.Bot) -> None:
    sent = await bot.send_message(CHAT, "Send a photo of the sore spot?")
    updates = [
        api.text_update(CHAT, "مرحبا", user_id=77, first_name="Amira", language_code="ar"),
        api.photo_update(CHAT, caption="left foot"),
        api.sticker_update(CHAT),
        api.voice_update(CHAT),
        api.document_update(CHAT),
        api.location_update(CHAT, 25.2048, 55.2708),
        api.edited_message_update(CHAT, 2, "my left heel hurts"),
        api.group_text_update(-100500, "hi bot"),
        api.callback_update(CHAT, "later", sent.message_id),
    ]
    for update in updates:
        api.queue(update)
    got = await bot.get_updates(timeout=0)
    assert [u.update_id for u in got] == list(range(1, 10))
    text, photo, sticker, voice, document, location, edited, group, callback = got
    assert text.effective_user is not None and text.effective_user.language_code == "ar"
    assert photo.message is not None and photo.message.caption == "left foot" and len(photo.message.photo) == 2
    assert sticker.message is not None and sticker.message.sticker is not None
    assert voice.message is not None and voice.message.voice is not None
    assert document.message is not None and document.message.document is not None
    assert location.message is not None and location.message.location is not None
    assert edited.edited_message is not None and edited.edited_message.text == "my left heel hurts"
    assert group.effective_chat is not None and group.effective_chat.type == "group"
    assert callback.callback_query is not None and callback.callback_query.data == "later"
    assert api.violations == []


async def test_send_photo_upload_and_delete(api: FakeBotApi, bot: telegram.Bot) -> None:
    photo = await bot.send_photo(CHAT, b"\x89PNG\r\n\x1a\nfake", caption="نقطة KI1 ✓", filename="ki1.png")
    assert photo.caption == "نقطة KI1 ✓" and len(photo.photo) == 2
    params = api.calls("sendPhoto")[0].params
    assert params["photo"]["filename"] == "ki1.png" and params["caption"] == "نقطة KI1 ✓"
    await bot.send_photo(CHAT, photo.photo[-1].file_id)  # by file_id, url-encoded
    assert await bot.send_chat_action(CHAT, "upload_photo")
    assert await bot.delete_message(CHAT, photo.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(CHAT, photo.message_id)
    assert list(api.messages(CHAT)) == [2]
    assert api.violations == []


@pytest.mark.parametrize(
    ("method", "body", "expected"),
    [
        ("sendMessage", {"chat_id": CHAT}, "'text' is a required property"),
        ("sendMessage", {"chat_id": CHAT, "text": "hi", "disable_notification": "yes"}, "is not of type 'boolean'"),
        ("sendChatAction", {"chat_id": CHAT, "action": "dancing"}, "is not one of"),
        (
            "sendMessage",
            {
                "chat_id": CHAT,
                "text": "x",
                "reply_markup": {"inline_keyboard": [[{"text": "long", "callback_data": "x" * 65}]]},
            },
            "over 64 bytes",
        ),
    ],
)
async def test_invalid_request_is_a_violation(
    api: FakeBotApi, method: str, body: dict[str, object], expected: str
) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{api.base_url}{TOKEN}/{method}", json=body)
    assert response.status_code == 400
    assert response.json()["ok"] is False and response.json()["description"].startswith("Bad Request: ")
    assert len(api.violations) == 1 and api.violations[0].startswith(f"{method}: request")
    assert expected in api.violations[0]
    assert api.messages(CHAT) == {}


async def test_unreadable_body_is_a_violation(api: FakeBotApi) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{api.base_url}{TOKEN}/sendMessage", content=b"{not json", headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 400 and "can't parse JSON" in response.json()["description"]
    assert len(api.violations) == 1 and api.sent[0].params == {}


async def test_form_bodies_are_decoded_by_the_schema(api: FakeBotApi) -> None:
    async with httpx.AsyncClient() as client:
        ok = await client.post(f"{api.base_url}{TOKEN}/sendMessage", data={"chat_id": str(CHAT), "text": "123"})
        empty = await client.post(f"{api.base_url}{TOKEN}/sendMessage", data={"chat_id": str(CHAT), "text": ""})
    assert ok.status_code == 200 and ok.json()["result"]["text"] == "123"  # a numeric text stays a string
    assert empty.status_code == 400 and "should be non-empty" in api.violations[0]


async def test_wrong_token_and_unknown_method(api: FakeBotApi) -> None:
    with pytest.raises(InvalidToken, match="was rejected"):
        async with telegram.Bot("999:wrong", base_url=api.base_url):
            pass  # initialising calls getMe
    async with httpx.AsyncClient() as client:
        unknown = await client.post(f"{api.base_url}{TOKEN}/sendTelepathy", json={})
    assert unknown.status_code == 404 and unknown.json()["description"] == "Not Found"
    assert api.sent == [] and api.violations == []
