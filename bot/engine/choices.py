"""Button ids as types: parse a choice id into a small frozen value, format it back with str().

Every id the engine emits is made here and read here; flow modules never split strings. The list of
all ids (for content lint and Telegram's 64-byte limit) comes from the same place.
"""

from __future__ import annotations

from dataclasses import dataclass

from content.model import Content

# Safety questions and the answers each accepts, in button order.
SAFETY_OPTIONS: dict[str, tuple[str, ...]] = {
    "acute": ("fever", "ate", "exercised", "alcohol", "bath", "none"),
    "pressure": ("yes", "no"),
    "pregnancy": ("yes", "no"),
    "clot": ("yes", "no"),
    "foot": ("left", "right", "both", "no"),
    "chronic": ("yes", "no"),
}
CONTROLS = ("ready", "pause", "resume", "stop", "painful", "lighter", "slower", "faster")
FEELINGS = ("better", "same", "worse")
REMINDER_VERBS = ("start", "snooze", "skip", "stop")
# Yes / no questions: share a booking, delete everything, safe now (after an emergency), reminders back on.
CONFIRM_TOPICS = ("consent", "delete", "safe", "resume")
APPOINTMENT_ANSWERS = ("confirm", "another-time", "cancel")
SUGGESTED_TIMES = ((21, 0), (22, 0), (22, 30))
# Plain commands: a button that does what the same typed command does.
COMMANDS = ("menu", "help", "book", "clinic", "more", "contact-chat", "answers-change", "tz-ask")
# The largest number a button could carry in practice (ids grow with each session and reminder).
LONGEST_NUMBER = 999999


@dataclass(frozen=True, slots=True)
class StartItem:
    """Start a guided session on an item ("KI1", "zone:arch")."""

    item: str

    def __str__(self) -> str:
        return f"start:{self.item}"


@dataclass(frozen=True, slots=True)
class LaterItem:
    """Remind me about this item in an hour (after "not yet")."""

    item: str

    def __str__(self) -> str:
        return f"later:{self.item}"


@dataclass(frozen=True, slots=True)
class PickSymptom:
    """The symptom meant, from a "did you mean" list; `symptom` is empty for "none of these"."""

    symptom: str

    def __str__(self) -> str:
        return f"sym:{self.symptom or 'none'}"


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer to a safety question."""

    question: str
    value: str

    def __str__(self) -> str:
        return f"ans:{self.question}:{self.value}"


@dataclass(frozen=True, slots=True)
class Control:
    """A session control, tied to the session (and step) it was shown for, so an old one cannot act."""

    control: str
    session: int
    step: int

    def __str__(self) -> str:
        return f"{self.control}:{self.session}:{self.step}"


@dataclass(frozen=True, slots=True)
class Feel:
    """How the person feels after a session."""

    feeling: str

    def __str__(self) -> str:
        return f"feel:{self.feeling}"


@dataclass(frozen=True, slots=True)
class ReminderReply:
    """Start now / snooze / skip / stop, answering reminder number `reminder`."""

    verb: str
    reminder: int

    def __str__(self) -> str:
        return f"rem:{self.verb}:{self.reminder}"


@dataclass(frozen=True, slots=True)
class RemindAt:
    """A suggested reminder time, every night."""

    hour: int
    minute: int

    def __str__(self) -> str:
        return f"remat:{self.hour:02d}:{self.minute:02d}"


@dataclass(frozen=True, slots=True)
class PickBranch:
    """A clinic branch for a booking request."""

    branch: str

    def __str__(self) -> str:
        return f"branch:{self.branch}"


@dataclass(frozen=True, slots=True)
class Confirm:
    """Yes or no to a yes/no question: `topic` is one of CONFIRM_TOPICS ("consent": share a booking,
    "delete": everything, "safe": safe now after an emergency, "resume": paused reminders back on)."""

    topic: str
    yes: bool

    def __str__(self) -> str:
        return f"{self.topic}:{'yes' if self.yes else 'no'}"


@dataclass(frozen=True, slots=True)
class PickLanguage:
    """A language code."""

    code: str

    def __str__(self) -> str:
        return f"lang:{self.code}"


@dataclass(frozen=True, slots=True)
class AppointmentAnswer:
    """The person's answer to the time staff confirmed for booking request `ref`."""

    ref: str
    answer: str  # one of APPOINTMENT_ANSWERS

    def __str__(self) -> str:
        return f"appt:{self.ref}:{self.answer}"


@dataclass(frozen=True, slots=True)
class Command:
    """A plain command button: menu, help, book, clinic, more options, reminders..."""

    name: str

    def __str__(self) -> str:
        return self.name


ChoiceId = (
    StartItem
    | LaterItem
    | PickSymptom
    | Answer
    | Control
    | Feel
    | ReminderReply
    | RemindAt
    | PickBranch
    | Confirm
    | PickLanguage
    | AppointmentAnswer
    | Command
)
ASK_REMINDER = Command("rem:ask")
LIST_REMINDERS = Command("rem:list")
_COMMANDS = frozenset({*COMMANDS, ASK_REMINDER.name, LIST_REMINDERS.name})


def id_number(raw: str) -> int | None:
    """A number inside an id ("3" of "session:3:7"), or None for anything else (a forged, garbled id)."""
    return int(raw) if raw.isascii() and raw.isdecimal() and len(raw) <= 9 else None


def parse_choice(raw: str) -> ChoiceId | None:
    """The typed value of a button id, or None for an id the engine never made (forged, garbled)."""
    raw = raw.strip()[:64]
    if raw in _COMMANDS:
        return Command(raw)
    head, _, rest = raw.partition(":")
    if head == "start" and rest:
        return StartItem(rest)
    if head == "later" and rest:
        return LaterItem(rest)
    if head == "sym" and rest:
        return PickSymptom("" if rest == "none" else rest)
    if head == "branch" and rest:
        return PickBranch(rest)
    if head == "lang" and rest:
        return PickLanguage(rest)
    if head == "feel" and rest in FEELINGS:
        return Feel(rest)
    if head == "appt":
        ref, _, answer = rest.rpartition(":")
        return AppointmentAnswer(ref, answer) if ref and answer in APPOINTMENT_ANSWERS else None
    if head in CONFIRM_TOPICS and rest in ("yes", "no"):
        return Confirm(head, rest == "yes")
    first, _, second = rest.partition(":")
    if head == "ans" and second in SAFETY_OPTIONS.get(first, ()):
        return Answer(first, second)
    if head == "rem" and first in REMINDER_VERBS and (number := id_number(second)) is not None:
        return ReminderReply(first, number)
    if head == "remat" and (hour := id_number(first)) is not None and (minute := id_number(second)) is not None:
        return RemindAt(hour, minute) if hour < 24 and minute < 60 and len(first + second) == 4 else None
    if head in CONTROLS and (session := id_number(first)) is not None and (index := id_number(second)) is not None:
        return Control(head, session, index)
    return None


def all_choice_ids(content: Content, branch_ids: tuple[str, ...] = ()) -> list[str]:
    """Every button id the engine can emit, longest numbers included (content lint checks them)."""
    items = [*content.points, *(f"zone:{z}" for z in content.zones)]
    made: list[ChoiceId] = [StartItem(i) for i in items]
    made += [LaterItem(i) for i in items]
    made += [PickSymptom(s) for s in content.symptoms] + [PickSymptom("")]
    made += [Answer(q, v) for q, values in SAFETY_OPTIONS.items() for v in values]
    made += [Control(c, LONGEST_NUMBER, LONGEST_NUMBER) for c in CONTROLS]
    made += [Feel(f) for f in FEELINGS] + [ReminderReply(v, LONGEST_NUMBER) for v in REMINDER_VERBS]
    made += [RemindAt(h, m) for h, m in SUGGESTED_TIMES] + [PickBranch(b) for b in branch_ids]
    made += [Confirm(t, yes) for t in CONFIRM_TOPICS for yes in (True, False)]
    made += [AppointmentAnswer("RB-FFFFFF-999999", a) for a in APPOINTMENT_ANSWERS]
    made += [PickLanguage(code) for code in content.conversing] + [Command(c) for c in sorted(_COMMANDS)]
    return [str(choice) for choice in made]
