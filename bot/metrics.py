"""Prometheus metrics of one process: inbound updates, replies, send failures, timers and their lateness."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    """The counters the runtime and channels update; exported at GET /metrics (no message text, no ids)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.updates = Counter(
            "reflexbot_updates", "Events from people, by channel", ["channel"], registry=self.registry
        )
        self.replies = Counter(
            "reflexbot_replies", "Replies delivered, by channel", ["channel"], registry=self.registry
        )
        self.send_failures = Counter(
            "reflexbot_send_failures", "Deliveries that failed (kept for retry)", ["channel"], registry=self.registry
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
        self.due = Gauge("reflexbot_timers_due", "Timers due in the last sweep (queue depth)", registry=self.registry)

    def export(self) -> bytes:
        """The text exposition format."""
        return bytes(generate_latest(self.registry))


def channel_of(key: str) -> str:
    """The channel part of a person's key ("telegram:42" -> "telegram")."""
    return key.partition(":")[0] or "unknown"
