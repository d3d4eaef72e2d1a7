"""The stand-in is the judge of the pace in the production proofs: it must refuse what Telegram would."""

from __future__ import annotations

import asyncio

from tests.prod.standin import StandIn


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def send_all(standin: StandIn, clock: Clock, sends: list[tuple[float, int]]) -> dict[str, int]:
    """Send (at, chat) in order on the stand-in's clock; the limit counts."""

    async def go() -> None:
        for at, chat in sends:
            clock.now = at
            await standin.send_message({"chat_id": chat, "text": "hi"})

    asyncio.run(go())
    stats = standin.stats()
    return {"overall": stats["limited_overall"], "chat": stats["limited_chat"], "delivered": stats["delivered"]}


def test_a_send_spaced_at_the_rate_is_never_refused() -> None:
    clock = Clock()
    standin = StandIn(60.0, 0.0, 0.0, 1, clock=clock)
    sends = [(1000.0 + i / 60, i) for i in range(600)]
    assert send_all(standin, clock, sends) == {"overall": 0, "chat": 0, "delivered": 600}


def test_sends_held_up_by_a_short_stall_arrive_together_and_pass() -> None:
    clock = Clock()
    standin = StandIn(60.0, 0.0, 0.0, 1, clock=clock)
    spaced = [(1000.0 + i / 60, i) for i in range(120)]
    stalled = [(1000.0 + 2.1, 1000 + i) for i in range(6)]  # 100 ms of sends, all at the end of the stall
    assert send_all(standin, clock, spaced + stalled)["overall"] == 0


def test_sending_over_the_rate_is_refused() -> None:
    clock = Clock()
    standin = StandIn(60.0, 0.0, 0.0, 1, clock=clock)
    sends = [(1000.0 + i / 70, i) for i in range(700)]  # 70 a second for ten seconds
    assert send_all(standin, clock, sends)["overall"] > 40


def test_a_burst_at_once_is_refused() -> None:
    clock = Clock()
    standin = StandIn(60.0, 0.0, 0.0, 1, clock=clock)
    assert send_all(standin, clock, [(1000.0, i) for i in range(30)])["overall"] == 30 - 10


def test_one_chat_faster_than_once_a_second_is_refused() -> None:
    clock = Clock()
    standin = StandIn(60.0, 0.0, 0.0, 1, clock=clock)
    sends = [(1000.0 + i * 0.5, 7) for i in range(10)]
    assert send_all(standin, clock, sends) == {"overall": 0, "chat": 4, "delivered": 6}
