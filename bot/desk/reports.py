"""The desk's reports: an overview of the last eight ISO weeks (counts only), a CSV export of the booking
requests a staff member may see, and a preview of every point and zone in every language.

The overview holds aggregates only: no names, contacts, summaries or words anyone wrote. The export is
personal data: it is `no-store` and each one is written to the audit log. Every route checks the session
as the other desk pages do.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.desk.statuses import STATUSES
from bot.engine.items import picture_name
from bot.pictures.library import Pictures
from bot.store.operations import BookingRequest, Tally
from content.loader import default_content
from content.model import Content, Point, Zone

if TYPE_CHECKING:
    from bot.desk.pages import Desk

WEEKS = 8
FEELINGS = ("better", "same", "worse")
RTL_LANGUAGES = frozenset({"ar", "ur", "fa", "he"})
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = ("ref", "created_at", "branch", "status", "name", "contact", "preferred_time", "summary")


@dataclass(frozen=True, slots=True)
class Week:
    """One ISO week's counts; the breakdowns are (labels, count) pairs, sorted by labels."""

    label: str  # "2026-W48"
    monday: date
    new_people: int
    sessions: int  # finished sessions whose feedback was given
    feedback: tuple[tuple[tuple[str, str], int], ...]  # ((item, feeling), n)
    bookings: tuple[tuple[tuple[str, str], int], ...]  # ((branch, status), n)
    red_flags: tuple[tuple[tuple[str, str], int], ...]  # ((kind, severity), n)

    @property
    def booking_total(self) -> int:
        """Every booking request made this week (of the branches shown)."""
        return sum(n for _, n in self.bookings)

    @property
    def red_flag_total(self) -> int:
        """Every red flag met this week."""
        return sum(n for _, n in self.red_flags)

    def feedback_by_item(self) -> list[tuple[str, int, dict[str, int]]]:
        """For each item with feedback this week: (item, sessions finished, {feeling: n})."""
        items: dict[str, dict[str, int]] = {}
        for (item, feeling), n in self.feedback:
            items.setdefault(item, dict.fromkeys(FEELINGS, 0))[feeling] = n
        return [(item, sum(counts.values()), counts) for item, counts in sorted(items.items())]


def iso_weeks(now: datetime, count: int = WEEKS) -> list[date]:
    """The Mondays of the last `count` ISO weeks (UTC), the current one last."""
    monday = now.astimezone(UTC).date() - timedelta(days=now.astimezone(UTC).weekday())
    return [monday - timedelta(weeks=back) for back in range(count - 1, -1, -1)]


def weekly_counts(tallies: list[Tally], mondays: list[date], branches: tuple[str, ...] | None) -> list[Week]:
    """Count the tallies into their weeks (bookings of `branches` only; None: all), newest week first."""
    buckets: dict[date, list[Tally]] = {monday: [] for monday in mondays}
    for tally in tallies:
        day = tally.at.astimezone(UTC).date()
        monday = day - timedelta(days=day.weekday())
        if monday not in buckets:
            continue
        if tally.kind == "booking" and branches is not None and tally.labels[0] not in branches:
            continue
        buckets[monday].append(tally)
    weeks = []
    for monday, found in buckets.items():
        kinds: dict[str, Counter[tuple[str, ...]]] = {}
        for tally in found:
            kinds.setdefault(tally.kind, Counter())[tally.labels] += 1
        feedback = _pairs(kinds.get("feedback"))
        year, number, _ = monday.isocalendar()
        weeks.append(
            Week(
                label=f"{year}-W{number:02d}",
                monday=monday,
                new_people=sum(kinds.get("first-contact", Counter()).values()),
                sessions=sum(n for _, n in feedback),
                feedback=feedback,
                bookings=_pairs(kinds.get("booking")),
                red_flags=_pairs(kinds.get("red-flag")),
            )
        )
    return weeks[::-1]


def _pairs(counter: Counter[tuple[str, ...]] | None) -> tuple[tuple[tuple[str, str], int], ...]:
    if not counter:
        return ()
    return tuple(sorted(((labels[0], labels[1]), n) for labels, n in counter.items() if len(labels) == 2))


def safe_cell(value: str) -> str:
    """A CSV cell a spreadsheet will not run: one starting with = + - @ tab or CR gets a leading '."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def requests_csv(requests: list[BookingRequest]) -> str:
    """The booking requests as RFC 4180 CSV (CRLF line ends, quoted where needed), formula-guarded, after a
    UTF-8 byte-order mark so a spreadsheet opened on it reads Arabic and Russian names right."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for r in requests:
        row = (r.ref, r.created_at.isoformat(), r.branch, r.status, r.name, r.contact, r.when, r.summary)
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def direction(lang: str) -> str:
    """The writing direction of a language code: "rtl" for Arabic, Urdu..., not their Latin spellings."""
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


class Reports:
    """The overview, the CSV export, the content preview and its pictures, on one desk's sessions and store."""

    def __init__(self, desk: Desk, content: Content | None = None) -> None:
        self.desk = desk
        self._content = content
        self._pictures: Pictures | None = desk.options.pictures if content is None else None

    @property
    def content(self) -> Content:
        """The content shown (the shipped content unless one was given)."""
        if self._content is None:
            self._content = default_content()
        return self._content

    @property
    def pictures(self) -> Pictures:
        """The pictures of the content's points and zones (set up on first use)."""
        if self._pictures is None:
            self._pictures = Pictures(self.content)
        return self._pictures

    def routes(self) -> list[BaseRoute]:
        """The report routes, each behind the desk's headers."""
        guard = self.desk._guard
        return [
            Route("/desk/overview", guard(self.overview), methods=["GET"]),
            Route("/desk/requests.csv", guard(self.export), methods=["GET"]),
            Route("/desk/content", guard(self.content_page), methods=["GET"]),
            Route("/desk/pictures/{name}.png", guard(self.picture), methods=["GET"]),
        ]

    async def overview(self, request: Request) -> Response:
        """Counts by ISO week: new people, sessions and feedback per item, bookings, red flags."""
        now = self.desk.options.clock()
        who = await self.desk._signed_in(request, now)
        if who is None:
            return RedirectResponse("/desk/login", status_code=303)
        mondays = iso_weeks(now)
        since = datetime.combine(mondays[0], time(), tzinfo=UTC)
        tallies = await self.desk.store.overview_tallies(since)
        weeks = weekly_counts(tallies, mondays, who.branches)
        return self.desk._page(
            "overview.html", who.session.touched(now), who, weeks=weeks, feelings=FEELINGS, statuses=STATUSES
        )

    async def export(self, request: Request) -> Response:
        """The booking requests this person may see, as a CSV file (written to the audit log)."""
        now = self.desk.options.clock()
        who = await self.desk._signed_in(request, now)
        if who is None:
            return RedirectResponse("/desk/login", status_code=303)
        visible = await self.desk.store.booking_requests(who.branches)
        await self.desk.store.write_audit(who.account.name, "export", "", now)
        headers = {
            "Content-Disposition": f'attachment; filename="booking-requests-{now.date().isoformat()}.csv"',
            "Cache-Control": "no-store",
        }
        return Response(requests_csv(visible), media_type="text/csv; charset=utf-8", headers=headers)

    async def content_page(self, request: Request) -> Response:
        """Every point and zone: its picture, its texts in each language, sources, rules, review status."""
        now = self.desk.options.clock()
        who = await self.desk._signed_in(request, now)
        if who is None:
            return RedirectResponse("/desk/login", status_code=303)
        content = self.content
        languages = ("en", *(lang for lang in content.languages if lang != "en"))
        chosen = request.query_params.get("lang", "")
        shown = ("en", chosen) if chosen in languages and chosen != "en" else languages
        points: list[tuple[Point, str]] = [(p, picture_name(code, "right")) for code, p in content.points.items()]
        zones: list[tuple[Zone, str]] = [(z, picture_name(f"zone:{i}", "right")) for i, z in content.zones.items()]
        known = set(self.pictures.names())
        return self.desk._page(
            "content.html",
            who.session.touched(now),
            who,
            points=points,
            zones=zones,
            pictures=known,
            languages=languages,
            shown=shown,
            chosen=chosen if chosen in languages else "",
            translations=[t for t in content.translations if t.lang in shown],
            direction=direction,
        )

    async def picture(self, request: Request) -> Response:
        """A point's or zone's picture, by a name the picture library knows."""
        now = self.desk.options.clock()
        who = await self.desk._signed_in(request, now)
        if who is None:
            return RedirectResponse("/desk/login", status_code=303)
        name = str(request.path_params["name"])
        if name not in set(self.pictures.names()):
            return self.desk._problem(404, "There is no such picture.", who)
        png = await run_in_threadpool(self.pictures.png, name)
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})
