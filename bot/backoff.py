"""How long to wait before trying a failed send again: exponential, capped, with full jitter.

Try n (counted from 0) waits a random time in [0, min(cap, base * 2**n)] ("full jitter"): senders that
failed together (an outage, a burst of 429s, several workers) spread their next tries out instead of
coming back in step, and the wait never grows past the cap. The random source is passed in, so a test
can make every wait exact.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

Random = Callable[[], float]
"""A number in [0, 1): where a wait falls between 0 and its ceiling."""


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with full jitter: `delay(n)` is uniform in [0, `ceiling(n)`]."""

    base: float
    cap: float
    random: Random = field(default=random.random, compare=False)

    def ceiling(self, attempt: int) -> float:
        """The longest wait after failed try `attempt` (0 = the first): base * 2**attempt, at most `cap`."""
        return min(self.cap, self.base * 2.0 ** min(max(attempt, 0), 64))  # 2**64 * base is past any cap

    def delay(self, attempt: int) -> float:
        """A wait after failed try `attempt`: anywhere from 0 to its ceiling."""
        return self.ceiling(attempt) * self.random()


SEND_RETRY = Backoff(base=0.5, cap=30.0)
"""Within one send (a 5xx, a timeout, Twilio's 429): tries 0.5 s, 1 s, 2 s ... apart at most, 30 s at most."""

OUTBOX_RETRY = Backoff(base=30.0, cap=900.0)
"""A reply kept after a send failed every try: tried again within 30 s, 1 min, 2 min ... at most 15 min
(the trigger's 30 s sweep picks it up once its time has come)."""
