"""An Arabic conversation on WhatsApp, end to end: signed webhooks in, the real twilio SDK out, Prism judging.

Arabic in, Arabic out: the numbered menu, answers typed with Arabic-Indic digits, the paced session, the
feedback, a crisis, and the reminder template approved in Arabic; Latin codes and numbers isolated."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.engine.bidi import LRI, PDI
from tests.channels.scripts import arabic
from tests.channels.whatsapp.conftest import REMINDER_AR_SID, WhatsAppRig


async def test_an_arabic_conversation_with_arabic_digits(rig: WhatsAppRig) -> None:
    await rig.say("عندي انتفاخ")
    offer = rig.bodies()[-1]
    assert arabic(offer) and f"{LRI}ST44 Neiting{PDI}" in offer
    assert f"{LRI}1{PDI}. ابدأ" in offer or "1. ابدأ" in offer
    await rig.say("١")  # Arabic-Indic one
    assert arabic(rig.bodies()[-1])
    for number in ("٦", "٢", "٢", "٢", "٤", "٢"):  # none of these, no, no, no, no (foot), no
        await rig.say(number)
    assert "القدم اليسرى" in rig.bodies()[-1]
    await rig.say("جاهز")
    await rig.clock.advance(600)
    await rig.say("جاهز")
    await rig.clock.advance(600)
    assert "كيف تشعر الآن؟" in rig.bodies()[-1]
    await rig.say("١")
    assert arabic(rig.bodies()[-1])
    assert rig.violations() == []


async def test_a_crisis_in_arabic_gets_the_numbers_isolated(rig: WhatsAppRig) -> None:
    await rig.say("ما أبي أعيش بعد اليوم")
    reply = rig.bodies()[-1]
    assert arabic(reply) and f"{LRI}998{PDI}" in reply and f"{LRI}800 4673{PDI}" in reply
    assert rig.violations() == []


async def test_an_arabic_reminder_outside_the_window_uses_the_arabic_template(rig: WhatsAppRig) -> None:
    await rig.say("ذكرني كل ليلة الساعة 10")
    await rig.clock.advance(timedelta(days=2).total_seconds())
    last = rig.messages()[-1]["data"]
    assert last.get("ContentSid") == REMINDER_AR_SID and "Body" not in last
    assert json.loads(str(last["ContentVariables"])) == {"1": "الساعة 22:00"}
    assert rig.violations() == []


async def test_the_number_hints_the_language_of_a_short_first_message(rig: WhatsAppRig) -> None:
    await rig.post(rig.form("hi", sender="whatsapp:+79161234567"))  # a Russian number: a weak hint
    state = await rig.store.load("whatsapp:+79161234567")
    assert state is not None and state.lang == "ru"
    await rig.post(rig.form("hi", sender="whatsapp:+971501234567"))  # the Emirates: no hint
    state = await rig.store.load("whatsapp:+971501234567")
    assert state is not None and state.lang == "en"
    await rig.post(rig.form("I feel bloated", sender="whatsapp:+966501234567"))  # what they write decides
    state = await rig.store.load("whatsapp:+966501234567")
    assert state is not None and state.lang == "en"
