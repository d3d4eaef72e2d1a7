"""reflexbot on WhatsApp: signed webhooks in, the real twilio SDK out, judged by Prism on Twilio's spec."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Connection, select

from bot.channels.whatsapp.sender import Template
from bot.engine import Reply
from bot.engine import state as S
from bot.store.schema import inbound
from tests.channels.whatsapp.conftest import PERSON, PUBLIC, REMINDER_SID, WhatsAppRig

ERASE_SID = "HX" + "e" * 32
SAFE_NUMBERS = ("6", "2", "2", "2", "4", "2")  # none of these, no, no, no, no (foot), no


async def test_a_whole_conversation_to_a_finished_session(rig: WhatsAppRig) -> None:
    await rig.say("I feel bloated")
    assert "bloating" in rig.bodies()[-1] and "1. Start" in rig.bodies()[-1]
    await rig.say("1")
    assert "Right now, does any of these apply" in rig.bodies()[-1]
    for number in SAFE_NUMBERS:
        await rig.say(number)
    assert "Left foot" in rig.bodies()[-1]
    before = len(rig.messages())
    await rig.say("ready")
    assert "Round 1 of 1: press 5 s, rest 2 s, 12 times" in rig.bodies()[-1], "per-round pacing spells it out"
    await rig.clock.advance(600)
    await rig.say("ready")
    await rig.clock.advance(600)
    assert "How do you feel now?" in rig.bodies()[-1]
    # Per round: the round (left), the next foot, the round (right), the end: 4 messages, not 48.
    assert len(rig.messages()) - before == 4
    await rig.say("1")
    assert "Glad" in rig.bodies()[-1]
    assert all(m["data"]["From"] == "whatsapp:+14155238886" and m["data"]["To"] == PERSON for m in rig.messages())
    assert rig.violations() == []


async def test_forged_unsigned_and_tampered_requests_are_refused(rig: WhatsAppRig) -> None:
    form = rig.form("I feel bloated")
    assert (await rig.post(form, sign=False)).status_code == 403
    assert (await rig.post(form, signature="Zm9yZ2Vk")).status_code == 403
    signed_for_other = rig.form("hi")
    tampered = {**form, "Body": "delete my data"}
    from twilio.request_validator import RequestValidator

    from tests.channels.whatsapp.conftest import TOKEN

    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/whatsapp/webhook", signed_for_other)
    assert (await rig.post(tampered, signature=signature)).status_code == 403
    assert await rig.store.count_rows(PERSON) == 0
    assert rig.messages() == []


async def test_the_webhook_answers_empty_twiml(rig: WhatsAppRig) -> None:
    response = await rig.say("hi")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert "<Response></Response>" in response.text


async def test_a_duplicate_message_sid_gets_one_reply(rig: WhatsAppRig) -> None:
    form = rig.form("I feel bloated")
    await rig.post(form)
    sent = len(rig.messages())
    await rig.post(form)
    assert len(rig.messages()) == sent


async def test_numbered_answers_by_number_label_or_close_spelling(rig: WhatsAppRig) -> None:
    for typed in ("2", "DHCC Branch, Dubai Healthcare City", "dhcc brnch, dubai healthcare city"):
        await rig.say("book")
        await rig.say(typed)
        state = await rig.store.load(PERSON)
        assert state is not None and state.state == S.BOOKING_WHEN, typed
        assert state.booking is not None and state.booking.branch == "dhcc"
        await rig.say("start over")


async def test_stop_and_start(rig: WhatsAppRig) -> None:
    await rig.say("remind me at 10pm every night")
    await rig.say("STOP")
    assert "won't get any more messages" in rig.bodies()[-1]
    assert await rig.store.pending_timers(PERSON) == []
    sent = len(rig.messages())
    await rig.say("I feel bloated")
    await rig.clock.advance(timedelta(days=1).total_seconds())
    assert len(rig.messages()) == sent, "nothing after STOP"
    await rig.say("START")
    assert "Welcome back" in rig.bodies()[-1]
    assert [t for t, _ in await rig.store.pending_timers(PERSON)] == ["reminder:1"]


async def test_stop_in_a_session_stops_the_session_only(rig: WhatsAppRig) -> None:
    await rig.say("I feel bloated")
    await rig.say("1")
    for number in SAFE_NUMBERS:
        await rig.say(number)
    await rig.say("stop")
    state = await rig.store.load(PERSON)
    assert state is not None and not state.opted_out and state.session is None
    assert "STOP on its own" in rig.bodies()[-1]


async def test_a_sentence_with_stop_is_not_an_opt_out(rig: WhatsAppRig) -> None:
    await rig.say("I can't stop sneezing and my nose is blocked")
    state = await rig.store.load(PERSON)
    assert state is not None and not state.opted_out


async def test_reminder_inside_the_window_is_a_body(rig: WhatsAppRig) -> None:
    await rig.say("remind me at 10pm every night")
    await rig.clock.advance(timedelta(hours=3).total_seconds())
    last = rig.messages()[-1]["data"]
    assert "foot care" in str(last.get("Body")) and "ContentSid" not in last


async def test_reminder_outside_the_window_is_the_template_without_body(rig: WhatsAppRig) -> None:
    await rig.say("remind me at 10pm every night")
    await rig.clock.advance(timedelta(days=2).total_seconds())
    last = rig.messages()[-1]["data"]
    assert last.get("ContentSid") == REMINDER_SID and "Body" not in last
    assert rig.violations() == []


async def test_no_template_means_not_attempted(rig: WhatsAppRig) -> None:
    rig.channel.sender.templates.clear()
    await rig.say("remind me at 10pm every night")
    await rig.clock.advance(timedelta(days=1, hours=6).total_seconds())
    sent = len(rig.messages())
    await rig.clock.advance(timedelta(days=1).total_seconds())
    assert len(rig.messages()) == sent


async def test_a_new_person_gets_the_time_zone_of_their_number(rig: WhatsAppRig) -> None:
    await rig.post(rig.form("hi", sender="whatsapp:+442071234567"))
    state = await rig.store.load("whatsapp:+442071234567")
    assert state is not None and state.tz == "Europe/London"


async def test_long_replies_are_split_under_1600(rig: WhatsAppRig) -> None:
    text = " ".join(f"Sentence number {n} is here." for n in range(200))
    await rig.channel.sender.deliver(PERSON, Reply(text))
    bodies = [b for b in rig.bodies()]
    assert len(bodies) >= 3 and all(len(b) <= 1600 for b in bodies)


async def test_media_without_text_gets_a_kind_answer(rig: WhatsAppRig) -> None:
    await rig.post(rig.form("", NumMedia="1", MediaUrl0="https://example.com/x.jpg"))
    assert "only read text" in rig.bodies()[-1]


async def test_status_callbacks_are_signed_and_counted(rig: WhatsAppRig) -> None:
    form = {"MessageSid": "SM" + "3" * 32, "MessageStatus": "undelivered", "ErrorCode": "63016"}
    assert (await rig.post(form, path="/whatsapp/status", sign=False)).status_code == 403
    assert (await rig.post(form, path="/whatsapp/status")).status_code == 204
    counted = rig.channel.metrics.whatsapp_delivery.labels("undelivered")._value.get()
    assert counted == 1, "the unsigned one was not counted"


async def test_booking_with_consent_reaches_the_staff_number(rig: WhatsAppRig) -> None:
    from bot.channels.whatsapp.sender import Template

    staff = "whatsapp:+971585699858"
    rig.channel.staff_number = staff
    rig.channel.sender.templates["staff_booking"] = Template("HX" + "4" * 32)
    rig.channel.runtime.on_record = rig.channel.forward_record
    await rig.say("cant sleep")
    await rig.say("book")
    await rig.say("1")
    await rig.say("Saturday morning")
    await rig.say("Amira")
    await rig.say("1")  # here in this chat
    await rig.say("1")  # yes, share it
    (to_staff,) = [m["data"] for m in rig.messages() if m["data"]["To"] == staff]
    assert to_staff["ContentSid"] == "HX" + "4" * 32 and "Body" not in to_staff
    assert "Amira" in to_staff["ContentVariables"] and "RB-" in to_staff["ContentVariables"]
    assert rig.violations() == []


async def test_without_consent_nothing_reaches_staff(rig: WhatsAppRig) -> None:
    from bot.channels.whatsapp.sender import Template

    rig.channel.staff_number = "whatsapp:+971585699858"
    rig.channel.sender.templates["staff_booking"] = Template("HX" + "4" * 32)
    rig.channel.runtime.on_record = rig.channel.forward_record
    for text in ("book", "1", "Saturday morning", "Amira", "2"):
        await rig.say(text)
    assert all(m["data"]["To"] == PERSON for m in rig.messages())


async def test_a_configured_quick_reply_template_replaces_the_menu(rig: WhatsAppRig) -> None:
    sid = "HX" + "5" * 32
    rig.channel.sender.choice_templates["feel:better,feel:same,feel:worse"] = sid
    await rig.say("I feel bloated")
    await rig.say("1")
    for number in SAFE_NUMBERS:
        await rig.say(number)
    await rig.say("ready")
    await rig.clock.advance(600)
    await rig.say("ready")
    await rig.clock.advance(600)
    last = rig.messages()[-1]["data"]
    assert last["ContentSid"] == sid and "Body" not in last and "How do you feel" in last["ContentVariables"]
    await rig.post(rig.form("Better", ButtonPayload="feel:better", ButtonText="Better"))
    assert "Glad" in rig.bodies()[-1]
    assert rig.violations() == []


def inbound_ids(conn: Connection) -> list[str]:
    return list(conn.scalars(select(inbound.c.message_id)))


async def test_a_media_message_is_the_persons_and_is_erased_with_them(rig: WhatsAppRig) -> None:
    media = rig.form("", NumMedia="1", MediaUrl0="https://example.com/x.jpg")
    await rig.post(media)
    assert media["MessageSid"] in await rig.store.run(inbound_ids)
    await rig.say("delete my data")
    await rig.say("delete my data")
    assert await rig.store.count_rows(PERSON) == 0
    assert await rig.store.run(inbound_ids) == [], "its MessageSid too: it leads back to them at Twilio"


@pytest.mark.parametrize("template", [True, False])
async def test_the_erase_notice_outside_the_window_is_its_template(rig: WhatsAppRig, template: bool) -> None:
    templates = rig.channel.sender.templates
    if template:
        templates["erase_notice"] = Template(ERASE_SID)
    await rig.say("hi")
    sent = len(rig.messages())
    retain = timedelta(days=rig.channel.runtime.kb.policy.retain_days)
    told = rig.clock.now + retain - timedelta(days=7)
    await rig.clock.run_until(told)
    await rig.channel.runtime.sweep(told)
    await rig.channel.runtime.run_due(told)
    if template:
        (notice,) = [m["data"] for m in rig.messages()[sent:]]
        assert notice.get("ContentSid") == ERASE_SID and "Body" not in notice
    else:
        assert len(rig.messages()) == sent, "no template: not attempted, as with reminders"
    await rig.channel.runtime.sweep(told + timedelta(days=7))
    assert await rig.store.count_rows(PERSON) == 0, "erased all the same"
