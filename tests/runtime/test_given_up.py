"""A reply the platform refuses for good is given up: kept marked failed, counted, never tried again, and the
person's next replies do not wait behind it."""

from __future__ import annotations

import logging

import pytest

from bot.engine import Knowledge, Reply
from bot.runtime import Runtime, UndeliverableError
from bot.store import SqlStore
from tests.conftest import T0

KEY = "telegram:42"
REFUSED = "a reply the platform refuses"


class Platform:
    """Refuses one text for good; delivers the rest."""

    def __init__(self) -> None:
        self.tries: list[str] = []
        self.delivered: list[str] = []

    async def deliver(self, key: str, reply: Reply) -> None:
        self.tries.append(reply.text)
        if reply.text == REFUSED:
            raise UndeliverableError("chat_not_found")
        self.delivered.append(reply.text)


def given_up_count(runtime: Runtime, reason: str = "chat_not_found") -> float:
    value = runtime.metrics.registry.get_sample_value(
        "reflexbot_send_given_up_total", {"channel": "telegram", "reason": reason}
    )
    return value or 0.0


async def test_a_kept_reply_refused_for_good_is_marked_failed_and_the_rest_go(
    kb: Knowledge, store: SqlStore, caplog: pytest.LogCaptureFixture
) -> None:
    platform = Platform()
    runtime = Runtime(kb, store, platform.deliver)
    await store.keep_replies(KEY, [Reply("first"), Reply(REFUSED), Reply("third")], T0)
    with caplog.at_level(logging.INFO):
        await runtime.flush(T0)
        await runtime.flush(T0)  # nothing is left to try
    assert platform.tries == ["first", REFUSED, "third"]
    assert platform.delivered == ["first", "third"]
    assert await store.pending_replies(KEY) == []
    assert [item.reply.text for item in await store.given_up_replies(KEY)] == [REFUSED]
    assert given_up_count(runtime) == 1
    refusals = [r for r in caplog.records if "refused for good" in r.getMessage()]
    assert len(refusals) == 1 and "chat_not_found" in refusals[0].getMessage()
    assert REFUSED not in caplog.text and KEY not in caplog.text


async def test_a_fresh_reply_refused_for_good_is_kept_marked_failed(kb: Knowledge, store: SqlStore) -> None:
    platform = Platform()
    runtime = Runtime(kb, store, platform.deliver)
    await runtime._deliver(KEY, [], [Reply(REFUSED), Reply("next")], T0)
    assert platform.delivered == ["next"]
    assert [item.reply.text for item in await store.given_up_replies(KEY)] == [REFUSED]
    assert await store.keys_with_pending_replies(T0) == []
    assert given_up_count(runtime) == 1


async def test_an_unknown_reason_is_counted_as_other(kb: Knowledge, store: SqlStore) -> None:
    async def deliver(key: str, reply: Reply) -> None:
        raise UndeliverableError("Bad Request: chat 42 is odd")

    runtime = Runtime(kb, store, deliver)
    await runtime._deliver(KEY, [], [Reply("x")], T0)
    assert given_up_count(runtime, "other") == 1
