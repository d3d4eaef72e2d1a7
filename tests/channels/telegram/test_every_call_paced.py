"""Every Bot API call goes through the pace: typing indicators, button answers and keyboard edits too."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.pacing import Pacer
from bot.channels.telegram.sender import TelegramSender
from bot.channels.telegram.transport import telegram_bot
from tests.channels.telegram.fake_bot_api import FakeBotApi
from tests.channels.telegram.stepped_time import SteppedTime

PER_SECOND = 10


def most_in_one_second(times: list[float]) -> int:
    """The most calls received in any one-second window (half-open)."""
    times = sorted(times)
    return max((sum(1 for u in times[i:] if u < t + 1.0 - 1e-9) for i, t in enumerate(times)), default=0)


async def test_a_burst_of_every_kind_of_call_keeps_the_rate() -> None:
    time = SteppedTime()
    async with FakeBotApi.running(clock=time.monotonic) as api:
        bot = telegram_bot(api.token, api.base_url)
        async with bot:
            pacer = Pacer(per_chat_seconds=1.0, per_second=PER_SECOND, clock=time.monotonic, sleep=time.sleep)
            sender = TelegramSender(bot, pacer, sleep=time.sleep)
            chats = list(range(100, 120))
            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Better", callback_data="feel:better")]])
            await time.run([sender.send_text(chat, "how do you feel?", keyboard) for chat in chats])
            time.now += 1.0  # every slot free again
            queries = [api.callback_update(chat, "feel:better", 1)["callback_query"]["id"] for chat in chats]
            api.sent.clear()
            burst: list[Coroutine[Any, Any, Any]] = [sender.typing(chats[i % 20]) for i in range(200)]
            burst += [sender.answer_callback(query) for query in queries]
            burst += [sender.drop_keyboard(chat, 1) for chat in chats]
            burst += [sender.send_text(chat, "hello") for chat in chats]
            results = await time.run(burst)

    assert api.violations == []
    assert most_in_one_second([call.at for call in api.sent]) <= PER_SECOND
    typed = results[:200]
    assert 0 < sum(typed) < 200  # those whose chat's slot was taken were skipped, not queued
    assert len(api.calls("sendChatAction")) == sum(typed)
    assert all(results[200:220]) and api.unanswered_callbacks() == []
    assert len(api.calls("editMessageReplyMarkup")) == 20 and len(api.calls("sendMessage")) == 20


async def test_button_answers_wait_only_for_the_overall_slot() -> None:
    """A chat that has just had a reply does not hold up the answer to its button tap."""
    time = SteppedTime()
    async with FakeBotApi.running(clock=time.monotonic) as api:
        bot = telegram_bot(api.token, api.base_url)
        async with bot:
            pacer = Pacer(per_chat_seconds=1.0, per_second=PER_SECOND, clock=time.monotonic, sleep=time.sleep)
            sender = TelegramSender(bot, pacer, sleep=time.sleep)
            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Better", callback_data="feel:better")]])
            await time.run([sender.send_text(7, "how do you feel?", keyboard)])
            time.now += 1.0
            query = api.callback_update(7, "feel:better", 1)["callback_query"]["id"]
            api.sent.clear()
            start = time.now
            await time.run([sender.send_text(7, "a reply")])  # the chat's slot is taken for a second
            answered, typed = await time.run([sender.answer_callback(query), sender.typing(7)])

    assert answered and not typed  # typing is skipped while the chat's slot is taken
    (answer,) = api.calls("answerCallbackQuery")
    assert answer.at - start == pytest.approx(1.0 / PER_SECOND)  # the overall slot, not the chat's
