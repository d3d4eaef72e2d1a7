"""What staff see and do: the requests of their branches (admins: all), newest first and filtered; one
request with its summary, history and notes; every allowed status move and a refused one; CSRF on every
change; each change in the history and the audit log; strict headers; no desk at all when disabled."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from bot.desk.statuses import ALLOWED_FROM, STATUSES
from bot.store.schema import booking_events, booking_status
from tests.desk.conftest import PERSON, DeskWorld, csrf_of, inline_code, login, save_booking


async def signed_in(
    world: DeskWorld, name: str = "amira", role: str = "staff", branches: tuple[str, ...] = ("dhcc",)
) -> httpx.AsyncClient:
    await world.add(name, role, branches)
    client = world.app()
    assert (await login(client, name)).status_code == 303
    return client


async def move(client: httpx.AsyncClient, ref: str, to: str) -> httpx.Response:
    token = await csrf_of(client, f"/desk/requests/{ref}")
    return await client.post(f"/desk/requests/{ref}/status", data={"csrf": token, "status": to})


async def test_the_request_made_through_the_bot_is_on_the_list(world: DeskWorld) -> None:
    client = await signed_in(world, role="admin", branches=())
    page = await client.get("/desk")
    assert world.booked_ref in page.text and "Sara Ahmed" in page.text and "DHCC Branch" in page.text
    assert page.text.index(world.main_ref) < page.text.index(world.booked_ref), "newest first"
    detail = await client.get(f"/desk/requests/{world.booked_ref}")
    assert detail.status_code == 200
    assert "+971 50 123 4567" in detail.text and "Tuesday evening" in detail.text
    (request,) = [r for r in await world.store.booking_requests(None) if r.ref == world.booked_ref]
    assert request.summary and request.summary.split("\n")[0] in detail.text.replace("&#39;", "'")


async def test_filters_by_status_branch_and_search(world: DeskWorld) -> None:
    client = await signed_in(world, role="admin", branches=())
    assert (await move(client, world.main_ref, "contacted")).status_code == 303
    contacted = await client.get("/desk", params={"status": "contacted"})
    assert world.main_ref in contacted.text and world.booked_ref not in contacted.text
    new = await client.get("/desk", params={"status": "new"})
    assert world.booked_ref in new.text and world.main_ref not in new.text
    dhcc = await client.get("/desk", params={"branch": "dhcc"})
    assert world.booked_ref in dhcc.text and world.main_ref not in dhcc.text
    by_name = await client.get("/desk", params={"q": "omar"})
    assert world.main_ref in by_name.text and world.booked_ref not in by_name.text
    by_ref = await client.get("/desk", params={"q": world.booked_ref.lower()})
    assert world.booked_ref in by_ref.text and world.main_ref not in by_ref.text
    assert "No requests match." in (await client.get("/desk", params={"q": "nobody at all"})).text


async def test_staff_see_only_their_branches(world: DeskWorld) -> None:
    client = await signed_in(world, branches=("dhcc",))
    page = await client.get("/desk")
    assert world.booked_ref in page.text and world.main_ref not in page.text and "Omar" not in page.text
    assert world.main_ref not in (await client.get("/desk", params={"branch": "main"})).text
    other = await client.get(f"/desk/requests/{world.main_ref}")
    assert other.status_code == 404 and "Omar" not in other.text
    token = await csrf_of(client, "/desk")
    refused = await client.post(f"/desk/requests/{world.main_ref}/status", data={"csrf": token, "status": "contacted"})
    assert refused.status_code == 404
    noted = await client.post(f"/desk/requests/{world.main_ref}/note", data={"csrf": token, "note": "hello"})
    assert noted.status_code == 404
    assert await world.store.booking_history(world.main_ref) == []
    assert (await client.get("/desk/requests/RB-NONE")).status_code == 404


async def test_admins_see_every_branch(world: DeskWorld) -> None:
    client = await signed_in(world, "head", role="admin", branches=())
    page = await client.get("/desk")
    assert world.booked_ref in page.text and world.main_ref in page.text
    assert (await client.get(f"/desk/requests/{world.main_ref}")).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        ["contacted", "confirmed", "done"],
        ["cancelled"],
        ["no-show"],
        ["contacted", "cancelled"],
        ["contacted", "no-show"],
        ["contacted", "confirmed", "cancelled"],
        ["contacted", "confirmed", "no-show"],
    ],
)
async def test_every_allowed_status_move(world: DeskWorld, path: list[str]) -> None:
    client = await signed_in(world)
    for to in path:
        world.clock.advance(minutes=1)
        answer = await move(client, world.booked_ref, to)
        assert answer.status_code == 303 and answer.headers["location"] == f"/desk/requests/{world.booked_ref}"
    (request,) = [r for r in await world.store.booking_requests(None) if r.ref == world.booked_ref]
    assert request.status == path[-1]
    history = await world.store.booking_history(world.booked_ref)
    assert [(e.staff, e.kind, e.what) for e in history] == [("amira", "status", to) for to in path]
    assert [e.at for e in history] == [world.clock.now - timedelta(minutes=len(path) - 1 - n) for n in range(len(path))]
    audit = await world.store.audit_entries(world.booked_ref)
    assert [(a.staff, a.action) for a in audit] == [("amira", f"status:{to}") for to in path]


@pytest.mark.parametrize(
    ("before", "to"),
    [
        ([], "confirmed"),
        ([], "done"),
        (["contacted"], "contacted"),
        (["cancelled"], "contacted"),
        (["no-show"], "cancelled"),
        (["contacted", "confirmed", "done"], "cancelled"),
    ],
)
async def test_a_move_the_table_does_not_allow_is_refused(world: DeskWorld, before: list[str], to: str) -> None:
    client = await signed_in(world)
    for step in before:
        assert (await move(client, world.booked_ref, step)).status_code == 303
    refused = await move(client, world.booked_ref, to)
    assert refused.status_code == 409 and "cannot become" in refused.text
    assert len(await world.store.booking_history(world.booked_ref)) == len(before)


def test_the_table_matches_the_issue() -> None:
    assert set(ALLOWED_FROM) | {"new"} == set(STATUSES)
    assert ALLOWED_FROM["contacted"] == {"new"} and ALLOWED_FROM["confirmed"] == {"contacted"}
    assert ALLOWED_FROM["done"] == {"confirmed"}
    assert ALLOWED_FROM["cancelled"] == ALLOWED_FROM["no-show"] == {"new", "contacted", "confirmed"}


async def test_an_unknown_status_is_refused(world: DeskWorld) -> None:
    client = await signed_in(world)
    assert (await move(client, world.booked_ref, "new")).status_code == 400
    assert (await move(client, world.booked_ref, "<script>")).status_code == 400


async def test_a_change_without_the_csrf_token_is_refused(world: DeskWorld) -> None:
    client = await signed_in(world)
    ref = world.booked_ref
    assert (await client.post(f"/desk/requests/{ref}/status", data={"status": "contacted"})).status_code == 403
    forged = {"csrf": "x" * 43, "status": "contacted"}
    assert (await client.post(f"/desk/requests/{ref}/status", data=forged)).status_code == 403
    other = world.app()  # another session's token is not this session's
    await world.add("basma")
    await login(other, "basma")
    theirs = await csrf_of(other, "/desk")
    assert (await client.post(f"/desk/requests/{ref}/note", data={"csrf": theirs, "note": "x"})).status_code == 403
    as_json = await client.post(
        f"/desk/requests/{ref}/note", json={"csrf": await csrf_of(client, "/desk"), "note": "x"}
    )
    assert as_json.status_code == 403, "only a form is a form"
    assert await world.store.booking_history(ref) == []


async def test_notes_are_kept_with_who_and_when(world: DeskWorld) -> None:
    client = await signed_in(world)
    token = await csrf_of(client, f"/desk/requests/{world.booked_ref}")
    world.clock.advance(minutes=3)
    note = "Called, <b>no answer</b>; try after 6pm."
    answer = await client.post(f"/desk/requests/{world.booked_ref}/note", data={"csrf": token, "note": note})
    assert answer.status_code == 303
    page = await client.get(f"/desk/requests/{world.booked_ref}")
    assert "Called, &lt;b&gt;no answer&lt;/b&gt;; try after 6pm." in page.text, "escaped, never markup"
    assert "amira" in page.text and "2026-11-21 20:03" in page.text  # 16:03 UTC on the desk's Dubai clock
    (event,) = await world.store.booking_history(world.booked_ref)
    assert (event.staff, event.kind, event.what, event.at) == ("amira", "note", note, world.clock.now)
    (audit,) = await world.store.audit_entries(world.booked_ref)
    assert (audit.staff, audit.action, audit.ref) == ("amira", "note", world.booked_ref)
    assert (
        await client.post(f"/desk/requests/{world.booked_ref}/note", data={"csrf": token, "note": "  "})
    ).status_code == 400
    too_long = {"csrf": token, "note": "x" * 2001}
    assert (await client.post(f"/desk/requests/{world.booked_ref}/note", data=too_long)).status_code == 400


async def test_the_history_shows_who_changed_what_and_when(world: DeskWorld) -> None:
    client = await signed_in(world)
    world.clock.advance(minutes=7)
    await move(client, world.booked_ref, "contacted")
    page = await client.get(f"/desk/requests/{world.booked_ref}")
    assert "amira" in page.text and "set the status to Contacted" in page.text and "2026-11-21 20:07" in page.text


async def test_an_open_page_learns_of_a_change_from_the_version_without_keeping_the_session_alive(
    world: DeskWorld,
) -> None:
    client = await signed_in(world)
    url = f"/desk/requests/{world.booked_ref}/version"
    page = await client.get(f"/desk/requests/{world.booked_ref}")
    before = (await client.get(url)).json()["version"]
    assert f'data-version="{before}"' in page.text and 'src="/desk/static/desk.js"' in page.text
    asked = await client.get(url)
    assert asked.json()["version"] == before and "set-cookie" not in asked.headers, "asking is not using the desk"
    await move(client, world.booked_ref, "contacted")
    assert (await client.get(url)).json()["version"] != before
    assert (await client.get(f"/desk/requests/{world.main_ref}/version")).status_code == 404, "not their branch"
    world.clock.advance(minutes=31)  # idle longer than the session: polling did not keep it alive
    assert (await client.get(url)).status_code == 401
    script = await client.get("/desk/static/desk.js")
    assert script.headers["content-type"].startswith("text/javascript") and "data-version-url" in script.text
    assert "version" in script.text


async def test_every_desk_page_carries_the_security_headers(world: DeskWorld) -> None:
    client = await signed_in(world)
    pages = [
        await client.get("/desk"),
        await client.get(f"/desk/requests/{world.booked_ref}"),
        await client.get(f"/desk/requests/{world.main_ref}"),
        await world.app().get("/desk/login"),
        await client.get("/desk/nothing-here"),
        await client.get("/desk/static/desk.css"),
    ]
    for page in pages:
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
        assert "form-action 'self'" in csp and "base-uri 'none'" in csp and "style-src 'self'" in csp
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["referrer-policy"] == "same-origin"
    for page in pages[:5]:
        assert page.headers["cache-control"] == "no-store"
        assert not inline_code(page.text)
        assert 'name="viewport"' in page.text


async def test_personal_data_is_only_under_desk(world: DeskWorld) -> None:
    client = world.app()
    for path in ("/healthz", "/privacy", "/metrics"):
        answer = await client.get(path)
        assert "Sara" not in answer.text and "123 4567" not in answer.text


async def test_no_desk_when_it_is_disabled(world: DeskWorld) -> None:
    await world.add("amira")
    client = world.app(desk=False)
    for path in ("/desk", "/desk/login", f"/desk/requests/{world.booked_ref}", "/desk/static/desk.css"):
        assert (await client.get(path)).status_code == 404
    assert (await client.post("/desk/login", data={"name": "amira"})).status_code == 404


async def test_erasing_the_person_erases_status_history_and_notes_but_not_the_audit(world: DeskWorld) -> None:
    from bot.engine import Conversation, Forget

    client = await signed_in(world)
    await move(client, world.booked_ref, "contacted")
    token = await csrf_of(client, f"/desk/requests/{world.booked_ref}")
    await client.post(f"/desk/requests/{world.booked_ref}/note", data={"csrf": token, "note": "Sara prefers Arabic"})
    await world.store.commit_turn(PERSON, Conversation(), (Forget(),), world.clock.now)
    assert await world.store.count_rows(PERSON) == 0

    def left(conn: object) -> int:
        from sqlalchemy import Connection, func, select

        assert isinstance(conn, Connection)
        return sum(conn.scalar(select(func.count()).select_from(t)) or 0 for t in (booking_status, booking_events))

    assert await world.store.run(left) == 0
    audit = await world.store.audit_entries(world.booked_ref)
    assert [a.action for a in audit] == ["status:contacted", "note"], "the audit keeps who did what, nothing said"


async def test_an_erased_persons_request_stays_as_a_tombstone(world: DeskWorld) -> None:
    from bot.engine import Conversation, Forget

    client = await signed_in(world)
    token = await csrf_of(client, f"/desk/requests/{world.booked_ref}")
    await client.post(f"/desk/requests/{world.booked_ref}/note", data={"csrf": token, "note": "Sara prefers Arabic"})
    await world.store.commit_turn(PERSON, Conversation(), (Forget(),), world.clock.now + timedelta(days=2))
    listed = (await client.get("/desk")).text
    assert world.booked_ref in listed and "Deleted by the person" in listed, "staff see why the request went"
    assert "erased 2026-11-23 20:00" in listed and "Sara" not in listed and "Tuesday" not in listed
    page = await client.get(f"/desk/requests/{world.booked_ref}")
    assert page.status_code == 200 and "Deleted by the person" in page.text and "DHCC Branch" in page.text
    for gone in ("Sara", "123 4567", "Tuesday evening", "Bloating", "KI1", "prefers Arabic"):
        assert gone not in page.text, gone
    assert "<form" not in page.text.split("<main>", 1)[1], "no status, note or time form on a tombstone"
    filtered = (await client.get("/desk?status=deleted")).text
    assert world.booked_ref in filtered and world.main_ref not in filtered
    # Nothing can be done to a tombstone: no status, note or time reaches the person's (gone) data.
    answer = await client.post(f"/desk/requests/{world.booked_ref}/status", data={"csrf": token, "status": "done"})
    assert answer.status_code == 404 and "erased meanwhile" in answer.text
    answer = await client.post(f"/desk/requests/{world.booked_ref}/note", data={"csrf": token, "note": "hello"})
    assert answer.status_code == 404
    assert await world.store.booking_history(world.booked_ref) == []


async def test_a_bigger_clinic_day_lists_in_order(world: DeskWorld) -> None:
    for number in range(5):
        at = world.clock.now + timedelta(minutes=10 + number)
        await save_booking(world.store, f"telegram:{number}", f"RB-D{number}", "dhcc", f"Person {number}", at)
    client = await signed_in(world)
    page = (await client.get("/desk")).text
    positions = [page.index(f"RB-D{n}") for n in reversed(range(5))] + [page.index(world.booked_ref)]
    assert positions == sorted(positions)
