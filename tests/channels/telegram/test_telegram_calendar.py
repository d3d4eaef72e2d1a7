"""A confirmed time on Telegram: the .ics goes as a document (sendDocument, a multipart upload named
appointment-<ref>.ics, text/calendar) before the text and its buttons; every call checked against the spec."""

from __future__ import annotations

from icalendar import Calendar

from bot.engine import Choice, Reply
from tests.channels.appointments import REF, STARTS, confirmed
from tests.channels.telegram.conftest import CHAT, TelegramRig


async def test_the_calendar_file_is_a_document_before_the_text(rig: TelegramRig) -> None:
    await confirmed(rig.store, f"telegram:{CHAT}")
    reply = Reply("Your appointment is confirmed", (Choice(f"appt:{REF}:confirm", "Confirm"),), document=REF)
    await rig.channel.sender.deliver(f"telegram:{CHAT}", reply)
    (call,) = rig.api.calls("sendDocument")
    assert call.status == 200
    assert call.params["document"]["filename"] == f"appointment-{REF}.ics"
    assert call.params["document"]["content_type"] == "text/calendar"
    document, text = [m for _, m in sorted(rig.api.messages(CHAT).items())][-2:]
    assert document["document"]["file_name"] == f"appointment-{REF}.ics"
    assert text["text"] == "Your appointment is confirmed" and "reply_markup" in text
    assert rig.api.violations == []


async def test_a_reply_whose_appointment_is_gone_is_plain_text(rig: TelegramRig) -> None:
    await rig.channel.sender.deliver(f"telegram:{CHAT}", Reply("hello", document="RB-GONE-1"))
    assert rig.api.calls("sendDocument") == [] and rig.texts()[-1] == "hello"
    assert rig.api.violations == []


async def test_the_file_sent_is_the_appointment(rig: TelegramRig) -> None:
    await confirmed(rig.store, f"telegram:{CHAT}")
    raw = await rig.channel.sender.calendars.by_ref(REF)  # type: ignore[union-attr]
    assert raw is not None
    (event,) = Calendar.from_ical(raw).walk("VEVENT")
    assert event.decoded("dtstart") == STARTS
