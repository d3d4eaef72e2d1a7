"""A time the clinic confirmed: the message in the person's time zone with its calendar file and answers,
reminders a day and two hours before on a fake clock, answers (tapped or typed) as records for the desk,
and cancel stopping the reminders."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.engine import AppointmentSet, Conversation, Reply
from bot.engine.timers import parse_timer
from tests.conftest import T0
from tests.flow import Flow

REF = "RB-AB12-1"
STARTS = T0 + timedelta(days=3, hours=2)


def confirmed(flow: Flow, tz: str = "") -> None:
    flow.start()
    if tz:
        flow.state = replace(flow.state, tz=tz)
    flow.send(AppointmentSet(REF, STARTS, "dhcc"))


def test_the_person_gets_the_time_in_their_zone_with_the_file_and_three_answers(flow: Flow) -> None:
    confirmed(flow, tz="Europe/Moscow")
    (reply,) = [a for a in flow.last if isinstance(a, Reply)]
    local = STARTS.astimezone(ZoneInfo("Europe/Moscow"))
    assert local.strftime("%H:%M") in reply.text and local.strftime("%Y-%m-%d") in reply.text
    branch = flow.kb.clinic.branch("dhcc")
    assert branch is not None and branch.name in reply.text and branch.address in reply.text
    assert reply.document == REF and reply.template == "appointment_confirmed"
    assert flow.choice_ids() == [f"appt:{REF}:confirm", f"appt:{REF}:another-time", f"appt:{REF}:cancel"]
    assert sorted(flow.timers) == [f"appointment:{REF}:2", f"appointment:{REF}:24"]
    assert flow.timers[f"appointment:{REF}:24"][0] == STARTS - timedelta(hours=24)
    assert flow.timers[f"appointment:{REF}:2"][0] == STARTS - timedelta(hours=2)


def test_reminders_come_a_day_and_two_hours_before_as_a_template(flow: Flow) -> None:
    confirmed(flow)
    sent = flow.wait((STARTS - T0).total_seconds())
    assert [s.at for s in sent] == [STARTS - timedelta(hours=24), STARTS - timedelta(hours=2)]
    assert all(s.reply.template == "appointment_reminder" for s in sent)
    assert "tomorrow" in sent[0].reply.text and "two hours" in sent[1].reply.text


def test_confirm_is_a_record_and_reminders_stay(flow: Flow) -> None:
    confirmed(flow)
    flow.tap(f"appt:{REF}:confirm")
    assert [dict(r.data) for r in flow.records if r.kind == "appointment-answer"] == [{"ref": REF, "answer": "confirm"}]
    assert len(flow.timers) == 2
    assert "look forward" in flow.text()


def test_cancel_stops_the_reminders(flow: Flow) -> None:
    confirmed(flow)
    flow.tap(f"appt:{REF}:cancel")
    assert flow.timers == {}
    assert dict(flow.records[-1].data) == {"ref": REF, "answer": "cancel"}
    assert flow.wait(timedelta(days=4).total_seconds()) == []
    flow.tap(f"appt:{REF}:confirm")  # a cancelled time cannot be confirmed again from old buttons
    assert len(flow.records) == 1


def test_another_time_stops_the_reminders(flow: Flow) -> None:
    confirmed(flow)
    flow.tap(f"appt:{REF}:another-time")
    assert flow.timers == {} and dict(flow.records[-1].data)["answer"] == "another-time"


def test_typed_answers(flow: Flow) -> None:
    for typed, answer in (("yes", "confirm"), ("Cancel", "cancel"), ("another time", "another-time")):
        person = Flow(flow.kb, T0)
        confirmed(person)
        person.say(typed)
        answers = [dict(r.data)["answer"] for r in person.records if r.kind == "appointment-answer"]
        assert answers == [answer], (typed, person.text())


def test_an_old_ref_is_a_stale_button(flow: Flow) -> None:
    confirmed(flow)
    flow.tap("appt:RB-OTHER-9:confirm")
    assert flow.records == []


def test_a_new_time_replaces_the_reminders(flow: Flow) -> None:
    confirmed(flow)
    later = STARTS + timedelta(days=1)
    flow.send(AppointmentSet(REF, later, "dhcc"))
    assert flow.timers[f"appointment:{REF}:2"][0] == later - timedelta(hours=2)


def test_a_time_soon_sets_only_the_reminders_ahead(flow: Flow) -> None:
    flow.start()
    flow.send(AppointmentSet(REF, T0 + timedelta(hours=5), "dhcc"))
    assert list(flow.timers) == [f"appointment:{REF}:2"]


def test_timer_ids_round_trip_and_the_state_saves() -> None:
    timer = parse_timer(f"appointment:{REF}:24")
    assert timer is not None and str(timer) == f"appointment:{REF}:24"
    assert parse_timer(f"appointment:{REF}:5") is None
    flow_state = Conversation.from_json(Conversation().to_json())
    assert flow_state.appointment is None
