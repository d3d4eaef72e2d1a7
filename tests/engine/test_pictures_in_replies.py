"""Where the engine shows a picture: the offer's first item, each foot's "find the point" step, and
"where is it" / "show me" / "picture" after an offer or during a session (the foot being worked on)."""

from __future__ import annotations

import pytest

from bot.engine import Reply
from bot.engine import state as S
from bot.engine.items import picture_of
from tests.engine.helpers import answer_all, to_offered, to_running
from tests.flow import Flow


def pictured(replies: list[Reply]) -> list[str]:
    return [r.image for r in replies if r.image is not None]


def test_the_offer_shows_the_first_item_on_the_right_foot(flow: Flow) -> None:
    replies = flow.say("I feel bloated")
    assert flow.state.state == S.OFFERED
    (image,) = pictured(replies)
    assert picture_of(image) == (flow.state.offered[0], "right")


def test_each_foot_gets_its_own_find_the_point_picture(flow: Flow) -> None:
    flow.tap("start:ST44")
    answer_all(flow)
    assert flow.state.state == S.SESSION_FINDING
    first = flow.sent[-1].reply
    assert first.image == "ST44.left" and first.card is None  # a photo is never the live card
    flow.control("ready")
    running = flow.sent[-1].reply
    assert running.image is None and running.card is not None
    flow.wait(600)
    assert flow.state.state == S.SESSION_FINDING
    assert flow.sent[-1].reply.image == "ST44.right"


@pytest.mark.parametrize("words", ["where is it", "show me", "picture", "can i see a picture"])
def test_asking_to_see_it_after_an_offer_sends_the_picture(flow: Flow, words: str) -> None:
    to_offered(flow)
    (image,) = pictured(flow.say(words))
    assert picture_of(image) == (flow.state.offered[0], "right")


@pytest.mark.parametrize("words", ["where is it", "show me", "وريني الصورة", "покажи картинку"])
def test_asking_during_a_session_pauses_it_and_shows_this_foot(flow: Flow, words: str) -> None:
    to_running(flow)
    assert flow.state.session is not None
    item = flow.state.session.item
    replies = flow.say(words)
    assert flow.state.state == S.SESSION_PAUSED
    assert pictured(replies) == [f"{item}.left"]


def test_a_reply_without_a_place_to_show_has_no_picture(flow: Flow) -> None:
    assert pictured(flow.say("hello")) == []
