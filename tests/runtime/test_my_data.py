""" "My data" through the runtime, on every backend: a person does things, asks, and gets the summary in
their language; the file (built from the store as a channel builds it) holds exactly what they did, from
every table that keeps rows about a person. The tables are named here: a new one keyed by person fails
`test_every_table_is_in_the_file_or_not_about_a_person` until the file covers it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.channels.my_data import FORMAT, DataFiles, export
from bot.engine import ChoicePicked, Event, Reply, TextReceived
from bot.engine import state as S
from bot.engine.documents import DataFile, parse_document
from bot.store.person_data import KEPT_TABLES
from bot.store.schema import PERSON_TABLES, metadata
from tests.conftest import Harness
from tests.engine.helpers import SAFE_ANSWERS

KEY = "telegram:987654321"
STARTS = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
CALENDAR_TOKEN = "Tok3n_" * 5 + "ab"
UNDELIVERED = "A reply the channel could not deliver yet"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "my-data.md"
NOT_ABOUT_A_PERSON = {
    "uploads": "the platforms' ids of our pictures",
    "staff": "the clinic's desk accounts",
    "desk_audit": "what staff did, by booking reference (the request's own history is booking_events)",
    "login_failures": "failed desk logins, by account and address",
    "booking_tombstones": "that an erased person's request was there (ref, branch, dates): nothing about anyone",
}


class Person:
    """One Telegram person driving the runtime, each message with its own update id."""

    def __init__(self, harness: Harness, key: str = KEY) -> None:
        self.h, self.key, self.updates = harness, key, 0

    async def send(self, *events: Event) -> None:
        for event in events:
            self.updates += 1
            await self.h.runtime.handle(self.key, event, self.h.clock.now, dedupe=("telegram", self.update_id))

    @property
    def update_id(self) -> str:
        """The latest message's Telegram update id (unique across people, as Telegram's are)."""
        return f"{self.key.partition(':')[2]}-{self.updates}"

    async def say(self, *texts: str) -> None:
        await self.send(*(TextReceived(t) for t in texts))

    async def state(self) -> S.Conversation:
        saved = await self.h.store.load(self.key)
        assert saved is not None
        return saved

    async def a_whole_session(self, item: str) -> None:
        """Start `item`, answer the safety questions, follow every step to "how do you feel now?"."""
        await self.send(ChoicePicked(f"start:{item}"))
        while (await self.state()).state == S.SAFETY:
            question = (await self.state()).question
            await self.send(ChoicePicked(f"ans:{question}:{dict(SAFE_ANSWERS)[question]}"))
        for _ in range(50):
            current = (await self.state()).state
            if current == S.SESSION_FINDING:
                await self.say("ready")
            elif current in S.SESSION_STATES:
                await self.h.clock.advance(30)
            else:
                break
        assert (await self.state()).state == S.FEEDBACK

    async def book(self) -> str:
        await self.say("book")
        await self.send(ChoicePicked("branch:dhcc"))
        await self.say("Tuesday evening", "Sara Ahmed", "+971 50 123 4567")
        await self.send(ChoicePicked("consent:yes"))
        (booking,) = await self.h.store.records(self.key, "booking")
        return str(booking["ref"])


async def _a_full_life(h: Harness) -> tuple[Person, str]:
    """Everything that leaves a row somewhere: sessions with feedback, a reminder, a booking the desk
    moved, noted and gave a time, a reply being delivered by another worker, a numbered menu shown."""
    person = Person(h)
    await person.say("I feel bloated")
    await person.a_whole_session("KI1")
    await person.send(ChoicePicked("feel:better"))
    await person.say("remind me at 10pm every night")
    ref = await person.book()
    now = h.clock.now
    await h.store.change_booking_status(ref, "contacted", frozenset({"new"}), "amira", now)
    await h.store.add_booking_note(ref, "Prefers a female therapist", "amira", now)
    await h.store.confirm_appointment(ref, STARTS, "dhcc", CALENDAR_TOKEN, frozenset({"contacted"}), "amira", now)
    await h.store.keep_replies(KEY, [Reply(UNDELIVERED)], now)
    assert len(await h.store.claim_replies(KEY, now)) == 1  # another worker is delivering it right now
    await h.store.save_menu(KEY, [("feel:better", "Better"), ("feel:worse", "Worse")])
    await h.store.add_data_link("L" * 43, KEY, now + timedelta(hours=1))
    return person, ref


async def _ask(h: Harness, person: Person, words: str = "my data") -> tuple[Reply, dict[str, Any]]:
    """Ask, and return the summary and the file a channel would attach to it."""
    h.sent.clear()
    await person.say(words)
    (summary,) = [r for _, r in h.sent]
    assert summary.document is not None
    document = parse_document(summary.document)
    assert isinstance(document, DataFile)
    built = await DataFiles(h.store, "Asia/Dubai").build(person.key, document.at)
    assert built is not None and built.name == document.file_name
    return summary, json.loads(built.content)


async def test_the_summary_lists_what_the_person_did(harness: Harness) -> None:
    person, ref = await _a_full_life(harness)
    summary, _ = await _ask(harness, person)
    text = summary.text
    assert "Language: English. Time zone: Asia/Dubai." in text
    assert "• not pregnant (answered Nov 21, 2026)" in text
    assert "Reminders (Asia/Dubai time):\n• every night at 22:00" in text
    assert "KI1 Yongquan (Bubbling Spring), felt better after it" in text
    assert f"• {ref} at DHCC Branch" in text and "time confirmed (appointment Nov 25, 2026 at 10:00)" in text
    assert text.endswith("is in the file reflexbot-my-data-2026-11-21.json.")


# For each table that keeps rows about a person: how its rows show in the file after `_a_full_life`.
IN_THE_FILE: dict[str, Callable[[dict[str, Any], str], bool]] = {
    "conversations": lambda f, ref: (
        f["conversation_state"]["reminders"][0]["hour"] == 22 and f["person"]["language"] == "en"
    ),
    "timers": lambda f, ref: (
        {"what": "reminder", "status": "pending"}.items()
        <= next(t for t in f["scheduled_messages"] if t["what"] == "reminder").items()
        and any(t["what"] == "session step" for t in f["scheduled_messages"])
    ),
    "outbox": lambda f, ref: [u["text"] for u in f["undelivered_messages"]] == [UNDELIVERED],
    "records": lambda f, ref: (
        [(s["item"], s["feeling"]) for s in f["sessions"]] == [("KI1", "better")]
        and [b["ref"] for b in f["booking_requests"]] == [ref]
    ),
    "menus": lambda f, ref: (
        f["last_menu"] == [{"id": "feel:better", "label": "Better"}, {"id": "feel:worse", "label": "Worse"}]
    ),
    "inbound": lambda f, ref: len(f["message_ids"]) >= 15 and f["message_ids"][0]["id"] == "987654321-1",
    "booking_status": lambda f, ref: f["booking_requests"][0]["status"] == "confirmed",
    "booking_events": lambda f, ref: (
        [(h["by"], h["kind"], h["what"]) for h in f["booking_requests"][0]["history"]]
        == [
            ("clinic staff", "status", "contacted"),
            ("clinic staff", "note", "Prefers a female therapist"),
            ("clinic staff", "status", "confirmed"),
            ("clinic staff", "time", f"{STARTS.isoformat()} dhcc"),
        ]
    ),
    "appointments": lambda f, ref: (
        f["booking_requests"][0]["appointment"]
        == {"starts_at": "2026-11-25T10:00:00+04:00", "branch": "dhcc", "confirmed_at": "2026-11-21T20:04:00+04:00"}
    ),
    "data_links": lambda f, ref: f["download_links"] == [{"expires_at": "2026-11-21T21:04:00+04:00"}],
}


def test_every_table_is_in_the_file_or_not_about_a_person() -> None:
    tables = {t.name for t in metadata.sorted_tables}
    keyed = {t.name for t in metadata.sorted_tables if "key" in t.c} | {t.name for t in PERSON_TABLES}
    assert keyed - set(KEPT_TABLES) == set(), "a table with rows about a person is left out of 'my data'"
    assert tables - set(KEPT_TABLES) - set(NOT_ABOUT_A_PERSON) == set(), "decide for each new table"
    assert set(IN_THE_FILE) == set(KEPT_TABLES), "each table in the file has its check below"


async def test_the_file_holds_every_table_about_the_person(harness: Harness) -> None:
    person, ref = await _a_full_life(harness)
    _, file = await _ask(harness, person)
    missing = [table for table, shown in IN_THE_FILE.items() if not shown(file, ref)]
    assert missing == [], f"rows of these tables are not in the file as kept: {missing}"


async def test_the_file_is_what_the_person_did(harness: Harness) -> None:
    person, ref = await _a_full_life(harness)
    state = await person.state()
    _, file = await _ask(harness, person)
    assert file["format"] == FORMAT == "reflexbot-my-data/1"
    assert file["exported_at"] == "2026-11-21T20:04:00+04:00"
    assert file["person"] == {
        "channel": "telegram",
        "address": "987654321",
        "language": "en",
        "zone": "Asia/Dubai",
        "zone_chosen": True,
        "last_message_at": "2026-11-21T20:04:00+04:00",
        "opted_out": False,
        "unreachable": False,
        "saved_at": "2026-11-21T20:04:00+04:00",
    }
    answers = {a["question"]: a["answer"] for a in file["safety_answers"]}
    assert answers == dict(SAFE_ANSWERS) == {q: a.value for q, a in state.answers.items()}
    assert {a["answered_at"] for a in file["safety_answers"]} == {"2026-11-21T20:00:00+04:00"}
    (reminder,) = file["reminders"]
    assert reminder == {
        "id": reminder["id"],
        "repeats": "daily",
        "time": "22:00",
        "days": [],
        "once_at": None,
        "zone": "Asia/Dubai",
        "paused": False,
    }
    (booking,) = file["booking_requests"]
    assert booking["ref"] == ref and booking["branch"] == "dhcc" and booking["preferred_time"] == "Tuesday evening"
    assert booking["name"] == "Sara Ahmed" and booking["contact"] == "+971 50 123 4567"
    assert "bloating" in booking["summary"]
    assert file["symptoms_mentioned"] == ["bloating"]
    assert file["conversation_state"] == json.loads(state.to_json()), "the state exactly as saved"
    raw = json.dumps(file)
    assert "amira" not in raw and CALENDAR_TOKEN not in raw, "no staff names, no calendar link token"


async def test_the_documented_shape_is_the_files(harness: Harness) -> None:
    person, _ = await _a_full_life(harness)
    _, file = await _ask(harness, person)
    shape = DOCS.read_text(encoding="utf-8").split("## The file", 1)[1]
    documented = re.findall(r"^\| `([a-z_]+)` \|", shape, flags=re.MULTILINE)
    assert documented == list(file), "docs/my-data.md lists every key of the file, in its order"
    person_row = next(line for line in shape.splitlines() if line.startswith("| `person` |"))
    named = re.findall(r"`([a-z_]+)`", re.sub(r"\([^)]*\)", "", person_row))  # the keys, not the examples
    assert named[1:] == list(file["person"])


async def test_the_summary_in_arabic_and_russian(harness: Harness) -> None:
    for key, words, ask, expected in (
        ("telegram:1", ("ذكرني الساعة ١٠ بالليل كل يوم",), "بياناتي", ("اللغة: العربية", "كل ليلة الساعة")),
        ("telegram:2", ("напоминай мне каждый вечер в 22:00",), "мои данные", ("Язык: Русский", "каждый вечер в")),
    ):
        person = Person(harness, key)
        await person.say(*words)
        summary, file = await _ask(harness, person, ask)
        plain = summary.text.replace("\u2066", "").replace("\u2069", "")
        assert all(part in plain for part in expected), plain
        assert "reflexbot-my-data-2026-11-21.json" in plain
        assert [r["time"] for r in file["reminders"]] == ["22:00"]


async def test_nothing_is_built_for_someone_erased(harness: Harness) -> None:
    person, _ = await _a_full_life(harness)
    files = DataFiles(harness.store, "Asia/Dubai")
    assert await files.build(KEY, harness.clock.now) is not None
    await person.say("delete my data")
    await person.send(ChoicePicked("delete:yes"))
    assert await files.build(KEY, harness.clock.now) is None
    assert await files.build("telegram:never-here", harness.clock.now) is None


async def test_asking_twice_gives_the_same_record_apart_from_the_new_message_ids(harness: Harness) -> None:
    person, _ = await _a_full_life(harness)
    _, first = await _ask(harness, person)
    harness.clock.now += timedelta(seconds=30)  # within the other worker's lease on the undelivered reply
    _, second = await _ask(harness, person)
    for key in ("message_ids", "person", "exported_at", "conversation_state"):
        first.pop(key), second.pop(key)
    assert first == second


@pytest.mark.parametrize("severity_text", ["I have crushing chest pain"])
async def test_a_red_flag_is_kept_as_its_kind_only(harness: Harness, severity_text: str) -> None:
    person = Person(harness)
    await person.say(severity_text)
    data = await harness.store.person_data(KEY)
    file = export(data, harness.clock.now.astimezone(UTC))
    (flag,) = file["red_flags"]
    assert flag["severity"] == "emergency" and severity_text not in json.dumps(file["red_flags"])
    assert file["emergency_check_in"] is not None and file["emergency_check_in"]["kind"] == flag["kind"]
