"""Where a booking request stands at the desk, and which moves between standings are allowed (one table)."""

from __future__ import annotations

from bot.store.operations import ERASED_STATUS, NEW

CONTACTED, CONFIRMED, DONE, CANCELLED, NO_SHOW = "contacted", "confirmed", "done", "cancelled", "no-show"
STATUSES = (NEW, CONTACTED, CONFIRMED, DONE, CANCELLED, NO_SHOW)
"""Every status, in the order a request usually goes through them."""
OPEN = frozenset({NEW, CONTACTED, CONFIRMED})
"""Statuses a request can still leave."""

ALLOWED_FROM: dict[str, frozenset[str]] = {
    CONTACTED: frozenset({NEW}),
    CONFIRMED: frozenset({CONTACTED}),
    DONE: frozenset({CONFIRMED}),
    CANCELLED: OPEN,
    NO_SHOW: OPEN,
}
"""For each status a request can be moved to, the statuses it may be moved from."""

DELETED, EXPIRED = ERASED_STATUS["person"], ERASED_STATUS["inactive"]
GONE = (DELETED, EXPIRED)
"""A tombstone's status: the person's data were erased (they asked, or wrote nothing for too long); no move
leads out of it."""

LABELS = {
    NEW: "New",
    CONTACTED: "Contacted",
    CONFIRMED: "Confirmed",
    DONE: "Done",
    CANCELLED: "Cancelled",
    NO_SHOW: "No-show",
    DELETED: "Deleted by the person",
    EXPIRED: "Erased after long inactivity",
}


def next_statuses(status: str) -> tuple[str, ...]:
    """The statuses a request standing in `status` may be moved to, in the usual order."""
    return tuple(to for to in STATUSES if status in ALLOWED_FROM.get(to, frozenset()))
