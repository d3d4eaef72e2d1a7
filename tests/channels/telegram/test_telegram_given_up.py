"""Telegram refusing a reply for good (400 "chat not found", 403): given up, not retried forever."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from tests.channels.telegram.conftest import CHAT, TelegramRig

KEY = f"telegram:{CHAT}"


def given_up(rig: TelegramRig, reason: str) -> float:
    value = rig.runtime.metrics.registry.get_sample_value(
        "reflexbot_send_given_up_total", {"channel": "telegram", "reason": reason}
    )
    return value or 0.0


async def test_a_400_is_given_up_once_and_the_next_reply_goes(
    rig: TelegramRig, caplog: pytest.LogCaptureFixture
) -> None:
    rig.api.fail_next("sendMessage", 400, description="Bad Request: chat not found")
    with caplog.at_level(logging.INFO):
        await rig.say("hello")
        await rig.runtime.flush(rig.clock.now + timedelta(days=1))  # nothing is tried again
    refused = [c for c in rig.api.calls("sendMessage") if c.status == 400]
    assert len(refused) == 1, "tried once, not retried"
    (kept,) = await rig.store.given_up_replies(KEY)
    assert kept.reply.text == refused[0].params["text"]
    assert await rig.store.pending_replies(KEY) == []
    assert given_up(rig, "chat_not_found") == 1
    lines = [r.getMessage() for r in caplog.records if "refused for good" in r.getMessage()]
    assert len(lines) == 1
    assert kept.reply.text not in caplog.text and str(CHAT) not in caplog.text
    before = len(rig.api.calls("sendMessage"))
    await rig.say("hello")
    assert [c.status for c in rig.api.calls("sendMessage")[before:]] and all(
        c.status == 200 for c in rig.api.calls("sendMessage")[before:]
    )
    assert rig.api.violations == []


async def test_a_timer_reply_refused_for_good_finishes_its_timer(rig: TelegramRig) -> None:
    await rig.say("remind me at 10pm every night")
    rig.api.fail_next("sendMessage", 400, description="Bad Request: message text is empty")
    await rig.clock.advance(timedelta(hours=3).total_seconds())
    assert given_up(rig, "bad_request") == 1
    assert len(await rig.store.given_up_replies(KEY)) == 1
    assert await rig.store.keys_with_pending_replies(rig.clock.now + timedelta(days=1)) == []
    assert [t for t, _ in await rig.store.pending_timers(KEY)] == ["reminder:1"], "tomorrow's reminder stands"


async def test_a_403_is_counted_as_blocked(rig: TelegramRig) -> None:
    rig.api.block(CHAT)
    await rig.say("hello")
    assert given_up(rig, "blocked") == 1
    assert [c.status for c in rig.api.calls("sendMessage")] == [403]


async def test_a_group_that_moved_is_given_up_not_retried(rig: TelegramRig, caplog: pytest.LogCaptureFixture) -> None:
    """A group that became a supergroup answers 400 with migrate_to_chat_id: the old id never works again."""
    rig.api.fail_next("sendMessage", 400, description="Bad Request: group chat was upgraded", migrate_to=-100123)
    with caplog.at_level(logging.WARNING):
        await rig.say("hello")
        await rig.runtime.flush(rig.clock.now + timedelta(days=1))
    assert [c.status for c in rig.api.calls("sendMessage")].count(400) == 1, "tried once, not retried"
    assert given_up(rig, "chat_migrated") == 1
    assert await rig.store.pending_replies(KEY) == []
    assert "moved to a new id" in caplog.text
