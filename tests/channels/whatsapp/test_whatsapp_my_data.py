""" "My data" on WhatsApp: the summary, then a link to the complete file on our media route, signed and
short-lived (WhatsApp cannot attach JSON). The link says nothing about whose it is; it opens the file
within its hour (on the virtual clock), and nothing once it is changed in any way, expired, or the person
erased their data. Every message the real SDK sends is judged by Prism on Twilio's spec."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot.channels.links import DataLinks, Opened
from bot.config import load_settings
from bot.engine import Conversation
from bot.serve import build_service
from tests.channels.whatsapp.conftest import PERSON, PUBLIC, WhatsAppRig
from tests.conftest import T0

LINK = re.compile(re.escape(PUBLIC) + r"/media/([A-Za-z0-9_-]+)\.json")


async def ask(rig: WhatsAppRig, words: str = "my data") -> tuple[str, str]:
    """Ask; the summary's body and the link's path on our server."""
    await rig.say(words)
    body = rig.bodies()[-1]
    found = LINK.search(body)
    assert found is not None, body
    return body, found.group(0).removeprefix(PUBLIC)


async def test_the_summary_ends_with_a_link_that_opens_the_file(rig: WhatsAppRig) -> None:
    await rig.say("remind me at 10pm every night")
    body, path = await ask(rig)
    assert body.startswith("Here is what I keep about you.") and "• every night at 22:00" in body
    assert "The link works for 60 minutes" in body and "don't forward it" in body
    assert "971" not in path and "whatsapp" not in path, "nothing personal in the URL"
    assert all("MediaUrl" not in m["data"] for m in rig.messages()), "a link in the text, not a media message"
    served = await rig.http.get(path)
    assert served.status_code == 200 and served.headers["content-type"] == "application/json"
    assert served.headers["cache-control"] == "no-store" and served.headers["referrer-policy"] == "no-referrer"
    assert served.headers["content-disposition"] == 'attachment; filename="reflexbot-my-data-2026-11-21.json"'
    file = json.loads(served.content)
    assert file["person"]["channel"] == "whatsapp" and file["person"]["address"] == PERSON.removeprefix("whatsapp:")
    assert [r["time"] for r in file["reminders"]] == ["22:00"]
    assert len(file["message_ids"]) == 2 and all(m["id"].startswith("SM") for m in file["message_ids"])
    assert rig.violations() == []


async def test_the_link_works_within_its_hour_and_then_no_more(rig: WhatsAppRig) -> None:
    _, path = await ask(rig)
    await rig.clock.advance(timedelta(minutes=59).total_seconds())
    assert (await rig.http.get(path)).status_code == 200
    await rig.clock.advance(timedelta(minutes=1).total_seconds())
    expired = await rig.http.get(path)
    assert expired.status_code == 403 and b"expired" in expired.content and b"whatsapp" not in expired.content


async def test_a_changed_link_opens_nothing(rig: WhatsAppRig) -> None:
    _, path = await ask(rig)
    token = path.removeprefix("/media/").removesuffix(".json")
    changed = [
        token[:i] + ("A" if c != "A" else "B") + token[i + 1 :] for i, c in enumerate(token)
    ]  # every single character changed in turn
    answers = {(await rig.http.get(f"/media/{t}.json")).status_code for t in changed}
    assert answers == {404}
    made_up = "A" * len(token)
    for bad in (f"/media/{made_up}.json", f"/media/{token}x.json", f"/media/{token[:-4]}.json", "/media/.json"):
        response = await rig.http.get(bad)
        assert response.status_code == 404 and b"whatsapp" not in response.content, bad


async def test_after_deleting_their_data_the_link_opens_nothing(rig: WhatsAppRig) -> None:
    _, path = await ask(rig)
    await rig.say("delete my data")
    await rig.say("1")  # "Yes, delete everything"
    assert await rig.store.count_rows(PERSON) == 0
    assert (await rig.http.get(path)).status_code == 404


async def test_in_russian_the_link_line_is_russian(rig: WhatsAppRig) -> None:
    await rig.say("напоминай мне каждый вечер в 22:00")
    body, path = await ask(rig, "мои данные")
    assert body.startswith("Вот что я храню о вас.") and "Ссылка работает 60 минут" in body
    assert (await rig.http.get(path)).status_code == 200


async def test_a_link_opens_its_own_persons_file_only(rig: WhatsAppRig) -> None:
    _, path = await ask(rig)
    links = DataLinks(rig.store)
    opened = await links.open(path.removeprefix("/media/").removesuffix(".json"), rig.clock.now)
    assert isinstance(opened, Opened) and opened.key == PERSON
    assert opened.expires_at == rig.clock.now + timedelta(hours=1)
    other = await rig.http.get(f"/media/{await links.make('whatsapp:+971500000000', rig.clock.now)}.json")
    assert other.status_code == 404, "a valid link of someone of whom nothing is kept"


async def test_the_served_app_opens_the_links_its_sender_makes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Wired as `reflexbot serve` wires it: the sender and the route share the database's links."""
    config = tmp_path / "config.toml"
    config.write_text(
        '[whatsapp]\nenabled = true\nfrom = "whatsapp:+14155238886"\n[telegram]\nenabled = false\n'
        '[server]\npublic_url = "https://bot.example.com"\n'
    )
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "1" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "twilio-auth-token-for-tests")
    service = await build_service(load_settings(str(config), db=str(tmp_path / "serve.sqlite3"), environ={}))
    try:
        assert service.whatsapp is not None
        await service.store.commit_turn(PERSON, Conversation(lang="ru"), (), T0)
        url = await service.whatsapp.sender.data_url(PERSON)
        assert url is not None and url.startswith("https://bot.example.com/media/") and url.endswith(".json")
        transport = httpx.ASGITransport(app=service.app())
        async with httpx.AsyncClient(transport=transport, base_url="https://bot.example.com") as client:
            served = await client.get(url)
            tampered = await client.get(url.replace(".json", "A.json"))
    finally:
        await service.stop()
    assert served.status_code == 200 and json.loads(served.content)["person"]["language"] == "ru"
    assert tampered.status_code == 404
