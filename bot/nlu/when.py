"""Reminder times from text, without a clock: "at 10pm every night", "in half an hour", "weekdays at 7".

The words come from content/languages/<lang>.toml, [when]; `WhenParser` builds its patterns from
them once (the Lexicon keeps one per language). Rules:
- "in 30 minutes", "in an hour", "in 2 hours", "in half an hour", "in an hour and a half",
  "20 minutes from now" -> `in_minutes` (1 minute to 7 days).
- "10pm", "10:30 pm", "22:00", "9 o'clock", "noon", "midnight", "half past 9", "at nine" -> hour
  and minute. A bare hour 1-11 without am/pm ("at 9", "9:30") means the evening (21:00), because
  reminders here are bedtime reminders, unless the text says morning ("at 7 in the morning"). An
  hour written with a leading zero ("07:00") or above 12 is taken as a 24-hour time.
- "every night", "daily", "each morning", "nightly", "evry nite" -> `daily`; "weekdays", "on
  weekends", "mondays", "every sat", "mon-fri" -> `daily` on `days` (Monday = 0). A time without
  them is once ("tomorrow at 7am" -> daily False, 07:00); a day named without them ("on monday at 9")
  gives `days` with daily False: once, on the next such day. "every night" alone gives daily with no
  hour yet. Close spellings of these words count ("every nigth", "everynight"), common words never.
- A recurrence that is said but not understood ("every other day", "weekly", "3 times a day") sets
  `recurrence_unclear`, so the engine can ask instead of setting a one-off.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.nlu.normalise import CLAUSE, normalise
from content.model import LanguageWords

MAX_MINUTES = 7 * 24 * 60
_CACHE_SIZE = 4096
_MAX_FUZZY_LENGTH = 20


@dataclass(frozen=True, slots=True)
class When:
    """A parsed time phrase: a daily or one-off clock time, or a delay in minutes."""

    daily: bool  # recurring: every day, or every one of `days`
    hour: int | None
    minute: int | None
    in_minutes: int | None
    days: tuple[int, ...] = ()  # weekdays, Monday = 0, sorted; () = every day (or, when once, no day named)
    recurrence_unclear: bool = False  # a recurrence was said but not understood ("every other day"): ask


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of words, longest first; one that never matches when there are none."""
    ordered = sorted(set(words), key=lambda word: (-len(word), word))
    return "|".join(re.escape(word) for word in ordered) if ordered else "(?!x)x"


class _Pattern:
    """A regular expression compiled the first time it is used, and pickled as its source: each language's
    parser has eighteen, kept in the index cache, and a process compiles only those it uses."""

    __slots__ = ("_compiled", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self._compiled: re.Pattern[str] | None = None

    def _pattern(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.source)
        return self._compiled

    def search(self, text: str) -> re.Match[str] | None:
        return self._pattern().search(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self._pattern().finditer(text)

    def findall(self, text: str) -> list[Any]:
        return self._pattern().findall(text)

    def __reduce__(self) -> tuple[type[_Pattern], tuple[str]]:
        return (_Pattern, (self.source,))


# What a word can mean in a recurrence, and the value it carries (a weekday, a set of weekdays).
_EVERY, _PERIOD, _DAILY, _DAY, _SHORT_DAY, _DAYS, _UNCLEAR = "every", "period", "daily", "day", "short", "days", "?"
_Role = tuple[str, object]


class WhenParser:
    """Parses reminder times in one language; built once from its [when] words."""

    def __init__(self, words: LanguageWords, known: frozenset[str] = frozenset()) -> None:
        """`known`: more real words (the lexicon's) that are never read as a misspelt recurrence word."""
        w = words.when
        self._numbers = dict(w.numbers)
        self._hours = dict(w.hours)
        self._hour_units = frozenset(w.hour_units)
        self._half = frozenset(w.half)
        self._past = frozenset(w.past)
        self._pm = frozenset(w.pm)
        num = rf"(?:\d+(?:\.\d+)?|{_alt(w.numbers)})"
        hour = rf"(\d{{1,2}}|{_alt(w.hours)})"
        unit = rf"(?:{_alt((*w.minute_units, *w.hour_units))})"
        rel, half = _alt(w.relative), _alt(w.and_a_half)
        self._relative = _Pattern(
            rf"\b(?:{rel}) (?P<n>{num}) ?(?P<u>{unit})"
            rf"(?:(?P<half> (?:{half}))| (?:{_alt(w.plus)}) (?P<n2>{num}) ?(?P<u2>{unit}))?\b"
        )
        self._from_now = _Pattern(rf"\b(?P<n>{num}) ?(?P<u>{unit}) (?:{_alt(w.from_now)})\b")
        self._half_hour = _Pattern(rf"\b(?:{rel}) (?:{_alt(w.half_hour)})\b")
        self._unit_delays = dict(w.unit_delays)
        self._unit_delay = _Pattern(rf"\b(?:{rel}) ({_alt(w.unit_delays)})\b")
        self._minutes_after_hour = dict(w.minutes_after_hour)
        self._hour_minutes = _Pattern(rf"\b{hour} ({_alt(w.minutes_after_hour)})\b")
        self._half_past_hours = dict(w.half_past_hours)
        self._half_past_word = _Pattern(rf"\b({_alt(w.half_past_hours)})\b")
        self._lone_number = _Pattern(rf"\b(\d{{1,2}})\b(?! ?(?:{_alt((*w.minute_units, *w.hour_units))})\b)")
        self._hour_and_half = _Pattern(rf"\b(?:{rel}) (?P<n>{num}) (?:{half}) (?P<u>{unit})\b")
        self._ampm = _Pattern(rf"\b{hour}(?:[:.](\d{{2}}))? ?({_alt((*w.am, *w.pm))})\b")
        self._clock = _Pattern(r"\b(\d{1,2})[:.](\d{2})\b")
        self._oclock = _Pattern(rf"\b{hour} ?(?:{_alt(w.oclock)})\b")
        not_a_time = _alt((*w.minute_units, *w.hour_units, *w.periods, *w.unclear_after_every))
        self._at = _Pattern(rf"\b(?:{_alt(w.at)}) {hour}\b(?! ?(?:{not_a_time})\b)")
        self._past_to = _Pattern(rf"\b({_alt((*w.half, *w.quarter))}) ({_alt((*w.past, *w.to))}) {hour}\b")
        self._part_of_day = _Pattern(rf"\b{hour} (?:{_alt(w.part_of_day)})\b")
        self._morning = _Pattern(rf"\b(?:{_alt(w.morning)})\b")
        self._noon = _Pattern(rf"\b(?:{_alt(w.noon)})\b")
        self._midnight = _Pattern(rf"\b(?:{_alt(w.midnight)})\b")
        self._night = _Pattern(rf"\b(?:{_alt(w.night)})\b")
        self._roles: dict[str, _Role] = {}
        for role, values in (
            (_UNCLEAR, {word: None for word in w.unclear}),
            (_PERIOD, {word: None for word in w.periods}),
            (_DAILY, {word: None for word in w.daily}),
            (_SHORT_DAY, w.short_days),
            (_DAY, w.days),
            (_DAYS, w.recurring_days),
            (_EVERY, {word: None for word in w.every}),
        ):
            for word, value in values.items():
                self._roles[word] = (role, value)
        self._phrases = [(f" {word} ", role) for word, role in self._roles.items() if " " in word]
        self._role_words = frozenset(part for word in self._roles for part in word.split())
        self._fuzzy_targets = sorted(word for word in self._roles if len(word) >= 5 and " " not in word)
        when_words = {part for field in w.__slots__ for part in _words_of(getattr(w, field))}
        self._known = known | frozenset(words.matching.common) | frozenset(words.matching.stopwords) | when_words
        # A language's own little words are no clock times: Levantine Arabizi "3am" (عم, "is doing") is not 3 am.
        self._particles = frozenset(words.matching.stopwords)
        self._every_fillers = frozenset(w.every_fillers)
        self._unclear_after_every = frozenset(w.unclear_after_every)
        self._on = frozenset(w.on)
        self._day_range = frozenset(w.day_range)
        self._fuzzy_cache: dict[str, _Role | None] = {}

    def parse(self, text: str) -> When | None:
        """The reminder time a normalised text gives, or None when it gives none."""
        if not text:
            return None
        flat = text.replace(f" {CLAUSE} ", " ")
        minutes = self._relative_minutes(flat)
        if minutes is not None:
            return When(daily=False, hour=None, minute=None, in_minutes=minutes)
        daily, days, unclear = self._recurrence(text)
        clock = self._clock_time(flat)
        if clock is not None:
            hour, minute = clock
            if 0 <= hour <= 23 and 0 <= minute <= 59:
                return When(daily, hour, minute, None, days, unclear)
            return None
        if daily and len(numbers := self._lone_number.findall(flat)) == 1 and 1 <= int(numbers[0]) <= 23:
            hour = int(numbers[0])  # "every night 9": a recurrence with one bare number gives its hour
            return When(daily, self._evening_rule(hour, text, numbers[0].startswith("0")), 0, None, days, unclear)
        if daily or unclear:
            return When(daily, None, None, None, days if daily else (), unclear)
        return None

    # Delays and clock times.

    def _number(self, raw: str) -> float | None:
        if raw in self._numbers:
            return float(self._numbers[raw])
        try:
            return float(raw)
        except ValueError:
            return None

    def _minutes(self, amount: str, unit: str) -> float | None:
        value = self._number(amount)
        if value is None:
            return None
        return value * 60 if unit in self._hour_units else value

    def _relative_minutes(self, text: str) -> int | None:
        if self._half_hour.search(text):
            return 30
        match = self._hour_and_half.search(text)
        if match:
            base = self._minutes(match["n"], match["u"])
            return None if base is None else int(base + (30 if match["u"] in self._hour_units else 0.5))
        match = self._relative.search(text) or self._from_now.search(text)
        if not match:
            unit = self._unit_delay.search(text)
            return None if unit is None else self._unit_delays[unit.group(1)]
        total = self._minutes(match["n"], match["u"])
        if total is None:
            return None
        extra = match.groupdict()
        if extra.get("half"):
            total += 30 if match["u"] in self._hour_units else 0.5
        elif extra.get("n2") and extra.get("u2"):
            total += self._minutes(match["n2"], match["u2"]) or 0
        minutes = round(total)
        return minutes if 1 <= minutes <= MAX_MINUTES else None

    def _hour_value(self, raw: str) -> int:
        return self._hours[raw] if raw in self._hours else int(raw)

    def _evening_rule(self, hour: int, text: str, explicit_24h: bool) -> int:
        if hour == 12 and not explicit_24h and self._night.search(text):
            return 0  # "12:30 at night", "half past 12 at night"
        if explicit_24h or hour == 0 or hour >= 12:
            return hour
        return hour if self._morning.search(text) else hour + 12

    def _clock_time(self, text: str) -> tuple[int, int] | None:
        match = next((m for m in self._ampm.finditer(text) if m.group(0) not in self._particles), None)
        if match:
            hour, minute = self._hour_value(match.group(1)), int(match.group(2) or 0)
            if not 1 <= hour <= 12:
                return None
            return hour % 12 + (12 if match.group(3) in self._pm else 0), minute
        if self._noon.search(text):
            return 12, 0
        if self._midnight.search(text):
            return 0, 0
        match = self._past_to.search(text)
        if match:
            hour = self._hour_value(match.group(3))
            past = match.group(2) in self._past
            minute = 30 if match.group(1) in self._half else (15 if past else 45)
            hour = hour if past else hour - 1
            return self._evening_rule(hour % 24, text, False), minute
        match = self._clock.search(text)
        if match:
            raw = match.group(1)
            return self._evening_rule(int(raw), text, raw.startswith("0")), int(match.group(2))
        match = self._hour_minutes.search(text)
        if match:
            hour, minutes = self._hour_value(match.group(1)), self._minutes_after_hour[match.group(2)]
            if minutes < 0:
                hour, minutes = hour - 1, 60 + minutes
            return self._evening_rule(hour % 24, text, match.group(1).startswith("0")), minutes
        match = self._half_past_word.search(text)
        if match:
            return self._evening_rule(self._half_past_hours[match.group(1)], text, False), 30
        for pattern in (self._oclock, self._part_of_day, self._at):
            match = pattern.search(text)
            if match:
                raw = match.group(1)
                return self._evening_rule(self._hour_value(raw), text, raw.startswith("0")), 0
        return None

    # Recurrence.

    def _fuzzy_role(self, word: str) -> _Role | None:
        """The role of a close spelling of a recurrence word ("nigth", "evry"); common words have none."""
        if word in self._fuzzy_cache:
            return self._fuzzy_cache[word]
        found: _Role | None = None
        if 4 <= len(word) <= _MAX_FUZZY_LENGTH and word.isalpha() and word not in self._known:
            for target, _, _ in process.extract(
                word, self._fuzzy_targets, scorer=OSA.distance, score_cutoff=1, limit=None
            ):
                if target[0] == word[0]:
                    found = self._roles[target]
                    break
        if len(self._fuzzy_cache) >= _CACHE_SIZE:
            self._fuzzy_cache.clear()
        self._fuzzy_cache[word] = found
        return found

    def _role(self, word: str) -> _Role | None:
        return self._roles.get(word) or self._fuzzy_role(word)

    def _roles_of(self, word: str) -> list[tuple[str, _Role | None]]:
        """A word's role, or two for a recurrence run together ("everynight" -> every + night)."""
        role = self._roles.get(word)
        if role is not None or word in self._known or len(word) < 4:
            return [(word, role)]
        role = self._fuzzy_role(word)
        if role is not None or len(word) < 6 or len(word) > _MAX_FUZZY_LENGTH:
            return [(word, role)]
        for cut in range(3, len(word) - 2):
            first, second = self._role(word[:cut]), self._role(word[cut:])
            if first is not None and first[0] == _EVERY and second is not None and second[0] != _EVERY:
                return [(word[:cut], first), (word[cut:], second)]
        return [(word, None)]

    def _recurrence(self, text: str) -> tuple[bool, tuple[int, ...], bool]:
        """(recurring, its weekdays or the named day of a one-off, a recurrence not understood)."""
        words = text.split()
        present = set(words)
        if present.isdisjoint(self._role_words) and all(len(word) < 4 for word in present - self._known):
            return False, (), False  # the usual text: no recurrence word, and no typo that could be one
        padded = f" {text} "
        items = [pair for word in words for pair in self._roles_of(word)]
        daily = unclear = False
        recurring: set[int] = set()
        for phrase, (phrase_kind, phrase_days) in self._phrases:
            if phrase in padded:
                daily = daily or phrase_kind in (_DAILY, _DAYS)
                unclear = unclear or phrase_kind == _UNCLEAR
                if phrase_kind == _DAYS and isinstance(phrase_days, tuple):
                    recurring.update(phrase_days)
        named: list[tuple[int, int]] = []  # (position, weekday)
        for index, (_, role) in enumerate(items):
            kind, value = role if role is not None else ("", None)
            if kind == _EVERY:
                following = index + 1
                while following < len(items) and items[following][0] in self._every_fillers:
                    following += 1
                after = items[following] if following < len(items) else ("", None)
                after_kind = after[1][0] if after[1] is not None else ""
                if after_kind in (_PERIOD, _DAILY, _DAY, _SHORT_DAY, _DAYS):
                    daily = True
                elif after[0] in self._unclear_after_every or after[0][:1].isdigit() or after[0] in self._numbers:
                    unclear = True
            elif kind in (_DAILY, _UNCLEAR):
                daily, unclear = daily or kind == _DAILY, unclear or kind == _UNCLEAR
            elif kind == _DAYS and isinstance(value, tuple):
                daily = True
                recurring.update(value)
            elif isinstance(value, int) and (
                kind == _DAY or (kind == _SHORT_DAY and self._short_day_stands(items, index))
            ):
                named.append((index, value))
        days = recurring | self._named_days(items, named)
        daily = daily or len(named) > 1  # "mon-fri", "monday and thursday": several days are a habit
        return daily, tuple(sorted(days)) if len(days) < 7 else (), unclear

    def _short_day_stands(self, items: list[tuple[str, _Role | None]], index: int) -> bool:
        """An abbreviated day ("sat", "sun") only counts after every/on or near another day word."""
        if index and items[index - 1][0] in self._on:
            return True
        words = [position for position, (word, _) in enumerate(items) if word != CLAUSE]
        place = words.index(index)
        for other in words[max(0, place - 2) : place + 3]:
            role = items[other][1]
            if other != index and role is not None and role[0] in (_EVERY, _DAY, _SHORT_DAY, _DAYS):
                return True
        return False

    def _named_days(self, items: list[tuple[str, _Role | None]], named: list[tuple[int, int]]) -> set[int]:
        """The weekdays named, with "mon-fri" and "monday to friday" read as ranges."""
        days = {day for _, day in named}
        for (first, start), (second, end) in itertools.pairwise(named):
            if second == first + 1 or (second == first + 2 and items[first + 1][0] in self._day_range):
                day = start
                while day != end:
                    days.add(day)
                    day = (day + 1) % 7
        return days


def _words_of(value: object) -> set[str]:
    """The single words of a [when] field (its list items or table keys)."""
    if isinstance(value, dict | tuple):
        return {part for item in value for part in str(item).split()}
    return set()


@functools.cache
def english_parser() -> WhenParser:
    """The parser the matcher uses for shipped English (for callers without a Lexicon)."""
    from bot.nlu.lexicon import Language  # imported here: the lexicon builds its parsers with this module
    from content.loader import default_content  # loaded on first use only: the NLU never reads files itself

    return Language(default_content(), "en").when


def parse_when(text: str, parser: WhenParser | None = None) -> When | None:
    """The reminder time a text gives, or None when it gives none (English unless a parser is given)."""
    return (parser or english_parser()).parse(normalise(text))


def when_in_normalised(text: str, parser: WhenParser | None = None) -> When | None:
    """`parse_when` for a text that has already been through `normalise`."""
    return (parser or english_parser()).parse(text)
