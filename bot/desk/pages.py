"""The desk's pages: log in and out, the list of booking requests, one request, its status and notes.

Every response carries strict security headers; every form carries the session's CSRF token; a staff
member sees only their branches' requests (admins see all); every change goes to the request's history
and to the audit log with the staff member's name. Nothing personal is logged.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.desk.auth import MAX_PASSWORD, BusyError, LoginThrottle, Passwords, Session, SessionCookies
from bot.desk.reports import Reports
from bot.desk.statuses import ALLOWED_FROM, CONFIRMED, CONTACTED, GONE, LABELS, STATUSES, next_statuses
from bot.engine import AppointmentSet, Event
from bot.pictures.library import Pictures
from bot.store import SqlStore
from bot.store.operations import NEW, TELEGRAM_STAFF, BookingEvent, BookingRequest, StaffAccount

log = logging.getLogger("reflexbot.desk")
HERE = Path(__file__).resolve().parent
MAX_NOTE = 2000
MAX_QUERY = 100
MAX_NAME = 64
MAX_FORM_FIELDS = 10
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
Endpoint = Callable[[Request], Awaitable[Response]]
Notify = Callable[[str, Event], Awaitable[object]]
"""Hands an event for a person (by key) to the runtime: `runtime.handle`."""
CONFIRMABLE = frozenset({NEW, CONTACTED})
"""A time can be confirmed for a request standing here (and moved for a confirmed one)."""
ANSWER_LABELS = {"confirm": "Confirmed the time", "another-time": "Asked for another time", "cancel": "Cancelled"}


@dataclass(frozen=True, slots=True)
class DeskOptions:
    """How the desk runs: its signing secret, session idle timeout, cookie security, branch names, the
    password hasher and the clock (injected, so tests move time without sleeping)."""

    secret: str
    session_minutes: int
    secure_cookies: bool
    branches: Mapping[str, str]  # id -> name, as configured
    passwords: Passwords
    clock: Callable[[], datetime]
    notify: Notify | None = None  # the runtime, to tell the person a confirmed time (None: nobody is told)
    zones: Mapping[str, str] | None = None  # branch id -> IANA zone of the times staff enter there
    default_zone: str = "Asia/Dubai"
    pictures: Pictures | None = None  # the server's picture library, shared (None: the desk makes its own)
    poll_seconds: int = 10  # an open request page asks for its version this often (desk.js)

    def zone_of(self, branch: str) -> ZoneInfo:
        """The zone of the wall-clock times staff enter for a branch."""
        return ZoneInfo((self.zones or {}).get(branch, self.default_zone))

    def wall_clock(self, at: datetime, branch: str | None = None) -> str:
        """An instant as staff read it: the branch's wall clock (the desk's zone without a branch)."""
        zone = self.zone_of(branch) if branch else ZoneInfo(self.default_zone)
        return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The staff member behind a request, and their live session."""

    account: StaffAccount
    session: Session

    def sees(self, request: BookingRequest) -> bool:
        """Admins see every request; staff, their branches' only."""
        return self.account.role == "admin" or request.branch in self.account.branches

    def sees_branch(self, branch: str) -> bool:
        """Admins see every branch; staff, theirs."""
        return self.account.role == "admin" or branch in self.account.branches

    @property
    def branches(self) -> tuple[str, ...] | None:
        """The branches whose requests this person sees (None: all)."""
        return None if self.account.role == "admin" else self.account.branches


class Desk:
    """The /desk routes over one store."""

    def __init__(self, store: SqlStore, options: DeskOptions) -> None:
        self.store = store
        self.options = options
        self.cookies = SessionCookies(options.secret)
        self.throttle = LoginThrottle(store)
        self.idle = timedelta(minutes=options.session_minutes)
        self.cookie_name = "__Host-reflexbot-desk" if options.secure_cookies else "reflexbot-desk"
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined
        )
        self.templates.globals.update(
            labels=LABELS, branch_names=options.branches, answer_labels=ANSWER_LABELS, desk_zone=options.default_zone
        )
        self.templates.filters["local"] = options.wall_clock  # an instant on the desk's wall clock

    def routes(self) -> list[BaseRoute]:
        """Every /desk route; anything else under /desk is a 404 with the same headers."""
        return [
            Route("/desk", self._guard(self.request_list), methods=["GET"]),
            Route("/desk/login", self._guard(self.login_page), methods=["GET"]),
            Route("/desk/login", self._guard(self.login), methods=["POST"]),
            Route("/desk/logout", self._guard(self.logout), methods=["POST"]),
            Route("/desk/requests/{ref}", self._guard(self.request_page), methods=["GET"]),
            Route("/desk/requests/{ref}/status", self._guard(self.change_status), methods=["POST"]),
            Route("/desk/requests/{ref}/note", self._guard(self.add_note), methods=["POST"]),
            Route("/desk/requests/{ref}/appointment", self._guard(self.confirm_time), methods=["POST"]),
            Route("/desk/requests/{ref}/version", self._guard(self.version), methods=["GET"]),
            Route("/desk/static/desk.css", self._guard(self.stylesheet), methods=["GET"]),
            Route("/desk/static/desk.js", self._guard(self.script), methods=["GET"]),
            *Reports(self).routes(),
            Route("/desk/{rest:path}", self._guard(self.not_found)),
        ]

    @staticmethod
    def _guard(endpoint: Endpoint) -> Endpoint:
        async def guarded(request: Request) -> Response:
            response = await endpoint(request)
            response.headers.update(SECURITY_HEADERS)
            response.headers.setdefault("Cache-Control", "no-store")
            return response

        return guarded

    # The pages.

    async def login_page(self, request: Request) -> Response:
        """The login form (with a CSRF token in a cookie of its own, before anyone is known)."""
        now = self.options.clock()
        if await self._signed_in(request, now) is not None:
            return RedirectResponse("/desk", status_code=303)
        session = Session.new("", now)
        return self._page("login.html", session, None, error="")

    async def login(self, request: Request) -> Response:
        """Check a login: the same answer for a wrong password, an unknown or disabled account and a
        throttled one, after the same work."""
        now = self.options.clock()
        form = await self._form(request)
        before = self._session(request, now)
        if form is None or before is None or not before.accepts(form.get("csrf", "")):
            return self._problem(403, "This form has expired. Please open the login page again.", None)
        name, password = form.get("name", "")[:MAX_NAME], form.get("password", "")[:MAX_PASSWORD]
        address = request.client.host if request.client else "unknown"
        locked = await self.throttle.locked(name, address, now)
        account = None if locked else await self.store.staff_account(name)
        stored = account.password_hash if account is not None and not account.disabled else None
        try:  # a throttled login costs nothing: its answer is the same, whatever the password
            correct = False if locked else await self.options.passwords.check(stored, password)
        except BusyError:
            log.warning("desk login refused: too many logins at once")
            return self._problem(503, "The desk is busy. Please try again in a minute.", None)
        if locked or account is None or not correct:
            if not locked:
                await self.throttle.failed(name, address, now)
            log.warning("desk login refused")
            retry = Session.new("", now)
            return self._page("login.html", retry, None, error="Wrong name or password.", code=401)
        await self.throttle.succeeded(name)
        await self.store.write_audit(name, "login", "", now)
        response = RedirectResponse("/desk", status_code=303)
        self._set_cookie(response, Session.new(name, now))
        return response

    async def logout(self, request: Request) -> Response:
        """End the session (a POST with the CSRF token)."""
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        who, _form, now = posted
        await self.store.write_audit(who.account.name, "logout", "", now)
        response = RedirectResponse("/desk/login", status_code=303)
        response.delete_cookie(self.cookie_name, path="/", secure=self.options.secure_cookies, httponly=True)
        return response

    async def request_list(self, request: Request) -> Response:
        """Booking requests, newest first, filtered by status, branch and a search for a ref or a name."""
        now = self.options.clock()
        who = await self._signed_in(request, now)
        if who is None:
            return RedirectResponse("/desk/login", status_code=303)
        status = request.query_params.get("status", "")
        branch = request.query_params.get("branch", "")
        query = request.query_params.get("q", "")[:MAX_QUERY].strip()
        visible = await self.store.booking_requests(who.branches)
        if status in STATUSES or status in GONE:
            visible = [r for r in visible if r.status == status]
        if branch:
            visible = [r for r in visible if r.branch == branch]
        if query:
            folded = query.casefold()
            visible = [r for r in visible if folded in r.ref.casefold() or folded in r.name.casefold()]
        branches = {b: n for b, n in self.options.branches.items() if who.branches is None or b in who.branches}
        refs = [r.ref for r in visible]
        return self._page(
            "list.html",
            who.session.touched(now),
            who,
            requests=visible,
            times=await self._local_times(refs),
            answers=await self.store.latest_answers(refs),
            statuses=STATUSES + GONE,
            status=status,
            branch=branch,
            q=query,
            branches=branches,
        )

    async def request_page(self, request: Request) -> Response:
        """One request: what the person shared, its history and notes, and the moves it allows."""
        now = self.options.clock()
        who = await self._signed_in(request, now)
        if who is None:
            return RedirectResponse("/desk/login", status_code=303)
        found = await self._visible(who, str(request.path_params["ref"]))
        if found is None:
            return self._problem(404, "There is no such request, or it is not one of your branches'.", who)
        if found.status in GONE:  # only that it was here, and why it went
            return self._page("tombstone.html", who.session.touched(now), who, request=found)
        history = await self.store.booking_history(found.ref)
        local = self.options.zone_of(found.branch)
        return self._page(
            "request.html",
            who.session.touched(now),
            who,
            request=found,
            history=self._history_lines(history),
            notes=[e for e in history if e.kind == "note"],
            moves=next_statuses(found.status),
            time=(await self._local_times([found.ref])).get(found.ref, ""),
            answer=(await self.store.latest_answers([found.ref])).get(found.ref, ""),
            can_confirm=found.status in CONFIRMABLE | {CONFIRMED},
            branches={b: n for b, n in self.options.branches.items() if who.sees_branch(b)},
            today=now.astimezone(local).date().isoformat(),
            zone=str(local),
            version=self._version(found, history),
            poll_seconds=self.options.poll_seconds,
        )

    async def version(self, request: Request) -> Response:
        """What an open request page asks every few seconds (desk.js): a token that changes with its status
        and history, so the person's answer shows without a reload. Reading it does not keep the session
        alive: only a person using the desk does."""
        now = self.options.clock()
        who = await self._signed_in(request, now)
        if who is None:
            return JSONResponse({"error": "signed out"}, status_code=401)
        found = await self._visible(who, str(request.path_params["ref"]))
        if found is None:
            return JSONResponse({"error": "no such request"}, status_code=404)
        return JSONResponse({"version": self._version(found, await self.store.booking_history(found.ref))})

    @staticmethod
    def _version(found: BookingRequest, history: list[BookingEvent]) -> str:
        return f"{found.status}:{len(history)}"

    async def change_status(self, request: Request) -> Response:
        """Move a request along (new → contacted → confirmed → done; cancelled or no-show while open)."""
        checked = await self._change(request)
        if isinstance(checked, Response):
            return checked
        who, found, form, now = checked
        to = form.get("status", "")
        if to not in ALLOWED_FROM:
            return self._problem(400, "That is not a status a request can be moved to.", who)
        change = await self.store.change_booking_status(found.ref, to, ALLOWED_FROM[to], who.account.name, now)
        if change is None:
            return self._problem(404, "There is no such request (erased meanwhile?).", who)
        if not change.moved:
            message = (
                f"This request is {LABELS.get(change.before, change.before)}: it cannot become {LABELS[to]} now "
                "(someone may have changed it meanwhile). Please reload it."
            )
            return self._problem(409, message, who)
        return self._back_to(found.ref, who, now)

    async def add_note(self, request: Request) -> Response:
        """A staff note on a request (kept with it, erased with the person's data)."""
        checked = await self._change(request)
        if isinstance(checked, Response):
            return checked
        who, found, form, now = checked
        text = form.get("note", "").strip()
        if not text or len(text) > MAX_NOTE:
            return self._problem(400, f"A note is 1 to {MAX_NOTE} characters.", who)
        if not await self.store.add_booking_note(found.ref, text, who.account.name, now):
            return self._problem(404, "There is no such request (erased meanwhile?).", who)
        return self._back_to(found.ref, who, now)

    async def confirm_time(self, request: Request) -> Response:
        """Confirm a time (date, time, branch; the branch's wall clock): the request becomes confirmed and
        the person is told in their chat, with a calendar file and reminders."""
        checked = await self._change(request)
        if isinstance(checked, Response):
            return checked
        who, found, form, now = checked
        branch = form.get("branch", found.branch)
        if branch not in self.options.branches or not who.sees_branch(branch):
            return self._problem(400, "Please pick one of your branches.", who)
        try:
            day = date.fromisoformat(form.get("date", "").strip())
            clock = time.fromisoformat(form.get("time", "").strip())
        except ValueError:
            return self._problem(400, "Please enter a real date (YYYY-MM-DD) and time (HH:MM).", who)
        starts_at = datetime.combine(day, clock.replace(second=0, microsecond=0, tzinfo=None))
        starts_at = starts_at.replace(tzinfo=self.options.zone_of(branch)).astimezone(UTC)
        if starts_at <= now:
            return self._problem(400, "That time has passed. Please enter a time in the future.", who)
        if starts_at > now + timedelta(days=366):
            return self._problem(400, "Please enter a time within the next year.", who)
        token = secrets.token_urlsafe(24)
        change = await self.store.confirm_appointment(
            found.ref, starts_at, branch, token, CONFIRMABLE | {CONFIRMED}, who.account.name, now
        )
        if change is None:
            return self._problem(404, "There is no such request (erased meanwhile?).", who)
        if not change.moved:
            message = (
                f"This request is {LABELS.get(change.before, change.before)}: a time cannot be confirmed now. "
                "Please reload it."
            )
            return self._problem(409, message, who)
        if self.options.notify is not None:
            try:
                await self.options.notify(found.key, AppointmentSet(found.ref, starts_at, branch))
            except Exception:  # the time is kept; the person's message can be sent again by confirming again
                log.exception("could not tell the person about the time confirmed for %s", found.ref)
        return self._back_to(found.ref, who, now)

    async def _local_times(self, refs: list[str]) -> dict[str, str]:
        """Each confirmed time as the branch's wall clock, by ref."""
        found = await self.store.appointments_of(refs)
        return {ref: self.options.wall_clock(a.starts_at, a.branch) for ref, a in found.items()}

    def _history_lines(self, history: list[BookingEvent]) -> list[tuple[str, str]]:
        """A request's history as (when, what happened) lines a staff member reads."""
        lines = []
        for e in history:
            actor = e.staff or "The person"
            if e.kind == "status":
                said = f"{e.staff or 'The bot'} set the status to {LABELS.get(e.what, e.what)}"
            elif e.kind == "time":
                instant, _, branch = e.what.partition(" ")
                try:
                    shown = self.options.wall_clock(datetime.fromisoformat(instant), branch)
                except ValueError:  # written before times were stored as instants
                    shown = e.what
                said = f"{actor} confirmed the time {shown} at {self.options.branches.get(branch, branch)}"
            elif e.kind == "answer":
                said = f"The person answered in the chat: {ANSWER_LABELS.get(e.what, e.what)}"
            elif e.kind == "note" and e.staff == TELEGRAM_STAFF:
                said = "Handled in the Telegram staff chat"
            else:
                said = f"{actor} added a note"
            lines.append((self.options.wall_clock(e.at), said))
        return lines

    async def script(self, request: Request) -> Response:
        """The desk's one script: an open request page follows its changes (no inline script anywhere)."""
        js = await run_in_threadpool((HERE / "static" / "desk.js").read_bytes)
        return Response(js, media_type="text/javascript", headers={"Cache-Control": "max-age=3600"})

    async def stylesheet(self, request: Request) -> Response:
        """The desk's one stylesheet (no inline styles anywhere)."""
        css = await run_in_threadpool((HERE / "static" / "desk.css").read_bytes)
        return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=3600"})

    async def not_found(self, request: Request) -> Response:
        """Anything else under /desk."""
        return self._problem(404, "There is no such page.", None)

    # The parts.

    async def _change(self, request: Request) -> tuple[SignedIn, BookingRequest, dict[str, str], datetime] | Response:
        """What every change needs: a live session, a form with its CSRF token, a request this person sees."""
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        who, form, now = posted
        found = await self._visible(who, str(request.path_params["ref"]))
        if found is None:
            return self._problem(404, "There is no such request, or it is not one of your branches'.", who)
        return who, found, form, now

    async def _posted(self, request: Request) -> tuple[SignedIn, dict[str, str], datetime] | Response:
        """A signed-in person's form carrying their CSRF token; else to the login page, or a 403."""
        now = self.options.clock()
        who = await self._signed_in(request, now)
        form = await self._form(request)
        if who is None:
            return RedirectResponse("/desk/login", status_code=303)
        if form is None or not who.session.accepts(form.get("csrf", "")):
            return self._problem(403, "This form has expired. Please go back, reload and try again.", who)
        return who, form, now

    async def _visible(self, who: SignedIn, ref: str) -> BookingRequest | None:
        found = await self.store.booking_request(ref[:40])
        return found if found is not None and who.sees(found) else None

    def _back_to(self, ref: str, who: SignedIn, now: datetime) -> Response:
        response = RedirectResponse(f"/desk/requests/{quote(ref, safe='')}", status_code=303)
        self._set_cookie(response, who.session.touched(now))
        return response

    def _session(self, request: Request, now: datetime) -> Session | None:
        """The request's session cookie, if we signed it and it is still live."""
        session = self.cookies.load(request.cookies.get(self.cookie_name, ""))
        return session if session is not None and session.live(now, self.idle) else None

    async def _signed_in(self, request: Request, now: datetime) -> SignedIn | None:
        """The staff member whose live session this is: their account must still exist and be enabled."""
        session = self._session(request, now)
        if session is None or not session.name:
            return None
        account = await self.store.staff_account(session.name)
        if account is None or account.disabled:
            return None
        return SignedIn(account, session)

    async def _form(self, request: Request) -> dict[str, str] | None:
        """A small urlencoded form (the body is already bounded by the server), or None."""
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
            return None
        body = await request.body()
        try:
            pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
        except ValueError:
            return None
        return dict(pairs)

    def _set_cookie(self, response: Response, session: Session) -> None:
        response.set_cookie(
            self.cookie_name,
            self.cookies.dump(session),
            path="/",
            secure=self.options.secure_cookies,
            httponly=True,
            samesite="lax",
        )

    def _page(self, template: str, session: Session, who: SignedIn | None, code: int = 200, **values: Any) -> Response:
        """A page, with the (refreshed) session cookie whose CSRF token its forms carry."""
        html = self.templates.get_template(template).render(csrf=session.csrf, who=who, **values)
        response = HTMLResponse(html, status_code=code)
        self._set_cookie(response, session)
        return response

    def _problem(self, status: int, message: str, who: SignedIn | None) -> Response:
        """A friendly page for a refusal (403, 404, 409, 400)."""
        csrf = who.session.csrf if who is not None else ""
        html = self.templates.get_template("problem.html").render(csrf=csrf, who=who, message=message, code=status)
        return HTMLResponse(html, status_code=status)
