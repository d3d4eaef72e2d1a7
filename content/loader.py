"""Reads the TOML files of content/ into the frozen model, checking the schema by hand.

Every problem raises `ContentError("<file>: <key>: <problem>")`, so a broken edit names its place.
Cross-references between files (a symptom naming an unknown point...) are the lint's job.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import pickle
import re
import sys
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TypeVar

from bot.pictures.views import BOX, View, ViewsError, centroid, inside, read_views
from content import disk_cache
from content.model import (
    Content,
    ConversationWords,
    Faq,
    Intent,
    IntentWords,
    LanguageWords,
    MatchingWords,
    NegationWords,
    Place,
    Point,
    PointText,
    Pregnancy,
    RedFlag,
    RedFlagWords,
    Region,
    SafetyWords,
    Stems,
    Symptom,
    SymptomText,
    Technique,
    Translation,
    WhenWords,
    Zone,
    ZoneText,
    plural_categories,
)

RED_FLAG_KINDS = (
    "emergency",
    "self-harm",
    "dvt",
    "diabetic-foot",
    "pregnancy",
    "general",
    "heavy-period",
    "injury",
    "dehydration",
)
SEVERITIES = ("emergency", "urgent", "not-self-care")
STEMMERS = ("english-light", "none", "snowball-russian", "snowball-arabic")  # the stemmers bot/nlu/words.py implements
TOOLS = ("thumb", "thumb-circles", "knuckle", "finger", "thumb-walk")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")

T = TypeVar("T")


class ContentError(ValueError):
    """A content file is missing, is not valid TOML, or breaks the schema."""


class _Sourced(dict[str, object]):
    """A table read from another file than the one it is merged into (a translation's texts), so that
    errors name the translation file."""

    def __init__(self, file: str, key: str, data: dict[str, object]) -> None:
        super().__init__(data)
        self.file = file
        self.key = key


class _Table:
    """A TOML table with its file and dotted key, giving typed, checked access to its values."""

    def __init__(self, file: str, key: str, data: object) -> None:
        self.file = file
        self.key = key
        if not isinstance(data, dict):
            raise self.error(f"expected a table, got {type(data).__name__}")
        self.data: dict[str, object] = data

    def error(self, problem: str, key: str | None = None) -> ContentError:
        """An error naming this table's file and key (or one of its keys)."""
        where = self.key if key is None else self.path(key)
        return ContentError(f"{self.file}: {where or '(top level)'}: {problem}")

    def path(self, key: str) -> str:
        """The dotted path of one of this table's keys."""
        return f"{self.key}.{key}" if self.key else key

    def only(self, *allowed: str) -> None:
        """Reject keys outside `allowed`: a typo in a key must not pass silently."""
        for key in self.data:
            if key not in allowed:
                raise self.error(f"unknown key (allowed: {', '.join(allowed)})", key)

    def table(self, key: str) -> _Table:
        """A required sub-table."""
        if key not in self.data:
            raise self.error("missing", key)
        data = self.data[key]
        if isinstance(data, _Sourced):
            return _Table(data.file, data.key, data)
        return _Table(self.file, self.path(key), data)

    def text(self, key: str, *, default: str | None = None, empty_ok: bool = False) -> str:
        """A string; required unless a default is given; non-empty unless `empty_ok`."""
        value = self.data.get(key, default)
        if value is None:
            raise self.error("missing", key)
        if not isinstance(value, str):
            raise self.error(f"expected a string, got {type(value).__name__}", key)
        if not empty_ok and not value.strip():
            raise self.error("must not be empty", key)
        return value

    def texts(self, key: str, *, required: bool = True, non_empty: bool = False) -> tuple[str, ...]:
        """A list of non-empty strings."""
        if key not in self.data:
            if required:
                raise self.error("missing", key)
            return ()
        value = self.data[key]
        if not isinstance(value, list):
            raise self.error(f"expected a list of strings, got {type(value).__name__}", key)
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.error(f"item {index + 1} must be a non-empty string", key)
        if non_empty and not value:
            raise self.error("must not be empty", key)
        return tuple(str(item) for item in value)

    def integer(self, key: str, *, minimum: int, default: int | None = None) -> int:
        """An integer of at least `minimum`."""
        value = self.data.get(key, default)
        if value is None:
            raise self.error("missing", key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(f"expected an integer, got {type(value).__name__}", key)
        if value < minimum:
            raise self.error(f"must be at least {minimum}, got {value}", key)
        return value

    def mapping(self, key: str, value: Callable[[_Table, str], T]) -> dict[str, T]:
        """A required sub-table of named values, each read with `value(sub_table, name)`."""
        table = self.table(key)
        return {name: value(table, name) for name in table.data}

    def boolean(self, key: str) -> bool:
        """A required true/false."""
        value = self.data.get(key)
        if not isinstance(value, bool):
            raise self.error("expected true or false" if key in self.data else "missing", key)
        return value

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        """A string that must be one of `allowed`."""
        value = self.text(key)
        if value not in allowed:
            raise self.error(f"{value!r} is not one of {', '.join(allowed)}", key)
        return value

    def by_language(self, key: str, parse: Callable[[_Table], T]) -> dict[str, T]:
        """A required table of per-language tables (`text.en`, `text.ar`...), each parsed."""
        table = self.table(key)
        if not table.data:
            raise table.error("needs at least one language")
        result: dict[str, T] = {}
        for lang in table.data:
            if not _LANG.match(lang):
                raise table.error("not a language code (like en, ar, zh-Hans)", lang)
            result[lang] = parse(table.table(lang))
        return result

    def entries(self) -> list[tuple[str, _Table]]:
        """The top-level entries of a file, each a table keyed by its id."""
        return [(key, self.table(key)) for key in self.data]


def _technique(table: _Table) -> Technique:
    table.only("tool", "press_seconds", "rest_seconds", "reps", "rounds", "round_rest_seconds")
    return Technique(
        tool=table.choice("tool", TOOLS),
        press_seconds=table.integer("press_seconds", minimum=1),
        rest_seconds=table.integer("rest_seconds", minimum=0),
        reps=table.integer("reps", minimum=1),
        rounds=table.integer("rounds", minimum=1, default=1),
        round_rest_seconds=table.integer("round_rest_seconds", minimum=0, default=0),
    )


def _point_text(table: _Table) -> PointText:
    table.only("name", "location", "how", "why", "safety")
    return PointText(
        name=table.text("name"),
        location=table.text("location"),
        how=table.text("how"),
        why=table.text("why"),
        safety=table.text("safety", default="", empty_ok=True),
    )


def _xy(table: _Table, key: str, value: object, item: str = "") -> tuple[float, float]:
    """An [x, y] pair in a view's 0..1000 box."""
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        raise table.error(f"{item}expected [x, y], two numbers", key)
    x, y = float(value[0]), float(value[1])
    if not (0 <= x <= BOX and 0 <= y <= BOX):
        raise table.error(f"{item}[{value[0]}, {value[1]}] is outside the view's box (0 to {BOX:g})", key)
    return (x, y)


def _place(table: _Table, views: Mapping[str, View], *, zone: bool) -> Place:
    """Where a point (`at = [x, y]`) or a zone (`area = [[x, y], ...]`, at least 3 corners) is drawn, on one of
    the views of views.toml; a point's marker, and a zone's centroid, must lie in that view's foot."""
    key = "area" if zone else "at"
    table.only("view", key)
    view = views[table.choice("view", tuple(views))]
    if key not in table.data:
        raise table.error("missing", key)
    value = table.data[key]
    if zone:
        if not isinstance(value, list) or len(value) < 3:
            raise table.error("expected a list of at least 3 [x, y] corners", key)
        area = tuple(_xy(table, key, corner, f"corner {index + 1}: ") for index, corner in enumerate(value))
        if not inside(view, *centroid(area)):
            raise table.error(f"the area's centre is outside the foot in the {view.id!r} view", key)
        return Place(view=view.id, area=area)
    at = _xy(table, key, value)
    if not inside(view, *at):
        raise table.error(f"[{at[0]:g}, {at[1]:g}] is outside the foot in the {view.id!r} view", key)
    return Place(view=view.id, at=at)


def _views(directory: Path) -> dict[str, View]:
    """views.toml: the views places are drawn on (bot/pictures/views.py reads it, without Pillow)."""
    try:
        return read_views(directory)
    except ViewsError as error:
        raise ContentError(str(error)) from None


def _point(code: str, table: _Table, views: Mapping[str, View]) -> Point:
    table.only("aliases", "region", "bilateral", "pregnancy", "technique", "text", "sources", "place")
    return Point(
        code=code,
        aliases=table.texts("aliases", required=False),
        region=Region(table.choice("region", tuple(r.value for r in Region))),
        bilateral=table.boolean("bilateral"),
        pregnancy=Pregnancy(table.choice("pregnancy", tuple(p.value for p in Pregnancy))),
        technique=_technique(table.table("technique")),
        text=table.by_language("text", _point_text),
        sources=table.texts("sources"),
        place=_place(table.table("place"), views, zone=False),
    )


def _zone_text(table: _Table) -> ZoneText:
    table.only("name", "location", "body_areas", "how")
    return ZoneText(
        name=table.text("name"),
        location=table.text("location"),
        body_areas=table.text("body_areas"),
        how=table.text("how"),
    )


def _zone(zone_id: str, table: _Table, views: Mapping[str, View]) -> Zone:
    table.only("technique", "text", "sources", "place")
    return Zone(
        id=zone_id,
        technique=_technique(table.table("technique")),
        text=table.by_language("text", _zone_text),
        sources=table.texts("sources"),
        place=_place(table.table("place"), views, zone=True),
    )


def _symptom_text(table: _Table) -> SymptomText:
    table.only("label", "phrases")
    return SymptomText(label=table.text("label"), phrases=table.texts("phrases", non_empty=True))


def _symptom(symptom_id: str, table: _Table) -> Symptom:
    table.only("points", "zones", "text")
    return Symptom(
        id=symptom_id,
        points=table.texts("points"),
        zones=table.texts("zones"),
        text=table.by_language("text", _symptom_text),
    )


def _phrases(table: _Table) -> tuple[str, ...]:
    table.only("phrases")
    return table.texts("phrases", non_empty=True)


_FlagText = tuple[
    tuple[str, ...], tuple[str, ...], dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], tuple[str, ...]
]


def _flag_text(table: _Table) -> _FlagText:
    table.only("phrases", "verbatim", "concepts", "given", "unless")
    phrases, concepts = table.texts("phrases", required=False), table.texts("concepts", required=False)
    verbatim = table.texts("verbatim", required=False)
    phrases = (*phrases, *verbatim)
    given = table.mapping("given", lambda t, key: t.texts(key, non_empty=True)) if "given" in table.data else {}
    unless = table.mapping("unless", lambda t, key: t.texts(key, non_empty=True)) if "unless" in table.data else {}
    if not phrases and not concepts:
        raise table.error("needs phrases or concepts")
    return phrases, concepts, given, unless, verbatim


def _red_flag(flag_id: str, table: _Table) -> RedFlag:
    table.only("kind", "severity", "text", "sources", "in_a_little_one")
    texts = table.by_language("text", _flag_text)
    return RedFlag(
        id=flag_id,
        kind=table.choice("kind", RED_FLAG_KINDS),
        phrases={lang: phrases for lang, (phrases, *_) in texts.items()},
        severity=table.choice("severity", SEVERITIES) if "severity" in table.data else "emergency",
        concepts={lang: concepts for lang, (_, concepts, *_) in texts.items() if concepts},
        given={lang: given for lang, (_, _, given, *_) in texts.items() if given},
        unless={lang: unless for lang, (_, _, _, unless, _) in texts.items() if unless},
        verbatim={lang: verbatim for lang, (*_, verbatim) in texts.items() if verbatim},
        sources=table.texts("sources", required=False),
        in_a_little_one=table.text("in_a_little_one") if "in_a_little_one" in table.data else "",
    )


def _faq_text(table: _Table) -> tuple[tuple[str, ...], str]:
    table.only("questions", "answer")
    return table.texts("questions", non_empty=True), table.text("answer")


def _faq(faq_id: str, table: _Table) -> Faq:
    table.only("text", "sources")
    texts = table.by_language("text", _faq_text)
    return Faq(
        id=faq_id,
        questions={lang: questions for lang, (questions, _) in texts.items()},
        answer={lang: answer for lang, (_, answer) in texts.items()},
        sources=table.texts("sources", required=False),
    )


def _intent(intent_id: str, table: _Table) -> Intent:
    table.only("text")
    return Intent(id=intent_id, phrases=table.by_language("text", _phrases))


def _weekday(table: _Table, key: str) -> int:
    day = table.integer(key, minimum=0)
    if day > 6:
        raise table.error(f"a weekday is 0 (Monday) to 6 (Sunday), got {day}", key)
    return day


def _minutes_after_hour(table: _Table, key: str) -> int:
    minutes = table.integer(key, minimum=-59)
    if minutes > 59 or minutes == 0:
        raise table.error(f"minutes after an hour are -59 to 59 and not 0, got {minutes}", key)
    return minutes


def _hour(table: _Table, key: str) -> int:
    hour = table.integer(key, minimum=0)
    if hour > 23:
        raise table.error(f"an hour is 0 to 23, got {hour}", key)
    return hour


def _weekdays(table: _Table, key: str) -> tuple[int, ...]:
    value = table.data.get(key)
    if not isinstance(value, list) or not value:
        raise table.error("expected a non-empty list of weekdays, 0 (Monday) to 6 (Sunday)", key)
    for index, day in enumerate(value):
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            raise table.error(f"item {index + 1} must be a weekday, 0 (Monday) to 6 (Sunday)", key)
    return tuple(int(day) for day in value)


def _ordinal(table: _Table, key: str) -> tuple[str, ...]:
    """The words of a button's place ("second", "2nd" under "2"): a number from 1 to 9."""
    if not (key.isdecimal() and 1 <= int(key) <= 9):
        raise table.error("expected a button number from 1 to 9", key)
    return table.texts(key, non_empty=True)


_WORD_TABLES: dict[str, Callable[[_Table, str], object]] = {
    "numbers": lambda table, key: table.integer(key, minimum=0),
    "hours": lambda table, key: table.integer(key, minimum=0),
    "days": _weekday,
    "short_days": _weekday,
    "recurring_days": _weekdays,
    "minutes_after_hour": _minutes_after_hour,
    "unit_delays": lambda table, key: table.integer(key, minimum=1),
    "half_past_hours": lambda table, key: _hour(table, key),
    "topics": lambda table, key: table.texts(key, non_empty=True),
    "answers": lambda table, key: table.texts(key, non_empty=True),
    "risks": lambda table, key: table.texts(key, non_empty=True),
    "mentions": lambda table, key: table.texts(key, non_empty=True),
    "ordinals": lambda table, key: _ordinal(table, key),
    "concepts": lambda table, key: table.texts(key, non_empty=True),
}


def _word_section(table: _Table, cls: type[T]) -> T:
    """A [section] of a language file: every field of `cls` is a list of words, or a table in `_WORD_TABLES`;
    a field with a default may be left out."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    table.only(*(f.name for f in fields))
    values = {
        f.name: table.mapping(f.name, _WORD_TABLES[f.name])
        if f.name in _WORD_TABLES
        else table.texts(f.name, required=f.default is dataclasses.MISSING)
        for f in fields
        if f.name in table.data or (f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
    }
    return cls(**values)


def _language_words(lang: str, table: _Table) -> LanguageWords:
    table.only("stemmer", "stems", "matching", "negation", "intents", "red_flags", "safety", "when", "conversation")
    stems = table.table("stems")
    stems.only("irregular", "synonyms")
    return LanguageWords(
        lang=lang,
        stems=Stems(
            stemmer=table.choice("stemmer", STEMMERS),
            irregular=stems.mapping("irregular", lambda t, key: t.text(key)),
            synonyms=stems.mapping("synonyms", lambda t, key: t.texts(key, non_empty=True)),
        ),
        matching=_word_section(table.table("matching"), MatchingWords),
        negation=_word_section(table.table("negation"), NegationWords),
        intents=_word_section(table.table("intents"), IntentWords),
        red_flags=_word_section(table.table("red_flags"), RedFlagWords),
        safety=_word_section(table.table("safety"), SafetyWords),
        when=_word_section(table.table("when"), WhenWords),
        conversation=_word_section(table.table("conversation"), ConversationWords),
    )


def _read(directory: Path, name: str) -> _Table:
    path = directory / name
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ContentError(f"{name}: file is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{name}: not valid TOML: {error}") from None
    return _Table(name, "", data)


_ABOUT_MESSAGES = ("reviewed", "reviewed_by", "complete")  # keys about a messages file, not messages


Plurals = dict[str, dict[str, dict[str, str]]]  # language -> plural name -> category -> text


def _messages(directory: Path) -> tuple[dict[str, dict[str, str]], tuple[Translation, ...], Plurals]:
    """messages/<lang>.toml; every language but English says whether it has been reviewed. A [plural.NAME]
    table gives a number's forms by CLDR category ("one", "two", "few", "many", "other"), each with {n}."""
    messages: dict[str, dict[str, str]] = {}
    plurals: Plurals = {}
    reviews: list[Translation] = []
    for path in sorted((directory / "messages").glob("*.toml")):
        lang = path.stem
        name = f"messages/{path.name}"
        if not _LANG.match(lang):
            raise ContentError(f"{name}: (file name): not a language code (like en.toml, ar.toml)")
        table = _read(directory, name)
        if lang != "en":
            reviewer = table.text("reviewed_by", default="", empty_ok=True)
            complete = table.boolean("complete") if "complete" in table.data else True
            reviews.append(Translation(name, lang, "messages/en.toml", table.boolean("reviewed"), reviewer, complete))
        if "plural" in table.data:
            plural = table.table("plural")
            plurals[lang] = {name: _plural_forms(plural.table(name), lang) for name in plural.data}
        messages[lang] = {key: table.text(key) for key in table.data if key not in _ABOUT_MESSAGES and key != "plural"}
    return messages, tuple(reviews), plurals


def _plural_forms(table: _Table, lang: str) -> dict[str, str]:
    allowed = plural_categories(lang)
    table.only(*sorted(allowed))
    forms = {category: table.text(category) for category in table.data}
    if "other" not in forms:
        raise table.error("missing", "other")
    return forms


def _words_by_language(directory: Path) -> dict[str, LanguageWords]:
    """languages/<lang>.toml, one per language; English is required (every other language falls back to it)."""
    found: dict[str, LanguageWords] = {}
    for path in sorted((directory / "languages").glob("*.toml")):
        name = f"languages/{path.name}"
        if not _LANG.match(path.stem):
            raise ContentError(f"{name}: (file name): not a language code (like en.toml, ar.toml)")
        found[path.stem] = _language_words(path.stem, _read(directory, name))
    if "en" not in found:
        raise ContentError("languages/en.toml: file is missing (English is the fallback for every language)")
    return found


def _languages(tables: Iterable[Mapping[str, object]]) -> tuple[str, ...]:
    """Every language with any text, English first, the rest in order of first appearance."""
    seen: dict[str, None] = {"en": None}
    for texts in tables:
        for lang in texts:
            seen.setdefault(lang, None)
    return tuple(seen)


TRANSLATED = ("points.toml", "zones.toml", "symptoms.toml", "safety.toml", "faq.toml", "intents.toml")


def _translations(directory: Path) -> tuple[dict[str, list[tuple[str, _Table]]], tuple[Translation, ...]]:
    """text/<lang>/<file>.toml: the texts of one content file in one language, by file; each file says
    whether a native clinician has reviewed it."""
    by_file: dict[str, list[tuple[str, _Table]]] = {}
    found: list[Translation] = []
    for folder in sorted(p for p in (directory / "text").glob("*") if p.is_dir()):
        lang = folder.name
        for path in sorted(folder.glob("*.toml")):
            name = f"text/{lang}/{path.name}"
            if not _LANG.match(lang):
                raise ContentError(f"{name}: (folder name): not a language code (like ar, ru, ar-Latn)")
            if path.name not in TRANSLATED:
                raise ContentError(f"{name}: (file name): translates none of {', '.join(TRANSLATED)}")
            table = _read(directory, name)
            reviewed = table.boolean("reviewed")
            reviewer = table.text("reviewed_by", default="", empty_ok=True)
            found.append(Translation(name, lang, path.name, reviewed, reviewer))
            by_file.setdefault(path.name, []).append((lang, table))
    return by_file, tuple(found)


def _merged(directory: Path, name: str, translations: Mapping[str, list[tuple[str, _Table]]]) -> _Table:
    """A content file with each translation's texts set in as `<id>.text.<lang>`."""
    table = _read(directory, name)
    for lang, translated in translations.get(name, ()):
        for key, value in translated.data.items():
            if key in ("reviewed", "reviewed_by"):
                continue
            if key not in table.data:
                raise translated.error(f"no such entry in {name}", key)
            entry = table.table(key)
            texts = entry.data.setdefault("text", {})
            if not isinstance(texts, dict) or not isinstance(value, dict):
                raise translated.error("expected a table", key)
            if lang in texts:
                raise translated.error(f"{name} has its '{lang}' text inline too", key)
            texts[lang] = _Sourced(translated.file, key, value)
    return table


def load_content(directory: Path | None = None) -> Content:
    """Load and check every content file in `directory` (default: this package's folder), with the
    translations under text/<lang>/."""
    folder = Path(__file__).resolve().parent if directory is None else Path(directory)
    translations, reviews = _translations(folder)

    def read(name: str) -> _Table:
        return _merged(folder, name, translations)

    views = _views(folder)
    points = {code: _point(code, t, views) for code, t in read("points.toml").entries()}
    zones = {zone_id: _zone(zone_id, t, views) for zone_id, t in read("zones.toml").entries()}
    symptoms = {key: _symptom(key, t) for key, t in read("symptoms.toml").entries()}
    red_flags = tuple(_red_flag(key, t) for key, t in read("safety.toml").entries())
    faqs = {key: _faq(key, t) for key, t in read("faq.toml").entries()}
    intents = {key: _intent(key, t) for key, t in read("intents.toml").entries()}
    messages, message_reviews, plurals = _messages(folder)
    words = _words_by_language(folder)
    texts: list[Mapping[str, object]] = [item.text for item in points.values()]
    texts += [item.text for item in zones.values()]
    texts += [item.text for item in symptoms.values()]
    texts += [flag.phrases for flag in red_flags]
    texts += [faq.questions for faq in faqs.values()]
    texts += [intent.phrases for intent in intents.values()]
    texts.append(messages)
    texts.append(words)
    return Content(
        points=points,
        zones=zones,
        symptoms=symptoms,
        red_flags=red_flags,
        faqs=faqs,
        intents=intents,
        messages=messages,
        plurals=plurals,
        languages=_languages(texts),
        language_words=words,
        translations=message_reviews + reviews,
    )


@functools.cache
def default_content() -> Content:
    """The shipped content, loaded once per process: checked and built from its files the first time, then
    from the cache of built content while no file of the package changes (a tenth of the time)."""
    folder = Path(__file__).resolve().parent
    name = f"content-{source_fingerprint(folder)}"
    found = disk_cache.load_or_build(name, lambda: load_content(folder), family="content-*")
    if len(_DIGESTS) > MAX_DIGESTS:
        _DIGESTS.clear()
    _DIGESTS[id(found)] = (found, name)
    return found


def content_digest(content: Content) -> bytes:
    """Bytes that name everything a content object is made of, for the fingerprints of what is built from
    it: the shipped content's source fingerprint (its files and the code that reads them), else its pickle
    (tens of milliseconds: content made in a test, or changed)."""
    known = _DIGESTS.get(id(content))
    if known is not None and known[0] is content:
        return known[1].encode()
    return pickle.dumps(content, protocol=pickle.HIGHEST_PROTOCOL)


MAX_DIGESTS = 64
_DIGESTS: dict[int, tuple[Content, str]] = {}  # id -> the shipped content object and its source fingerprint


def source_fingerprint(folder: Path) -> str:
    """A name for a content folder as it is now: every file's path and bytes (content and the code that
    reads it, the picture views' reader too), and the Python version (pickles depend on it)."""
    digest = hashlib.sha256(sys.version.encode())
    digest.update(Path(sys.modules[read_views.__module__].__file__ or "").read_bytes())  # reads views.toml
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]
