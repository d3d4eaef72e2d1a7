"""Sending to Telegram: paced per chat and overall, 429s honoured, network errors retried, blocks reported."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.channels.pacing import Pace, Pacer, Sleep
from bot.channels.telegram.render import Outgoing, render
from bot.engine import Reply
from bot.runtime import RecipientGoneError

log = logging.getLogger("reflexbot.telegram")
MAX_ATTEMPTS = 6


class DeliveryFailedError(Exception):
    """Telegram could not be reached after every retry; the runtime keeps the reply for later."""


class TelegramSender:
    """Delivers engine replies to chats; a live session card is edited in place instead of re-sent."""

    def __init__(self, bot: Bot, pacer: Pace | None = None, *, sleep: Sleep = asyncio.sleep) -> None:
        self.bot = bot
        self.pacer: Pace = pacer or Pacer(sleep=sleep)
        self._sleep = sleep
        self._cards: dict[tuple[int, str], int] = {}  # (chat, card) -> message id

    async def deliver(self, key: str, reply: Reply) -> None:
        """Send one reply to the chat behind a "telegram:<id>" key."""
        chat_id = int(key.removeprefix("telegram:"))
        if reply.card is not None:
            await self._card(chat_id, reply)
            return
        self._cards = {k: v for k, v in self._cards.items() if k[0] != chat_id}  # the session card is over
        for piece in render(reply):
            await self.send_text(chat_id, piece.text, piece.keyboard)

    async def send_text(self, chat_id: int, text: str, keyboard: InlineKeyboardMarkup | None = None) -> int:
        """Send a message; returns its id."""
        message = await self.call(chat_id, lambda: self.bot.send_message(chat_id, text, reply_markup=keyboard))
        return int(message.message_id)

    def is_card(self, chat_id: int, message_id: int) -> bool:
        """True for the message that shows a running session (its buttons stay)."""
        return any(k[0] == chat_id and v == message_id for k, v in self._cards.items())

    async def _card(self, chat_id: int, reply: Reply) -> None:
        assert reply.card is not None
        (piece,) = render(reply)[-1:]
        message_id = self._cards.get((chat_id, reply.card))
        if message_id is not None and await self._edit(chat_id, message_id, piece):
            return
        self._cards[(chat_id, reply.card)] = await self.send_text(chat_id, piece.text, piece.keyboard)

    async def _edit(self, chat_id: int, message_id: int, piece: Outgoing) -> bool:
        try:
            await self.call(
                chat_id,
                lambda: self.bot.edit_message_text(
                    piece.text, chat_id=chat_id, message_id=message_id, reply_markup=piece.keyboard
                ),
            )
        except BadRequest as error:
            # "not modified" is fine; any other refusal means the card is gone: send a new one.
            return "not modified" in str(error).lower()
        return True

    async def call(self, chat_id: int, request: Callable[[], Awaitable[Any]]) -> Any:
        """One Bot API call under the pace, with retries; Forbidden means the person blocked the bot."""
        for attempt in range(MAX_ATTEMPTS):
            await self.pacer.wait(chat_id)
            try:
                return await request()
            except RetryAfter as error:
                wait = error.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                log.warning("telegram asked to slow down for %.0f s", seconds)
                await self.pacer.hold(seconds)
            except Forbidden as error:
                raise RecipientGoneError(str(error)) from error
            except BadRequest:
                raise
            except (TimedOut, NetworkError) as error:
                log.warning("telegram unreachable (%s), attempt %d", type(error).__name__, attempt + 1)
                await self._sleep(min(30.0, 0.5 * 2**attempt))
        raise DeliveryFailedError(f"gave up after {MAX_ATTEMPTS} attempts")
