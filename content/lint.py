"""Cross-checks of loaded content that the schema alone cannot see (`reflexbot content check`).

Each problem is one human-readable line naming the file and the item; an empty list means clean.
Phrases are compared the way the matcher sees them (its normaliser), so "can't sleep" and
"cant sleep" count as the same phrase. Language files (languages/<lang>.toml): one per content
language, a stemmer the matcher has, no word twice in a list, every word as the normaliser leaves it.
"""

from __future__ import annotations

import dataclasses
import re
import string
from collections.abc import Iterable, Iterator, Mapping

from bot.nlu.normalise import normalise
from bot.nlu.words import STEMMERS
from content.model import EXACT, Content, LanguageWords, plural_categories

ZONE_IDS = ("toes", "ball", "arch", "heel", "inner-edge", "outer-edge")
INTENT_IDS = (
    "help",
    "start-over",
    "about",
    "delete-data",
    "language",
    "remind",
    "reminders-list",
    "reminders-stop",
    "book",
    "clinic",
    "stop",
    "pause",
    "resume",
    "too-painful",
    "better",
    "same",
    "worse",
    "yes",
    "no",
    "ready",
    "greeting",
    "thanks",
    "skip",
    "snooze",
    "lighter",
    "slower",
    "faster",
    "longer-rest",
    "more-options",
    "change-answers",
    "timezone",
    "item-why",
    "item-where",
    "privacy",
    "my-data",
)
MAX_CHOICE_BYTES = 64  # Telegram's callback_data limit

_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CODE = re.compile(r"^(?:[A-Z]{2}\d{1,2}|EX-[A-Z]{2}\d{1,2})$")
_MESSAGE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def _ids(problems: list[str], file: str, ids: Iterable[str]) -> None:
    for item in ids:
        if not _KEBAB.match(item):
            problems.append(f"{file}: {item}: id must be kebab-case ASCII (a-z, 0-9, -)")


def _references(problems: list[str], content: Content) -> None:
    used: set[str] = set()
    for symptom in content.symptoms.values():
        for code in symptom.points:
            if code in content.points:
                used.add(code)
                continue
            point = content.point(code)
            hint = f" (write {point.code}, the WHO code)" if point else ""
            problems.append(f"symptoms.toml: {symptom.id}: unknown point {code}{hint}")
        for zone in symptom.zones:
            if zone not in content.zones:
                problems.append(f"symptoms.toml: {symptom.id}: unknown zone {zone}")
        if not symptom.points and not symptom.zones:
            problems.append(f"symptoms.toml: {symptom.id}: needs at least one point or zone")
        for field, values in (("points", symptom.points), ("zones", symptom.zones)):
            if len(set(values)) != len(values):
                problems.append(f"symptoms.toml: {symptom.id}: {field} lists an item twice")
    for code in content.points:
        if code not in used:
            problems.append(f"points.toml: {code}: no symptom uses this point")
    flags = {flag.id for flag in content.red_flags}
    for flag in content.red_flags:
        if flag.in_a_little_one and flag.in_a_little_one not in flags:
            problems.append(f"safety.toml: {flag.id}: in_a_little_one: unknown red flag {flag.in_a_little_one}")


def _points_and_zones(problems: list[str], content: Content) -> None:
    names: dict[str, str] = {}
    for code, point in content.points.items():
        if not _CODE.match(code):
            problems.append(f"points.toml: {code}: not a WHO-style code (KI1, LR3, EX-LE11)")
        for name in (code, *point.aliases):
            other = names.setdefault(name.upper(), code)
            if other != code:
                problems.append(f"points.toml: {code}: code or alias {name} is also used by {other}")
        if not point.sources:
            problems.append(f"points.toml: {code}: sources must not be empty")
    for zone_id, zone in content.zones.items():
        if zone_id not in ZONE_IDS:
            problems.append(f"zones.toml: {zone_id}: unknown zone id (one of {', '.join(ZONE_IDS)})")
        if not zone.sources:
            problems.append(f"zones.toml: {zone_id}: sources must not be empty")
    for zone_id in ZONE_IDS:
        if zone_id not in content.zones:
            problems.append(f"zones.toml: {zone_id}: zone is missing")
    for intent_id in INTENT_IDS:
        if intent_id not in content.intents:
            problems.append(f"intents.toml: {intent_id}: the engine needs this intent")


def _languages(problems: list[str], content: Content) -> None:
    groups: list[tuple[str, Mapping[str, Mapping[str, object]]]] = [
        ("points.toml", {k: v.text for k, v in content.points.items()}),
        ("zones.toml", {k: v.text for k, v in content.zones.items()}),
        ("symptoms.toml", {k: v.text for k, v in content.symptoms.items()}),
        ("safety.toml", {f.id: f.phrases for f in content.red_flags}),
        ("faq.toml", {k: v.questions for k, v in content.faqs.items()}),
        ("intents.toml", {k: v.phrases for k, v in content.intents.items()}),
    ]
    # A language the bot converses in needs every text; a language it only reads (Arabizi "ar-Latn", answered
    # in Arabic) or answers emergencies in (Tagalog) has the texts it has.
    for lang in content.conversing:
        for file, texts in groups:
            for item_id, by_language in texts.items():
                if lang not in by_language:
                    problems.append(f"{file}: {item_id}: no text in language {lang!r}")


def _fields(template: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:
        return {"(malformed braces)"}


def _messages(problems: list[str], content: Content) -> None:
    reference = content.messages.get("en")
    if reference is None:
        if content.messages:
            problems.append("messages/en.toml: file is missing; English is the reference locale")
        return
    for message_id in reference:
        if not _MESSAGE_ID.match(message_id):
            problems.append(f"messages/en.toml: {message_id}: id must be lower-case ASCII")
    partial = {t.lang for t in content.translations if t.file.startswith("messages/") and not t.complete}
    for lang, table in content.messages.items():
        file = f"messages/{lang}.toml"
        for message_id, text in reference.items():
            if message_id not in table and lang in partial:
                continue  # `complete = false`: the rest is said in English
            if message_id not in table:
                problems.append(f"{file}: {message_id}: missing (present in messages/en.toml)")
            elif _fields(table[message_id]) != _fields(text):
                problems.append(f"{file}: {message_id}: {{fields}} differ from messages/en.toml")
        for message_id in table:
            if message_id not in reference:
                problems.append(f"{file}: {message_id}: not in messages/en.toml")
        _plurals(problems, content, lang, table)


def _specs(template: str) -> set[str]:
    try:
        return {spec for _, name, spec, _ in string.Formatter().parse(template) if name is not None and spec}
    except ValueError:
        return set()


def _plurals(problems: list[str], content: Content, lang: str, table: Mapping[str, str]) -> None:
    """Each "{count:NAME}" names a [plural.NAME] of the same file that has every category of the language."""
    file = f"messages/{lang}.toml"
    plurals = content.plurals.get(lang, {})
    for message_id, text in table.items():
        for spec in _specs(text):
            if spec not in plurals:
                problems.append(f"{file}: {message_id}: {{…:{spec}}} names no [plural.{spec}]")
    for name, forms in plurals.items():
        for category in sorted(plural_categories(lang) - set(forms)):
            problems.append(f"{file}: plural.{name}: no {category!r} form (Babel's rules for {lang!r} have it)")
        for category, form in forms.items():
            if category not in ("zero", "one", "two") and "{n}" not in form:
                problems.append(f"{file}: plural.{name}.{category}: says no {{n}}")


def _phrases(problems: list[str], content: Content) -> None:
    for lang in content.languages:
        owner: dict[str, str] = {}
        for symptom in content.symptoms.values():
            text = symptom.text.get(lang)
            for phrase in text.phrases if text else ():
                key = normalise(phrase)
                if not key:
                    problems.append(f"symptoms.toml: {symptom.id}: phrase {phrase!r} has no words")
                    continue
                other = owner.setdefault(key, symptom.id)
                if other != symptom.id:
                    problems.append(f"symptoms.toml: {symptom.id}: phrase {phrase!r} also belongs to {other}")
        classes = content.words(lang).red_flags.concepts
        stopwords = set(content.words(lang).matching.stopwords)
        for name, entries in classes.items():
            for entry in entries:
                if set(normalise(entry).split()) <= stopwords:
                    problems.append(f"languages/{lang}.toml: red_flags.concepts.{name}: {entry!r} has only stopwords")
        for sense in content.words(lang).red_flags.senses:
            for word in (word.removeprefix(EXACT) for word in sense.split()):
                if word.startswith("{") and word[1:-1] not in classes:
                    problems.append(f"languages/{lang}.toml: red_flags.senses: {sense!r}: no word class {word}")
        for flag in content.red_flags:
            given = flag.given.get(lang, {})
            unless = flag.unless.get(lang, {})
            for context in given:
                if context not in classes:
                    problems.append(f"safety.toml: {flag.id}: given.{context}: no word class {context}")
            for context in unless:
                if context not in classes:
                    problems.append(f"safety.toml: {flag.id}: unless.{context}: no word class {context}")
            grouped = (c for group in (*given.values(), *unless.values()) for c in group)
            for concept in (*flag.concepts.get(lang, ()), *grouped):
                for word in concept.split():
                    if word.startswith("{") and word[1:-1] not in classes:
                        problems.append(f"safety.toml: {flag.id}: concept {concept!r}: no word class {word}")
            for phrase in content.red_flag_phrases(flag, lang):
                key = normalise(phrase)
                if key in owner:
                    problems.append(
                        f"safety.toml: {flag.id}: phrase {phrase!r} is also a phrase of symptom {owner[key]}"
                    )


def _words_of(sense: str) -> str:
    """A sense with its word classes as plain names: "overdose on {treat}" -> "overdose on treat"."""
    phrase, _, reading = sense.partition(" = ")
    bare = (word.removeprefix(EXACT) for word in phrase.split())  # a word compared as written
    words = [word[1:-1].replace("_", "") if word.startswith("{") else word for word in bare]
    return " ".join([*words, *reading.split()])


def _word_lists(words: LanguageWords) -> Iterator[tuple[str, list[str], bool]]:
    """Every list of a language file as (dotted key, words, whether its keys are words too)."""
    for section in ("matching", "negation", "intents", "red_flags", "safety", "when", "conversation"):
        values = getattr(words, section)
        for field in dataclasses.fields(values):
            value = getattr(values, field.name)
            if field.name in ("senses", "idioms"):  # "overdose on {treat}": the names of word classes are not words
                yield f"{section}.{field.name}", [_words_of(item) for item in value], False
            elif field.name in ("addressed", "others_after"):  # "to my {}": the hole is a person
                yield f"{section}.{field.name}", [item.replace("{}", "x") for item in value], False
            elif field.name == "little_ones":  # "my {n} year old": the hole is a number
                yield f"{section}.{field.name}", [item.replace("{n}", "2") for item in value], False
            elif field.name != "concepts":  # the names of word classes are not words
                yield f"{section}.{field.name}", list(value), isinstance(value, Mapping)
            if isinstance(value, Mapping):
                for key, inner in value.items():
                    if isinstance(inner, tuple) and all(isinstance(word, str) for word in inner):
                        yield f"{section}.{field.name}.{key}", list(inner), False
    yield "stems.irregular", [*words.stems.irregular, *words.stems.irregular.values()], True
    yield "stems.synonyms", list(words.stems.synonyms), True
    for stem, synonyms in words.stems.synonyms.items():
        yield f"stems.synonyms.{stem}", list(synonyms), False


def _language_files(problems: list[str], content: Content) -> None:
    for lang in content.languages:
        if lang not in content.language_words:
            problems.append(f"languages/{lang}.toml: file is missing (content has text in {lang!r})")
    for lang, words in content.language_words.items():
        file = f"languages/{lang}.toml"
        if words.stems.stemmer not in STEMMERS:
            problems.append(f"{file}: stemmer: {words.stems.stemmer!r} is not one of {', '.join(STEMMERS)}")
        for key in ("addressed", "others_after"):
            for pattern in getattr(words.red_flags, key):
                if pattern.count("{}") != 1:
                    problems.append(f"{file}: red_flags.{key}: {pattern!r} must hold one {{}} (the person)")
        for key, items, is_table in _word_lists(words):
            seen: set[str] = set()
            for item in items:
                if item in seen and not is_table:
                    problems.append(f"{file}: {key}: {item!r} is listed twice")
                seen.add(item)
                if normalise(item) != item:
                    seen_as = normalise(item)
                    problems.append(f"{file}: {key}: {item!r} is never seen: the normaliser makes it {seen_as!r}")


def check(content: Content, choice_ids: Iterable[str] = ()) -> list[str]:
    """Every problem found in the content (and in the engine's button ids); [] when clean."""
    problems: list[str] = []
    _ids(problems, "symptoms.toml", content.symptoms)
    _ids(problems, "safety.toml", (flag.id for flag in content.red_flags))
    _ids(problems, "faq.toml", content.faqs)
    _ids(problems, "intents.toml", content.intents)
    _references(problems, content)
    _points_and_zones(problems, content)
    _languages(problems, content)
    _messages(problems, content)
    _phrases(problems, content)
    _language_files(problems, content)
    for choice_id in choice_ids:
        size = len(choice_id.encode("utf-8"))
        if not 1 <= size <= MAX_CHOICE_BYTES:
            problems.append(f"choice id {choice_id!r}: {size} bytes (must be 1-{MAX_CHOICE_BYTES})")
    return problems
