"""reflexbot in Telegram: the real PTB Application over HTTP against the fake Bot API (checked against the spec)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection, select

from bot.engine import Reply
from bot.store.schema import inbound
from tests.channels.telegram.conftest import CHAT, STAFF_CHAT, TelegramRig

SAFE = (("acute", "none"), ("pressure", "no"), ("pregnancy", "no"), ("clot", "no"), ("foot", "no"), ("chronic", "no"))


async def answer_safety(rig: TelegramRig) -> None:
    for question, value in SAFE:
        await rig.tap(f"ans:{question}:{value}")


async def test_a_whole_conversation_over_the_webhook(rig: TelegramRig) -> None:
    assert [c.params["commands"] for c in rig.api.calls("setMyCommands")], "the command menu is registered"
    await rig.post(rig.api.command_update(CHAT, "/start bloating"))
    assert "bloating" in rig.texts()[-1]
    await rig.tap("start:ST44")
    await answer_safety(rig)
    assert "Left foot" in rig.texts()[-1]
    await rig.tap(rig.button("ready:"))
    card = max(rig.api.messages(CHAT))
    assert "Press 1 of 12" in rig.api.messages(CHAT)[card]["text"]
    sends_before = len(rig.api.calls("sendMessage"))
    await rig.clock.advance(60)
    assert len(rig.api.calls("sendMessage")) == sends_before, "timed steps edit one card, never flood the chat"
    assert rig.api.calls("editMessageText")
    await rig.clock.advance(600)
    await rig.tap(rig.button("ready:"))
    await rig.clock.advance(600)
    assert "How do you feel now?" in rig.texts()[-1]
    await rig.tap("feel:better")
    assert "Glad" in rig.texts()[-1]
    assert rig.api.unanswered_callbacks() == []
    assert rig.api.violations == []


async def test_answered_questions_lose_their_buttons(rig: TelegramRig) -> None:
    await rig.say("I feel bloated")
    offer = rig.message_with("start:ST44")
    await rig.tap("start:ST44")
    assert "reply_markup" not in rig.api.messages(CHAT)[offer]
    assert rig.api.violations == []


async def test_a_stale_button_says_so_and_asks_the_current_question(rig: TelegramRig) -> None:
    await rig.say("remind me")
    await rig.post(rig.api.callback_update(CHAT, "ans:acute:none", rig.message_with("remat:22:00")))
    assert "passed" in "\n".join(rig.texts()[-2:])
    assert "What time" in rig.texts()[-1]
    assert rig.api.unanswered_callbacks() == []


async def test_a_duplicate_update_gets_one_reply(rig: TelegramRig) -> None:
    update = rig.api.text_update(CHAT, "I feel bloated")
    await rig.post(update)
    sent = len(rig.api.calls("sendMessage"))
    await rig.post(update)
    assert len(rig.api.calls("sendMessage")) == sent


async def test_wrong_or_missing_secret_is_refused_and_nothing_is_stored(rig: TelegramRig) -> None:
    for secret in (None, "wrong", ""):
        response = await rig.post(rig.api.text_update(CHAT, "I feel bloated"), secret=secret)
        assert response.status_code == 403
    assert await rig.store.count_rows(f"telegram:{CHAT}") == 0
    assert rig.api.calls("sendMessage") == []


async def test_garbage_bodies_behind_the_secret_are_answered_200_and_counted(rig: TelegramRig) -> None:
    """Telegram resends whatever is not answered 2xx: garbage is taken (and counted), never resent forever."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_for-tests"}
    for body in (b"", b"{not json", b"[1, 2]"):
        response = await rig.http.post("/telegram/webhook", content=body, headers=headers)
        assert response.status_code == 200
    registry, name = rig.runtime.metrics.registry, "reflexbot_malformed_updates_total"
    assert registry.get_sample_value(name, {"channel": "telegram", "field": "json"}) == 2
    assert registry.get_sample_value(name, {"channel": "telegram", "field": "update"}) == 1


async def test_429_is_honoured_and_nothing_is_lost(rig: TelegramRig) -> None:
    rig.api.fail_next("sendMessage", status=429, retry_after=3)
    await rig.say("I feel bloated")
    assert 3.0 in rig.time.slept
    assert "bloating" in "\n".join(rig.texts())
    assert rig.api.violations == []


async def test_5xx_is_retried(rig: TelegramRig) -> None:
    rig.api.fail_next("sendMessage", status=502)
    await rig.say("hi")
    assert any("reflexbot" in t for t in rig.texts())


async def test_the_pace_is_one_message_a_second_per_chat(rig: TelegramRig) -> None:
    await rig.say("hi")  # welcome + menu: two messages
    sends = [c.at for c in rig.api.calls("sendMessage")]
    assert len(sends) == 2
    assert sum(rig.time.slept) >= 1.0


async def test_a_blocked_person_stops_their_timers_and_comes_back(rig: TelegramRig) -> None:
    await rig.say("remind me at 10pm every night")
    assert await rig.store.pending_timers(f"telegram:{CHAT}")
    rig.api.block(CHAT)
    await rig.clock.advance(timedelta(hours=3).total_seconds())
    assert await rig.store.pending_timers(f"telegram:{CHAT}") == []
    rig.api.unblock(CHAT)
    await rig.say("hi again")
    assert [t for t, _ in await rig.store.pending_timers(f"telegram:{CHAT}")] == ["reminder:1"]


async def test_non_text_messages_get_a_kind_answer(rig: TelegramRig) -> None:
    for update in (
        rig.api.photo_update(CHAT),
        rig.api.sticker_update(CHAT),
        rig.api.voice_update(CHAT),
        rig.api.document_update(CHAT),
    ):
        await rig.post(update)
        assert "only read text" in rig.texts()[-1]
    await rig.post(rig.api.edited_message_update(CHAT, 1, "edited"))
    assert rig.api.violations == []


async def test_a_shared_location_sets_the_time_zone(rig: TelegramRig) -> None:
    await rig.post(rig.api.location_update(CHAT, 51.5, -0.12))
    assert "Europe/London" in rig.texts()[-1]
    state = await rig.store.load(f"telegram:{CHAT}")
    assert state is not None and state.tz == "Europe/London"


async def test_groups_get_asked_to_write_privately(rig: TelegramRig) -> None:
    await rig.post(rig.api.group_text_update(-77, "I feel bloated"))
    assert "privately" in rig.texts(-77)[-1]
    assert await rig.store.count_rows("telegram:-77") == 0


async def test_a_long_reply_is_split_under_4096(rig: TelegramRig) -> None:
    text = " ".join(f"Sentence number {n} is here." for n in range(400))  # about 10,000 characters
    assert len(text) > 10_000
    await rig.channel.sender.deliver(f"telegram:{CHAT}", Reply(text))
    pieces = [c.params["text"] for c in rig.api.calls("sendMessage")]
    assert len(pieces) == 3 and all(len(p) <= 4096 for p in pieces)
    assert all(p.endswith(".") for p in pieces)
    assert " ".join(pieces) == text
    assert rig.api.violations == []


async def test_booking_is_handed_to_staff_and_back(rig: TelegramRig) -> None:
    await rig.say("cant sleep")
    await rig.say("book")
    await rig.tap("branch:main")
    await rig.say("Saturday morning")
    await rig.say("Amira")
    await rig.say("+971 50 123 4567")
    await rig.tap("consent:yes")
    staff = rig.texts(STAFF_CHAT)
    assert len(staff) == 1 and "Amira" in staff[0] and "Saturday morning" in staff[0]
    assert "+971 50 123 4567" in staff[0]
    data = rig.button("staff:", STAFF_CHAT)
    await rig.tap(data, STAFF_CHAT)
    assert "will contact you" in rig.texts()[-1]
    (request,) = await rig.store.booking_requests(None)  # the desk shows it handled: one state
    assert request.status == "contacted"
    history = [(e.kind, e.what) for e in await rig.store.booking_history(request.ref)]
    assert history == [("status", "contacted"), ("note", "handled in Telegram")]
    assert rig.api.unanswered_callbacks() == []
    assert rig.api.violations == []


async def test_without_consent_nothing_reaches_staff(rig: TelegramRig) -> None:
    await rig.say("book")
    await rig.tap("branch:main")
    await rig.say("Saturday morning")
    await rig.say("Amira")
    await rig.tap("contact-chat")
    await rig.tap("consent:no")
    assert rig.texts(STAFF_CHAT) == []


async def test_a_whole_conversation_over_polling(polling_rig: TelegramRig) -> None:
    rig = polling_rig
    rig.api.queue(rig.api.command_update(CHAT, "/start"))
    rig.api.queue(rig.api.text_update(CHAT, "I feel bloated"))
    await rig.channel.wait_processed(2)
    assert "bloating" in rig.texts()[-1]
    rig.api.queue(rig.api.callback_update(CHAT, "start:ST44", rig.message_with("start:ST44")))
    await rig.channel.wait_processed(3)
    for number, (question, value) in enumerate(SAFE, start=4):
        data = f"ans:{question}:{value}"
        rig.api.queue(rig.api.callback_update(CHAT, data, rig.message_with(data)))
        await rig.channel.wait_processed(number)
    ready = rig.button("ready:")
    rig.api.queue(rig.api.callback_update(CHAT, ready, rig.message_with(ready)))
    await rig.channel.wait_processed(len(SAFE) + 4)
    await rig.clock.advance(600)
    assert "right foot" in rig.texts()[-1]
    assert rig.api.unanswered_callbacks() == []
    assert rig.api.violations == []


def inbound_ids(conn: Connection) -> list[str]:
    return list(conn.scalars(select(inbound.c.message_id)))


async def test_a_photo_is_the_persons_and_is_erased_with_them(rig: TelegramRig) -> None:
    photo = rig.api.photo_update(CHAT)
    await rig.post(photo)
    assert str(photo["update_id"]) in await rig.store.run(inbound_ids)
    await rig.say("delete my data")
    await rig.tap("delete:yes")
    assert await rig.store.run(inbound_ids) == [], "its update id too, not only those of turns"


async def test_an_erased_persons_session_card_is_forgotten(rig: TelegramRig) -> None:
    rig.runtime.on_erase = rig.channel.sender.forget  # as `serve` wires it
    await rig.say("I feel bloated")
    await rig.tap("start:ST44")
    await answer_safety(rig)
    await rig.tap(rig.button("ready:"))
    card = max(rig.api.messages(CHAT))
    rig.api.block(CHAT)  # gone mid-session: the card stays in memory, and no notice can reach them
    await rig.clock.advance(60)
    assert rig.channel.sender.is_card(CHAT, card)
    retain = timedelta(days=rig.runtime.kb.policy.retain_days)
    for at in (rig.clock.now + retain - timedelta(days=7), rig.clock.now + retain):
        await rig.runtime.sweep(at)
        await rig.runtime.run_due(at)
    assert await rig.store.count_rows(f"telegram:{CHAT}") == 0
    assert not rig.channel.sender.is_card(CHAT, card), "nothing about them is held in memory either"
