"""Prometheus metrics: what the runtime and the channels count, and the text GET /metrics answers with.

One process keeps its numbers in memory. Under `serve --workers N` the supervisor names a private
directory in $PROMETHEUS_MULTIPROC_DIR before any worker starts (prometheus-client's multiprocess mode):
each worker writes its numbers to files of its own there, and /metrics adds up every worker's files, so
whichever worker answers gives the whole service's numbers.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

DELIVERY_STATUSES = frozenset(
    {"accepted", "scheduled", "canceled", "queued", "sending", "sent", "delivered", "read", "failed", "undelivered"}
)
"""Twilio's statuses of an outgoing message; anything else is counted as "other"."""
FAILED_STATUSES = frozenset({"failed", "undelivered"})
GIVE_UP_REASONS = frozenset(
    {"blocked", "chat_not_found", "chat_migrated", "bad_request", "invalid_number", "refused", "window_closed"}
)
"""Why a reply was given up (the platform refused it for good); anything else is counted as "other"."""
MAX_ERROR_CODES = 50
"""Different Twilio error codes kept as labels by one process; later new ones are counted as "other"."""
ERROR_CODE = re.compile(r"[0-9]{1,6}")  # Twilio's codes are numbers of five digits
LIVE_GAUGE_FILE = re.compile(r"gauge_live[a-z]+_([0-9]+)\.db")


class Metrics:
    """The counters the runtime and channels update; exported at GET /metrics (no message text, no ids).

    With `directory` (the workers' shared one), `export` gives every worker's numbers added up.
    """

    def __init__(self, registry: CollectorRegistry | None = None, *, directory: Path | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.directory = directory
        self.updates = Counter(
            "reflexbot_updates", "Events from people, by channel", ["channel"], registry=self.registry
        )
        self.replies = Counter(
            "reflexbot_replies", "Replies delivered, by channel", ["channel"], registry=self.registry
        )
        self.send_failures = Counter(
            "reflexbot_send_failures", "Deliveries that failed (kept for retry)", ["channel"], registry=self.registry
        )
        self.given_up = Counter(
            "reflexbot_send_given_up",
            "Replies given up: the platform refused them for good (kept in the outbox marked failed), by reason",
            ["channel", "reason"],
            registry=self.registry,
        )
        self.malformed = Counter(
            "reflexbot_malformed_updates",
            "Inbound updates refused at the door (authentic, but a field of the wrong type or size), by field",
            ["channel", "field"],
            registry=self.registry,
        )
        self.resent = Counter(
            "reflexbot_resent",
            "Replies sent again because the worker sending them died (each may have reached the person twice)",
            ["channel"],
            registry=self.registry,
        )
        self.timers = Counter("reflexbot_timers_fired", "Timers fired", registry=self.registry)
        self.lateness = Histogram(
            "reflexbot_timer_lateness_seconds",
            "How late timers fired",
            buckets=(0.5, 1, 2, 5, 15, 60, 300, 3600),
            registry=self.registry,
        )
        self.due = Gauge(
            "reflexbot_timers_due",
            "Timers due in the last sweep (queue depth; summed over the live workers)",
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self.inbox_held = Gauge(
            "reflexbot_inbox_updates",
            "Updates saved and not processed yet, waiting or running (summed over the live workers)",
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self.inbox_busy = Counter(
            "reflexbot_inbox_busy",
            "Deliveries refused for want of room (answered 503: the platform delivers them again later)",
            ["channel"],
            registry=self.registry,
        )
        self.whatsapp_delivery = Counter(
            "reflexbot_whatsapp_delivery",
            "WhatsApp delivery statuses Twilio reported (status callbacks), by status",
            ["status"],
            registry=self.registry,
        )
        self.whatsapp_failures = Counter(
            "reflexbot_whatsapp_delivery_failures",
            "WhatsApp messages Twilio reported failed or undelivered, by Twilio's error code",
            ["error_code"],
            registry=self.registry,
        )
        self._error_codes: set[str] = set()

    def delivery_status(self, status: str, error_code: str) -> None:
        """One Twilio status callback. Labels stay few: an unknown status is "other"; an error code that is
        not a short number, or comes after MAX_ERROR_CODES others, is "other"; none given is "none"."""
        label = status if status in DELIVERY_STATUSES else "other"
        self.whatsapp_delivery.labels(label).inc()
        if label in FAILED_STATUSES:
            self.whatsapp_failures.labels(self._error_label(error_code)).inc()

    def gave_up(self, channel: str, reason: str) -> None:
        """One reply given up; an unknown reason is "other" (labels stay few)."""
        self.given_up.labels(channel, reason if reason in GIVE_UP_REASONS else "other").inc()

    def _error_label(self, code: str) -> str:
        if not code:
            return "none"
        if not ERROR_CODE.fullmatch(code):
            return "other"
        if code not in self._error_codes:
            if len(self._error_codes) >= MAX_ERROR_CODES:
                return "other"
            self._error_codes.add(code)
        return code

    def export(self) -> bytes:
        """The text exposition format: this process's numbers, or every worker's added up."""
        if self.directory is not None:
            return export_workers(self.directory)
        return bytes(generate_latest(self.registry))


@contextmanager
def workers_directory() -> Iterator[Path]:
    """A new, empty, private (0700) directory for the workers' metrics, named in $PROMETHEUS_MULTIPROC_DIR
    before any worker starts (each inherits it); removed with everything in it afterwards. Whatever the
    variable said before is replaced: workers never share files with another run or another service."""
    directory = Path(tempfile.mkdtemp(prefix="reflexbot-metrics-"))
    before = os.environ.get(MULTIPROCESS_VARIABLE)
    os.environ[MULTIPROCESS_VARIABLE] = str(directory)
    try:
        yield directory
    finally:
        if before is None:
            os.environ.pop(MULTIPROCESS_VARIABLE, None)
        else:
            os.environ[MULTIPROCESS_VARIABLE] = before
        shutil.rmtree(directory, ignore_errors=True)


def multiprocess_directory(environ: Mapping[str, str] | None = None) -> Path | None:
    """The workers' shared directory, when this process is one of `serve --workers N`'s."""
    value = (os.environ if environ is None else environ).get(MULTIPROCESS_VARIABLE, "")
    return Path(value) if value else None


def export_workers(directory: Path) -> bytes:
    """Every worker's numbers added up (counters and histograms of dead workers too, so totals never go
    back; the due-timers gauge over the workers alive)."""
    forget_dead_workers(directory)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))  # type: ignore[no-untyped-call]
    return bytes(generate_latest(registry))


def forget_dead_workers(directory: Path) -> list[int]:
    """Drop the live gauges of workers that have exited (uvicorn's supervisor starts new ones with new ids);
    returns their process ids."""
    dead = []
    for path in directory.glob("gauge_live*_*.db"):
        match = LIVE_GAUGE_FILE.fullmatch(path.name)
        if match is not None and not _alive(int(match.group(1))):
            dead.append(int(match.group(1)))
    for pid in sorted(set(dead)):
        with contextlib.suppress(FileNotFoundError):  # another worker, answering /metrics too, was first
            mark_process_dead(pid, str(directory))  # type: ignore[no-untyped-call]
    return sorted(set(dead))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # no signal: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def channel_of(key: str) -> str:
    """The channel part of a person's key ("telegram:42" -> "telegram")."""
    return key.partition(":")[0] or "unknown"
