"""Behaviour pinned after a review: red flags teach the safety answers, hedged answers are re-asked,
nothing forbidden in pregnancy is ever offered, nudges stop in an emergency, no duplicate reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.engine import Reply
from bot.engine import state as S
from tests.engine.helpers import answer_all
from tests.flow import Flow

FORBIDDEN = {"SP6", "BL60", "BL67", "EX-LE11"}


def test_a_swollen_calf_blocks_leg_and_foot_massage_afterwards(flow: Flow) -> None:
    flow.tap("start:ST44")
    answer_all(flow)
    flow.say("my left calf is swollen, red and warm")
    assert flow.state.answers["clot"].value == "yes"
    flow.tap("safe:yes")  # the check-in after emergency advice comes first
    flow.tap("start:ST44")
    answer_all(flow)
    assert flow.state.session is None and "clot" in flow.text()


def test_bleeding_in_pregnancy_records_the_pregnancy(flow: Flow) -> None:
    flow.tap("start:KI1")
    answer_all(flow)
    flow.control("stop")
    flow.say("I'm pregnant and bleeding")
    assert flow.state.answers["pregnancy"].value == "yes"
    flow.tap("start:SP6")
    answer_all(flow, {"pregnancy": "yes"})
    assert flow.state.session is None


@pytest.mark.parametrize(
    ("question", "typed"),
    [
        ("pregnancy", "No, but could be, we are trying"),
        ("chronic", "nope, although i have diabetes"),
        ("foot", "not on the left, the right one has a blister"),
    ],
)
def test_hedged_typed_answers_are_not_taken_as_no(flow: Flow, question: str, typed: str) -> None:
    flow.tap("start:KI1")
    while flow.state.question != question:
        flow.tap(f"ans:{flow.state.question}:{'none' if flow.state.question == 'acute' else 'no'}")
    flow.say(typed)
    answer = flow.state.answers.get(question)
    assert answer is None or answer.value != "no"
    if question == "pregnancy":
        assert answer is not None and answer.value == "yes"


def test_pregnancy_in_free_text_filters_offers(flow: Flow) -> None:
    flow.say("I'm pregnant and my lower back aches")
    assert flow.state.answers["pregnancy"].value == "yes"
    assert not set(flow.state.offered) & FORBIDDEN
    assert not {c.removeprefix("start:") for c in flow.choice_ids()} & FORBIDDEN


def test_feedback_never_offers_a_forbidden_point(flow: Flow) -> None:
    flow.say("period cramps")
    flow.tap("start:zone:heel")
    answer_all(flow, {"pregnancy": "yes"})
    while flow.state.state != S.FEEDBACK:
        if flow.state.state == S.SESSION_FINDING:
            flow.control("ready")
        else:
            flow.wait(30)
    flow.tap("feel:same")
    assert not {c.removeprefix("start:") for c in flow.choice_ids()} & FORBIDDEN


def test_offers_show_the_care_note_of_a_point(flow: Flow) -> None:
    flow.say("period cramps")
    assert "Care:" in flow.text()


def test_an_emergency_cancels_remind_me_later(flow: Flow) -> None:
    flow.tap("start:ST44")
    answer_all(flow, {"acute": "ate"})
    flow.tap("later:ST44")
    flow.tap("later:ST44")
    assert [t for t in flow.timers if t.startswith("later")] == ["later"], "a second tap moves, never doubles"
    flow.say("I have crushing chest pain")
    assert flow.wait(7200) == []


def test_typed_yes_gives_consent(flow: Flow) -> None:
    flow.say("book")
    flow.tap("branch:main")
    flow.say("Tue")
    flow.say("Sara")
    flow.say("this chat")
    flow.say("yes")
    assert [r.kind for r in flow.records] == ["booking"]


def test_a_time_for_a_bedtime_reminder_is_daily(flow: Flow) -> None:
    flow.tap("rem:ask")
    flow.say("10pm")
    assert flow.state.reminders[0].daily


def test_the_same_daily_reminder_is_not_set_twice(flow: Flow) -> None:
    flow.say("remind me at 10pm every night")
    flow.tap("remat:22:00")
    assert len(flow.state.reminders) == 1
    assert len([t for t in flow.timers if t.startswith("reminder:")]) == 1


def test_a_one_off_reminder_leaves_the_list_once_it_fired(flow: Flow) -> None:
    flow.say("remind me in an hour")
    sent = flow.wait(3600)
    assert len(sent) == 1 and "asked for" in sent[0].reply.text
    assert flow.state.reminders == ()
    snooze = next(c for c in [c.id for c in sent[0].reply.choices] if c.startswith("rem:snooze:"))
    flow.tap(snooze)
    assert len(flow.wait(timedelta(minutes=15).total_seconds())) == 1, "a snooze of it still works"


def test_superscript_digits_are_text_not_numbers(flow: Flow) -> None:
    flow.say("I feel bloated")
    replies = flow.say("²")
    assert replies and isinstance(replies[0], Reply)
    assert flow.tap("rem:snooze:²")
    assert flow.tap("remat:²:00")


def test_a_channel_with_a_reply_window_says_so_when_a_reminder_is_set(flow: Flow) -> None:
    from dataclasses import replace

    flow.state = replace(flow.state, window_hours=24)
    flow.say("remind me at 10pm every night")
    assert "within 24 hours" in flow.text()
