"""A pure conversation driver for engine tests: events in, replies out, timers on a fake clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.engine import (
    Action,
    CancelTimer,
    ChoicePicked,
    Conversation,
    Event,
    Knowledge,
    Record,
    Reply,
    ScheduleTimer,
    Started,
    TextReceived,
    TimerFired,
    step,
)


@dataclass
class Sent:
    """A reply and the instant it was sent."""

    at: datetime
    reply: Reply


@dataclass
class Flow:
    """Drives `step` like the runtime does, with timers held in memory and a clock that moves on wait()."""

    kb: Knowledge
    now: datetime
    state: Conversation = field(default_factory=lambda: Conversation(salt="ab12"))
    timers: dict[str, tuple[datetime, str]] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    last: tuple[Action, ...] = ()
    transitions: set[tuple[str, str]] = field(default_factory=set)  # (from, to) state pairs seen

    def send(self, event: Event) -> list[Reply]:
        """Step one event now; returns the replies of that turn."""
        before = self.state.state
        self.state, actions = step(self.kb, self.state, event, now=self.now)
        self.transitions.add((before, self.state.state))
        self.last = actions
        replies = []
        for action in actions:
            if isinstance(action, Reply):
                self.sent.append(Sent(self.now, action))
                replies.append(action)
            elif isinstance(action, ScheduleTimer):
                self.timers[action.timer_id] = (action.at, action.payload)
            elif isinstance(action, CancelTimer):
                self.timers.pop(action.timer_id, None)
            elif isinstance(action, Record):
                self.records.append(action)
        return replies

    def fork(self) -> Flow:
        """An independent copy of this conversation (sharing the read-only knowledge)."""
        return Flow(self.kb, self.now, self.state, dict(self.timers), list(self.sent), list(self.records))

    def say(self, text: str) -> list[Reply]:
        """The person writes."""
        return self.send(TextReceived(text))

    def tap(self, choice_id: str) -> list[Reply]:
        """The person taps a button."""
        return self.send(ChoicePicked(choice_id))

    def control(self, name: str) -> list[Reply]:
        """Tap a session button (ready, pause, resume, stop, painful, lighter) of the running session."""
        session = self.state.session
        assert session is not None, f"no session to {name}"
        return self.tap(f"{name}:{session.number}:{session.step}")

    def start(self) -> list[Reply]:
        """The person opens the chat."""
        return self.send(Started())

    def wait(self, seconds: float) -> list[Sent]:
        """Let time pass, firing due timers at their instants; returns what was sent meanwhile."""
        until = self.now + timedelta(seconds=seconds)
        before = len(self.sent)
        while self.timers:
            timer_id, (at, payload) = min(self.timers.items(), key=lambda kv: kv[1][0])
            if at > until:
                break
            del self.timers[timer_id]
            self.now = max(self.now, at)
            self.send(TimerFired(timer_id, at, payload))
        self.now = until
        return self.sent[before:]

    def choice_ids(self) -> list[str]:
        """Button ids of the last reply that had buttons in the last turn."""
        for action in reversed(self.last):
            if isinstance(action, Reply) and action.choices:
                return [c.id for c in action.choices]
        return []

    def text(self) -> str:
        """All reply texts of the last turn, joined."""
        return "\n".join(a.text for a in self.last if isinstance(a, Reply))
