"""Data-file links: a random token kept in the database opens its person's file until it expires, and
nothing else; the token says nothing about whose it is; erase and the prune remove links."""

from __future__ import annotations

from datetime import timedelta

from bot.channels.links import DataLinks, Opened, Refused
from bot.engine import Conversation, Forget
from tests.conftest import T0, Harness

KEY = "whatsapp:+971501234567"


async def test_a_link_opens_its_key_until_it_expires(harness: Harness) -> None:
    links = DataLinks(harness.store)
    token = await links.make(KEY, T0)
    assert await links.open(token, T0) == Opened(KEY, T0 + timedelta(hours=1))
    assert await links.open(token, T0 + timedelta(minutes=59, seconds=59)) == Opened(KEY, T0 + timedelta(hours=1))
    assert await links.open(token, T0 + timedelta(hours=1)) is Refused.EXPIRED
    short = DataLinks(harness.store, timedelta(minutes=5))
    assert await short.open(await short.make(KEY, T0), T0 + timedelta(minutes=5)) is Refused.EXPIRED


async def test_the_token_is_random_and_says_nothing(harness: Harness) -> None:
    links = DataLinks(harness.store)
    first, second = await links.make(KEY, T0), await links.make(KEY, T0)
    assert first != second and len(first) == 43
    assert "971" not in first + second and "whatsapp" not in first + second


async def test_a_changed_or_made_up_token_opens_nothing(harness: Harness) -> None:
    links = DataLinks(harness.store)
    token = await links.make(KEY, T0)
    for broken in (
        "",
        "x",
        token[:-1],
        token + "A",
        "A" * 43,
        "!" * 43,
        token[:-1] + ("B" if token[-1] != "B" else "C"),
    ):
        assert await links.open(broken, T0) is Refused.INVALID, broken


async def test_erase_and_prune_remove_links(harness: Harness) -> None:
    links = DataLinks(harness.store)
    kept, other = await links.make(KEY, T0), await links.make("whatsapp:+971500000000", T0)
    await harness.store.commit_turn(KEY, Conversation(), (Forget(),), T0)  # "delete my data", confirmed
    assert await links.open(kept, T0) is Refused.INVALID
    await harness.store.prune(T0 + timedelta(hours=2))
    assert await links.open(other, T0) is Refused.INVALID, "expired links go with the hourly prune"
