"""Pictures on WhatsApp: media messages whose MediaUrl is our media route (a content hash, nothing
personal), judged by Prism on Twilio's spec; the media route itself: type, caching, 404s, no traversal."""

from __future__ import annotations

from bot.channels.whatsapp.sender import MAX_CAPTION
from bot.engine import Reply
from bot.pictures.library import Pictures
from tests.channels.appointments import REF, TOKEN, confirmed
from tests.channels.whatsapp.conftest import PERSON, PUBLIC, WhatsAppRig, media_url_problems
from tests.channels.whatsapp.test_whatsapp_channel import SAFE_NUMBERS


def media(rig: WhatsAppRig) -> list[str]:
    """The MediaUrl of every message sent with one, oldest first."""
    return [str(url) for m in rig.messages() for url in m["data"].get("MediaUrl", [])]


async def test_a_guided_session_sends_the_offer_and_each_foot_as_media(rig: WhatsAppRig, pictures: Pictures) -> None:
    await rig.say("I feel bloated")
    state = await rig.store.load(PERSON)
    assert state is not None
    first = state.offered[0]
    assert media(rig) == [f"{PUBLIC}/media/{pictures.file_name(f'{first}.right')}"]
    await rig.say("1")
    for number in SAFE_NUMBERS:
        await rig.say(number)
    assert media(rig)[-1].endswith(f"/media/{pictures.file_name(f'{first}.left')}")
    finding = rig.messages()[-1]["data"]
    assert "Left foot" in finding["Body"], "the find step's text is the picture's caption"
    await rig.say("ready")
    await rig.clock.advance(600)
    assert media(rig)[-1].endswith(f"/media/{pictures.file_name(f'{first}.right')}")
    assert len(media(rig)) == 3
    assert all("971" not in url and "whatsapp" not in url for url in media(rig)), "nothing personal in a URL"
    assert [p for m in rig.messages() for p in media_url_problems(m["data"]) if "MediaUrl" in m["data"]] == []
    assert rig.violations() == []


async def test_a_text_too_long_for_a_caption_follows_the_picture(rig: WhatsAppRig, pictures: Pictures) -> None:
    await rig.say("hi")
    long = "Find the hollow. " * 80
    assert len(long) > MAX_CAPTION
    before = len(rig.messages())
    await rig.channel.sender.deliver(PERSON, Reply(long, image="KI1.right"))
    picture, text = rig.messages()[before:]
    assert picture["data"].get("MediaUrl") == [f"{PUBLIC}/media/{pictures.file_name('KI1.right')}"]
    assert "Body" not in picture["data"] and text["data"]["Body"] == long.strip()
    assert rig.violations() == []


async def test_the_media_route_serves_pictures_by_content_hash(rig: WhatsAppRig, pictures: Pictures) -> None:
    name = str(pictures.file_name("KI3.left"))
    response = await rig.http.get(f"/media/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert "immutable" in response.headers["cache-control"] and "max-age=31536000" in response.headers["cache-control"]
    assert response.content == pictures.png("KI3.left") and response.content.startswith(b"\x89PNG\r\n\x1a\n")
    again = await rig.http.get(f"/media/{name}", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    head = await rig.http.head(f"/media/{name}")
    assert head.status_code == 200 and head.content == b""


async def test_the_media_route_refuses_everything_else(rig: WhatsAppRig) -> None:
    for path in (
        "/media/" + "0" * 24 + ".png",  # the right shape, no such picture
        "/media/KI1.right",
        "/media/../config.toml",
        "/media/..%2f..%2fconfig.toml",
        "/media/%2e%2e/%2e%2e/etc/passwd",
        "/media/" + "a" * 5000,
        "/media/",
    ):
        response = await rig.http.get(path)
        assert response.status_code == 404, path
        assert b"[" not in response.content and b"root" not in response.content
    assert (await rig.http.post("/media/" + "0" * 24 + ".png")).status_code == 405


async def test_a_calendar_file_goes_as_media_by_a_random_token(rig: WhatsAppRig) -> None:
    await rig.say("hi")
    await confirmed(rig.store, PERSON)
    before = len(rig.messages())
    await rig.channel.sender.deliver(PERSON, Reply("Your appointment is confirmed", document=REF))
    calendar, text = rig.messages()[before:]
    (url,) = calendar["data"]["MediaUrl"]
    assert url == f"{PUBLIC}/media/{TOKEN}.ics" and REF not in url and "971" not in url
    assert text["data"]["Body"] == "Your appointment is confirmed"
    served = await rig.http.get(url.removeprefix(PUBLIC))
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/calendar")
    assert rig.violations() == []
