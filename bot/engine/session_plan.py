"""A guided session as a list of timed steps, rebuilt from content whenever it is needed."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from enum import StrEnum

from content.model import Technique


class StepKind(StrEnum):
    """What a step asks the person to do."""

    FIND = "find"  # locate the point on this foot; waits for "ready"
    PRESS = "press"  # one press, timed
    PRESS_SET = "press-set"  # a run of quick presses ("press 10 times"), timed as one
    ROUND = "round"  # a whole round in one message that spells out its timing (per-round pacing)
    REST = "rest"
    ROUND_REST = "round-rest"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Step:
    """One instruction of a session; `seconds` is how long until the next step (0: wait for the person)."""

    kind: StepKind
    foot: str
    seconds: int
    rep: int = 0
    reps: int = 0
    round: int = 0
    rounds: int = 0


# How a pace step scales the rests: "slower" / "longer rest" lengthens them, "faster" shortens them.
_REST_SCALE = {-2: 0.5, -1: 0.75, 0: 1.0, 1: 1.5, 2: 2.0, 3: 3.0}


def paced(technique: Technique, pace: int, min_rest: int, max_rest: int) -> Technique:
    """The technique with its rests scaled by `pace`, kept within [min_rest, max_rest] seconds.

    Presses keep their length (it is what the point needs); only the rests change, and a technique
    without rests (quick presses) gets none.
    """
    scale = _REST_SCALE[max(min(_REST_SCALE), min(max(_REST_SCALE), pace))]

    def rest(seconds: int) -> int:
        return 0 if seconds == 0 else max(min_rest, min(max_rest, round(seconds * scale)))

    return replace(
        technique, rest_seconds=rest(technique.rest_seconds), round_rest_seconds=rest(technique.round_rest_seconds)
    )


@functools.lru_cache(maxsize=256)
def plan_session(technique: Technique, feet: tuple[str, ...], per_round: bool = False) -> tuple[Step, ...]:
    """Every step of a session: find the point on each foot, then press/rest in rounds, then done.

    `per_round` guides a whole round with one message (channels where each message costs money).
    """
    steps: list[Step] = []
    t = technique
    for foot in feet:
        steps.append(Step(StepKind.FIND, foot, 0, rounds=t.rounds, reps=t.reps))
        for rnd in range(1, t.rounds + 1):
            if per_round:
                seconds = sum(s.seconds for s in _round(t, foot, rnd))
                steps.append(Step(StepKind.ROUND, foot, seconds, reps=t.reps, round=rnd, rounds=t.rounds))
            else:
                steps.extend(_round(t, foot, rnd))
            if rnd < t.rounds:
                pause = t.round_rest_seconds or t.rest_seconds or 5
                steps.append(Step(StepKind.ROUND_REST, foot, pause, round=rnd, rounds=t.rounds))
    steps.append(Step(StepKind.DONE, feet[-1] if feet else "", 0))
    return tuple(steps)


def _round(t: Technique, foot: str, rnd: int) -> list[Step]:
    if t.rest_seconds == 0:
        return [Step(StepKind.PRESS_SET, foot, t.press_seconds * t.reps, reps=t.reps, round=rnd, rounds=t.rounds)]
    steps: list[Step] = []
    for rep in range(1, t.reps + 1):
        steps.append(Step(StepKind.PRESS, foot, t.press_seconds, rep=rep, reps=t.reps, round=rnd, rounds=t.rounds))
        if rep < t.reps:
            steps.append(Step(StepKind.REST, foot, t.rest_seconds, rep=rep, reps=t.reps, round=rnd, rounds=t.rounds))
    return steps


def session_seconds(technique: Technique, feet: tuple[str, ...]) -> int:
    """The timed length of a session, without the time spent finding points."""
    return sum(step.seconds for step in plan_session(technique, feet))
