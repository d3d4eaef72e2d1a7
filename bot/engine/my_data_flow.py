""" "My data": what is kept about the person, shown in their language, with the complete record as a file.

The store is I/O, so this takes two steps. The person's words ("my data", /mydata) give `GatherData`;
the runtime saves that turn, reads the store and steps `DataGathered` with what it read, which gives the
summary below and names the file (`DataFile`) each channel attaches: a document on Telegram, a short-lived
link on WhatsApp, a file on disk in the console. The file holds everything; the summary the main things.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from babel.dates import format_date

from bot.engine.actions import GatherData, Reply
from bot.engine.clock_math import zone
from bot.engine.common import Turn, item_name, menu_choices, say
from bot.engine.documents import DataFile
from bot.engine.kept import Kept, KeptBooking
from bot.engine.knowledge import Knowledge
from bot.engine.reminder_flow import describe
from bot.engine.safety import QUESTIONS
from bot.engine.state import Conversation, Feedback
from content.model import babel_locale

SHOWN = 5  # the latest sessions and booking requests listed; the rest are counted (all are in the file)


def ask(state: Conversation) -> Turn:
    """ "My data": the runtime reads what is kept, then steps DataGathered."""
    return state, (GatherData(),)


def summary(kb: Knowledge, state: Conversation, kept: Kept, now: datetime) -> Reply:
    """What is kept, section by section (safety answers with their dates, reminders, sessions and how the
    person felt, booking requests and their status), the file attached, and the menu."""
    tz = zone(state.tz, kb.policy.default_tz)
    document = DataFile(now.astimezone(tz))
    lines = [say(kb, state, "my-data.intro", language=_language(kb, state), tz=tz.key)]
    sections = [
        _safety(kb, state, tz),
        _reminders(kb, state, tz),
        _sessions(kb, state, kept.sessions, tz),
        _bookings(kb, state, kept.bookings, tz),
    ]
    found = [section for section in sections if section]
    if not found:
        lines.append(say(kb, state, "my-data.nothing"))
    for section in found:
        lines += ["", *section]
    lines += ["", say(kb, state, "my-data.file", file=document.file_name)]
    return Reply("\n".join(lines), menu_choices(kb, state), document=str(document))


def _language(kb: Knowledge, state: Conversation) -> str:
    """The conversation's language by its own name ("العربية", "हिन्दी"); Arabizi is answered in Arabic."""
    base = state.lang.partition("-")[0]
    name = f"language.name.{base}"
    if name in kb.content.messages["en"]:
        return say(kb, state, name)
    return babel_locale(base).get_display_name(babel_locale(base)) or state.lang


def _date(state: Conversation, moment: str, tz: tzinfo) -> str:
    """An ISO 8601 instant as a date in the person's language and zone ("21 Nov 2026"); "" if it is none."""
    try:
        at = datetime.fromisoformat(moment)
    except ValueError:
        return ""
    if at.tzinfo is None:
        return ""
    return format_date(at.astimezone(tz), "medium", locale=babel_locale(state.lang))


def _safety(kb: Knowledge, state: Conversation, tz: tzinfo) -> list[str]:
    known = kb.content.messages["en"]
    order = [q for q in QUESTIONS if q in state.answers] + sorted(q for q in state.answers if q not in QUESTIONS)
    lines = []
    for question in order:
        answer = state.answers[question]
        phrase = f"booking.answer.{question}.{answer.value}"
        what = say(kb, state, phrase) if phrase in known else f"{question}: {answer.value}"
        lines.append(say(kb, state, "my-data.answer", answer=what, date=_date(state, answer.at, tz)))
    if state.others_pregnant:
        lines.append(say(kb, state, "my-data.others-pregnant"))
    return [say(kb, state, "my-data.safety"), *lines] if lines else []


def _reminders(kb: Knowledge, state: Conversation, tz: tzinfo) -> list[str]:
    name = str(tz)
    lines = [say(kb, state, "my-data.reminder", when=describe(kb, state, r, name)) for r in state.reminders]
    lines += [
        say(kb, state, "my-data.reminder-paused", when=describe(kb, state, r, name)) for r in state.paused_reminders
    ]
    return [say(kb, state, "my-data.reminders", tz=name), *lines] if lines else []


def _sessions(kb: Knowledge, state: Conversation, sessions: tuple[Feedback, ...], tz: tzinfo) -> list[str]:
    if not sessions:
        return []
    lines = [
        say(
            kb,
            state,
            "my-data.session",
            name=item_name(kb, state, f.item),
            feeling=say(kb, state, f"booking.felt-{f.feeling}"),
            date=_date(state, f.at, tz),
        )
        for f in reversed(sessions[-SHOWN:])
    ]
    return [say(kb, state, "my-data.sessions"), *lines, *_more(kb, state, len(sessions))]


def _bookings(kb: Knowledge, state: Conversation, bookings: tuple[KeptBooking, ...], tz: tzinfo) -> list[str]:
    if not bookings:
        return []
    known = kb.content.messages["en"]
    lines = []
    for booking in reversed(bookings[-SHOWN:]):
        branch = kb.clinic.branch(booking.branch)
        label = f"my-data.status.{booking.status}"
        line = say(
            kb,
            state,
            "my-data.booking",
            ref=booking.ref,
            branch=branch.title(state.lang) if branch is not None else booking.branch,
            date=_date(state, booking.made_at, tz),
            status=say(kb, state, label) if label in known else booking.status,
        )
        if booking.appointment_at:
            at = datetime.fromisoformat(booking.appointment_at).astimezone(tz)
            line += " " + say(
                kb, state, "my-data.booking-time", date=_date(state, at.isoformat(), tz), time=f"{at:%H:%M}"
            )
        lines.append(line)
    return [say(kb, state, "my-data.bookings"), *lines, *_more(kb, state, len(bookings))]


def _more(kb: Knowledge, state: Conversation, count: int) -> list[str]:
    return [say(kb, state, "my-data.more", count=count - SHOWN)] if count > SHOWN else []
