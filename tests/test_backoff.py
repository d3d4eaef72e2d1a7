"""Retry waits: exponential, capped, with full jitter; the random source decides where each falls."""

from __future__ import annotations

import random

import pytest

from bot.backoff import OUTBOX_RETRY, SEND_RETRY, Backoff


def draws(*values: float) -> random.Random:
    """A random source that gives `values` in turn (and fails loudly if asked for more)."""
    source = random.Random()
    queue = list(values)
    source.random = lambda: queue.pop(0)  # type: ignore[method-assign]
    return source


def test_ceilings_double_until_the_cap() -> None:
    backoff = Backoff(base=0.5, cap=30.0)
    assert [backoff.ceiling(n) for n in range(9)] == [0.5, 1, 2, 4, 8, 16, 30, 30, 30]


def test_each_wait_falls_anywhere_below_its_ceiling() -> None:
    backoff = Backoff(base=1.0, cap=10.0, random=draws(0.5, 0.0, 0.25, 0.75, 0.9, 0.1).random)
    assert [backoff.delay(n) for n in range(6)] == [0.5, 0.0, 1.0, 6.0, 9.0, 1.0]


@pytest.mark.parametrize("backoff", [SEND_RETRY, OUTBOX_RETRY])
def test_a_seeded_source_spreads_the_waits_and_none_passes_the_cap(backoff: Backoff) -> None:
    seeded = Backoff(backoff.base, backoff.cap, random=random.Random(14).random)
    for attempt in (0, 3, 10, 10_000):  # 2**10000 would overflow a float: the exponent stops growing
        waits = [seeded.delay(attempt) for _ in range(200)]
        ceiling = min(backoff.cap, backoff.base * 2 ** min(attempt, 64))
        assert all(0 <= wait <= ceiling for wait in waits)
        assert len(set(waits)) == len(waits), "jittered: no two tries wait the same"
        assert min(waits) < ceiling / 4 and max(waits) > ceiling * 3 / 4, "spread over the whole range"


def test_the_defaults_start_small_and_stop_growing() -> None:
    assert SEND_RETRY.ceiling(0) == 0.5 and SEND_RETRY.ceiling(20) == 30
    assert OUTBOX_RETRY.ceiling(0) == 30 and OUTBOX_RETRY.ceiling(20) == 900
