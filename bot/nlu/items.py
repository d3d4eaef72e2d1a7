"""Which points and zones a text asks for by name, alias or code ("KD1", "yong quan", "the arch zone").

Item keys are a point's WHO code ("KI1", "EX-LE11") or "zone:<id>" ("zone:arch"). Every name, alias
and code is normalised and stored without spaces, so "st 44", "st-44" and "ST44", or "yong quan"
and "Yongquan", are one key; the text's words are joined the same way when looked up.

A point is found wherever its code or name appears. A zone's name is an ordinary word ("heel",
"toes"), so a zone counts only when asked for: the whole message is the zone ("arch", "the heel
please"), the word "zone" or "reflex" stands beside it ("heel zone"), or a lookup wording comes
just before it ("show me the arch", "where is the heel"). "My heel hurts" is a symptom, not a lookup.

When a text gives both a code and, beside it, the name of a different point, the name wins: the
clinic's article writes "Duyin (LR1)", but LR1 is Dadun and Duyin is EX-LE11.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.nlu import index_cache
from bot.nlu.normalise import CLAUSE, normalise
from content.model import Content

ZONE_PREFIX = "zone:"
NAME_FUZZY = 85.0  # a close spelling of a point's pinyin name ("yongqan") needs this rapidfuzz ratio
_FUZZY_MIN_LENGTH = 5  # shorter words are never spelling-corrected into a name
_MAX_JOIN = 4  # words joined into one key: "foot governor of tears", "ex le 11"

# Codes the clinic's article uses for another point: used only when the content has no point with
# that code (the content has LR1 Dadun, so a bare "LR1" is Dadun; without it, the article's Duyin).
ARTICLE_CODES = {"LR1": "EX-LE11", "LV1": "EX-LE11"}
# Channel letters other books use, accepted in every lookup: KD1 is KI1, LV3 is LR3.
CHANNEL_ALIASES = {"kd": "ki", "lv": "lr"}
_CHANNEL_OTHER = {ours: theirs for theirs, ours in CHANNEL_ALIASES.items()}

_CODE = re.compile(r"^[a-z]{1,6}\d{1,2}$")  # compact: "ki1", "exle11"
_CODE_SPLIT = re.compile(r"^([a-z]+)(\d+)$")

# Lookup wording, per language: the words that may stand right before a zone's name, the words
# that may stand between (articles), the words that may stand after it, and the words a message
# may have besides the zone's name and still be a lookup ("arch please").
_CUES = {
    "en": (
        "show me",
        "show",
        "where is",
        "where are",
        "where do i find",
        "how do i find",
        "how to find",
        "find",
        "locate",
        "guide me through",
        "guide me on",
        "tell me about",
        "what is",
        "work on",
        "work the",
        "do the",
        "start",
        "start with",
        "try",
        "open",
    )
}
_ARTICLES = {"en": ("the", "my", "a", "me", "your", "both")}
_ZONE_WORDS = {"en": ("zone", "zones", "reflex")}
_AFTER_NAME = {"en": ("please", "again", "of", "on", "for", "point", "points", "zone", "zones", "reflex", "area")}
_POLITE = {"en": ("please", "pls", "plz", "the", "my", "a", "ok", "okay", "now", "again", "area")}


@dataclass(frozen=True, slots=True)
class _Span:
    """A key found in the text: which item, on which words, and whether it was a code."""

    item: str
    start: int
    end: int  # one past the last word
    is_code: bool
    is_zone: bool = False


def _compact(text: str) -> str:
    """A name as one key: normalised, clause marks and spaces dropped ("St-44" -> "st44")."""
    return "".join(word for word in normalise(text).split() if word != CLAUSE)


def _is_code(alias: str) -> bool:
    return bool(_CODE.match(_compact(alias)))


def _name_parts(name: str) -> list[str]:
    """A shown name's parts: "Yongquan (Bubbling Spring)" -> ["Yongquan", "Bubbling Spring"]."""
    head, _, rest = name.partition("(")
    return [part for part in (head.strip(), rest.rstrip(") ").strip()) if part]


def _words(phrases: Iterable[str]) -> set[str]:
    return {word for phrase in phrases for word in normalise(phrase).split() if word != CLAUSE}


class ItemIndex:
    """Every point code, point name and zone name of the content, as keys; build once, then `find`."""

    def __init__(self, content: Content) -> None:
        self.codes: dict[str, str] = {}  # compact code -> WHO code
        self.names: dict[str, str] = {}  # compact name -> WHO code
        self.pinyin: dict[str, str] = {}  # compact pinyin name -> WHO code, for close spellings
        self.zones: dict[str, str] = {}  # compact zone name -> zone id
        for code, point in content.points.items():
            self._add_code(code, code)
            for alias in point.aliases:
                if _is_code(alias):
                    self._add_code(alias, code)
                else:
                    self.names.setdefault(_compact(alias), code)
                    self.pinyin.setdefault(_compact(alias), code)
            for text in point.text.values():
                parts = _name_parts(text.name)
                for index, part in enumerate(parts):
                    self.names.setdefault(_compact(part), code)
                    if index == 0:
                        self.pinyin.setdefault(_compact(part), code)
        for article_code, code in ARTICLE_CODES.items():
            if code in content.points:
                self.codes.setdefault(_compact(article_code), code)
        for zone_id, zone in content.zones.items():
            names = {zone_id.replace("-", " ")} | {text.name for text in zone.text.values()}
            for name in names:
                words = normalise(name).split()
                forms = {" ".join(words)}
                if len(words) > 2 and words[-3:] in (["of", "the", "foot"], ["of", "the", "sole"]):
                    forms.add(" ".join(words[:-3]))  # "ball of the foot" -> "ball"
                for form in list(forms):
                    forms.add(form + "s" if not form.endswith("s") else form.removesuffix("s"))
                for form in forms:
                    self.zones.setdefault(_compact(form), zone_id)
        self.pinyin = {key: code for key, code in self.pinyin.items() if len(key) >= _FUZZY_MIN_LENGTH}
        self._pinyin_keys = list(self.pinyin)
        langs = content.languages
        self.cues = {tuple(cue.split()) for lang in langs for cue in _CUES.get(lang, ())}
        self.articles = {word for lang in langs for word in _ARTICLES.get(lang, ())}
        self.zone_words = {word for lang in langs for word in _ZONE_WORDS.get(lang, ())}
        self.after_name = {word for lang in langs for word in _AFTER_NAME.get(lang, ())}
        self.polite = {word for lang in langs for word in _POLITE.get(lang, ())}
        # Words the bot knows as ordinary language are never respelt into a point's name.
        known = _words(p for s in content.symptoms.values() for t in s.text.values() for p in t.phrases)
        known |= _words(q for f in content.faqs.values() for qs in f.questions.values() for q in qs)
        known |= _words(p for i in content.intents.values() for ps in i.phrases.values() for p in ps)
        for lang in langs:
            known |= {*content.words(lang).matching.common, *content.words(lang).matching.stopwords}
        self.known = frozenset(known - set(self.pinyin))

    @classmethod
    def of(cls, content: Content) -> ItemIndex:
        """The index of the content, from the cache of built indexes when it holds this content's (it takes
        half a second to build)."""
        name = f"{index_cache.fingerprint(content)}-items"
        return index_cache.load_or_build(name, lambda: cls(content), family="*-items")

    def _add_code(self, alias: str, code: str) -> None:
        key = _compact(alias)
        self.codes.setdefault(key, code)
        split = _CODE_SPLIT.match(key)
        if split and split.group(1) in _CHANNEL_OTHER:
            self.codes.setdefault(_CHANNEL_OTHER[split.group(1)] + split.group(2), code)

    def find(self, normalised_text: str) -> tuple[str, ...]:
        """The items a normalised text asks for, in text order, without repeats."""
        words = normalised_text.split()
        spans = self._spans(words)
        spans = self._trust_names(words, spans)
        found: dict[str, None] = {}
        for span in spans:
            if span.is_zone and not self._asks_for_zone(words, span):
                continue
            found.setdefault(span.item, None)
        return tuple(found)

    def _spans(self, words: list[str]) -> list[_Span]:
        """Longest keys first at each word; a word that starts no key may be a close spelling."""
        spans: list[_Span] = []
        start = 0
        while start < len(words):
            span = self._exact_at(words, start) or self._fuzzy_at(words, start)
            if span is None:
                start += 1
                continue
            spans.append(span)
            start = span.end
        return spans

    def _exact_at(self, words: list[str], start: int) -> _Span | None:
        for size in range(_MAX_JOIN, 0, -1):
            end = start + size
            if end > len(words) or CLAUSE in words[start:end]:
                continue
            key = "".join(words[start:end])
            if key in self.codes:
                return _Span(self.codes[key], start, end, is_code=True)
            if key in self.names:
                return _Span(self.names[key], start, end, is_code=False)
            if key in self.zones:
                return _Span(ZONE_PREFIX + self.zones[key], start, end, is_code=False, is_zone=True)
        return None

    def _fuzzy_at(self, words: list[str], start: int) -> _Span | None:
        if words[start] in self.known or not words[start].isalpha():
            return None
        for size in (3, 2, 1):
            end = start + size
            part = words[start:end]
            if end > len(words) or CLAUSE in part or not all(w.isalpha() for w in part):
                continue
            if size > 1 and any(w in self.known for w in part):
                continue
            key = "".join(part)
            if len(key) < _FUZZY_MIN_LENGTH:
                continue
            for name, _, index in process.extract(
                key, self._pinyin_keys, scorer=fuzz.ratio, processor=None, score_cutoff=NAME_FUZZY, limit=3
            ):
                if name[0] == key[0]:
                    return _Span(self.pinyin[self._pinyin_keys[index]], start, end, is_code=False)
        return None

    @staticmethod
    def _trust_names(words: list[str], spans: list[_Span]) -> list[_Span]:
        """Drop a code that stands right beside the name of another point ("LR1 Duyin", "Duyin (LR1)")."""

        def beside(first: _Span, second: _Span) -> bool:
            return first.end <= second.start and all(w == CLAUSE for w in words[first.end : second.start])

        names = [s for s in spans if not s.is_code and not s.is_zone]
        return [
            span
            for span in spans
            if not span.is_code
            or not any(name.item != span.item and (beside(span, name) or beside(name, span)) for name in names)
        ]

    def _asks_for_zone(self, words: list[str], span: _Span) -> bool:
        """A zone's name counts when the message is only the name, says "zone", or asks where it is."""
        before = [w for w in words[: span.start] if w != CLAUSE]
        after = [w for w in words[span.end :] if w != CLAUSE]
        if all(w in self.polite or w in self.zone_words for w in before + after):
            return True
        if (before and before[-1] in self.zone_words) or (after and after[0] in self.zone_words):
            return True
        if len(before) >= 2 and before[-1] in self.articles and before[-2] in self.zone_words:
            return True  # "reflex zone: the heel"
        head = list(words[: span.start])
        while head and head[-1] in self.articles:
            head.pop()
        asked = any(tuple(head[-len(cue) :]) == cue for cue in self.cues if len(head) >= len(cue))
        return asked and (not after or after[0] in self.after_name or words[span.end] == CLAUSE)


def find_items(content: Content, normalised_text: str) -> tuple[str, ...]:
    """The point codes and "zone:<id>" keys a normalised text asks for (builds an index: prefer ItemIndex)."""
    return ItemIndex(content).find(normalised_text)
