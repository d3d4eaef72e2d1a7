"""The matcher's index, built once from Content: phrases by stems, a typo vocabulary, intents.

Matching then only looks words up; nothing in the lexicon is normalised again per call.
"""

from __future__ import annotations

import gc
import pickle
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, NamedTuple, SupportsIndex, TypeVar

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.nlu import index_cache
from bot.nlu.normalise import CLAUSE, normalise
from bot.nlu.occurrences import first_words
from bot.nlu.spelling import Speller, real_words
from bot.nlu.when import WhenParser
from bot.nlu.words import Grammar, compile_grammar, stem_table
from content.model import Content, LanguageWords

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text after typo correction, with its stem and clause number."""

    word: str
    stem: str
    clause: int
    edits: int  # letters changed by typo correction; 0 when the word was kept as typed
    known: bool  # a lexicon or common word, not a typo candidate
    filler: bool  # a stopword: does not count when measuring how far apart matched words are


class Phrase(NamedTuple):
    """One phrase of the index for any-order matching, labelled with the id it stands for. A named tuple,
    not a dataclass: a built index holds hundreds of thousands, and tuples load from the index cache
    several times faster."""

    label: str
    text: str  # normalised
    stems: tuple[str, ...]
    content: tuple[str, ...]  # distinct non-filler stems, for any-order matching
    ordered: bool  # any-order matching must still keep phrase order (phrases with "no", "not")
    anchor: str  # the content stem fewest phrases share: the index key for any-order matching


class Packed(Generic[T]):
    """Groups of an index kept as one block of text and read the first time they are asked for.

    A built index holds hundreds of thousands of phrases; as Python objects they take most of a second to
    load from the index cache and hundreds of megabytes. Kept as one UTF-8 block, pickled out of band (PEP
    574), the cache maps it instead of reading it (`content.disk_cache`): a new process touches only the
    pages of the groups its texts need, and processes on one machine share them.
    """

    def __init__(self, groups: Mapping[str, Iterable[str]], read: Callable[[str, list[str]], T]) -> None:
        spans: dict[str, tuple[int, int]] = {}
        parts: list[bytes] = []
        at = 0
        for group, items in groups.items():
            part = _ITEMS.join(items).encode()
            spans[group] = (at, at + len(part))
            parts.append(part)
            at += len(part)
        self._restore(memoryview(b"".join(parts)), spans, read)

    def _restore(
        self, block: memoryview, spans: dict[str, tuple[int, int]], read: Callable[[str, list[str]], T]
    ) -> None:
        self._block = block  # every group's items, UTF-8, one after another
        self._spans = spans  # group -> where its items are in the block
        self._read = read  # (group, its items) -> the group as used
        self._groups: dict[str, T] = {}

    def get(self, group: str) -> T | None:
        """The group, read from the block the first time; None when there is no such group."""
        found = self._groups.get(group)
        if found is None:
            span = self._spans.get(group)
            if span is None:
                return None
            start, end = span
            found = self._groups[group] = self._read(group, str(self._block[start:end], "utf-8").split(_ITEMS))
            gc.freeze()  # kept for good: the collector need never walk it again (see _Languages.__getitem__)
        return found

    def names(self) -> Iterator[str]:
        """Every group's name, none read."""
        return iter(self._spans)

    def items(self) -> Iterator[tuple[str, T]]:
        """Every group, read."""
        for group in self._spans:
            found = self.get(group)
            assert found is not None
            yield group, found

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[object, ...]:
        """Saved without the groups read so far, the block out of band where the protocol allows it."""
        block = pickle.PickleBuffer(self._block) if int(protocol) >= 5 else bytes(self._block)
        return (_unpickle_packed, (block, self._spans, self._read))


def _unpickle_packed(
    block: bytes | memoryview, spans: dict[str, tuple[int, int]], read: Callable[[str, list[str]], T]
) -> Packed[T]:
    packed: Packed[T] = Packed.__new__(Packed)
    packed._restore(memoryview(block), spans, read)
    return packed


_ITEMS, _FIELDS = "\x1e", "\x1f"  # separators no normalised text holds


class PhraseIndex:
    """Phrases of one kind (symptoms, red flags or questions) in one language, kept `Packed` by the word a
    lookup starts from: exact phrases by their first stem, any-order phrases by their anchor, fuzzy
    candidates by their number of words."""

    def __init__(
        self,
        pairs: Iterable[tuple[str, str]],
        words: Grammar,
        *,
        normalised: bool = False,
        verbatim: frozenset[str] = frozenset(),
    ) -> None:
        """`verbatim`: phrases matched word for word only (exactly or with a typo), never in any order."""
        self.size = 0  # how many distinct phrases
        # the stems of the words that hold a phrase's order ("no", "not"): such a word and the one it denies
        # are not in clauses apart ("no bleeding, BABY kicking well" is no "no baby kicking")
        self.negating = frozenset(words.stem(word) for word in words.keep_order)
        # contrast words ("but") that a phrase holds after its first word: there they open no clause, the
        # phrase is matched across them word for word (Urdu "ko daure PAR rahe", seizures befall, where
        # "par" is also "but")
        self.bridges: frozenset[str] = frozenset()
        self.max_size = 0  # the most words a phrase has
        self.word_counts: Counter[str] = Counter()
        texts: dict[str, str] = {}  # every distinct normalised phrase -> its label
        exact: dict[str, str] = {}  # the stems of a phrase, space-joined -> its label ("" for a start only)
        loose: list[tuple[str, str, tuple[str, ...], tuple[str, ...], bool]] = []  # Phrase fields but the anchor
        seen: set[tuple[str, ...]] = set()
        for label, raw in pairs:
            text = raw if normalised else normalise(raw).replace(f" {CLAUSE}", "")
            tokens = text.split()
            self.word_counts.update(tokens)
            if not tokens:
                continue
            self.bridges |= {token for token in tokens[1:] if token in words.contrasts}
            stems = tuple(words.stem(token) for token in tokens)
            texts.setdefault(text, label)
            if stems in seen:
                continue
            seen.add(stems)
            content = tuple(dict.fromkeys(s for t, s in zip(tokens, stems, strict=True) if t not in words.stopwords))
            ordered = any(token in words.keep_order for token in tokens)
            for size in range(1, len(stems)):
                exact.setdefault(" ".join(stems[:size]), "")
            exact[" ".join(stems)] = label
            self.size += 1
            self.max_size = max(self.max_size, len(stems))
            if len(content) >= 2 and text not in verbatim:
                loose.append((label, text, stems, content, ordered))
        by_first: dict[str, list[str]] = {}
        for key, label in exact.items():
            by_first.setdefault(key.split(" ", 1)[0], []).append(f"{key}{_FIELDS}{label}")
        # the exact phrases (and every start of one: a lookup stops at the first that is not) by first stem
        self.exact = Packed(by_first, _read_exact)
        sized: dict[str, list[str]] = {}
        by_word: dict[str, dict[str, list[int]]] = {}
        by_initials: dict[str, dict[str, list[int]]] = {}
        for text, label in texts.items():
            words_of = text.split()
            count = str(len(words_of))
            group = sized.setdefault(count, [])
            for word in set(words_of) if len(words_of) > 1 else ():
                by_word.setdefault(count, {}).setdefault(word, []).append(len(group))
            by_initials.setdefault(count, {}).setdefault(initials(words_of), []).append(len(group))
            group.append(f"{text}{_FIELDS}{label}")
        # fuzzy matching: the texts and labels of each size, and candidates as positions among them by a
        # word of the phrase and by the first letters of its words
        self.sized = Packed(sized, _read_sized)
        self.by_word = Packed({size: _pack_positions(table) for size, table in by_word.items()}, _read_positions)
        self.by_initials = Packed(
            {size: _pack_positions(table) for size, table in by_initials.items()}, _read_positions
        )
        shared = Counter(stem for fields in loose for stem in fields[3])
        by_anchor: dict[str, list[str]] = {}
        for label, text, stems, content, ordered in loose:
            anchor, second = sorted(content, key=lambda stem: (shared[stem], stem))[:2]
            packed = (label, text, " ".join(stems), " ".join(content), "1" if ordered else "", second)
            by_anchor.setdefault(anchor, []).append(_FIELDS.join(packed))
        # any-order phrases by their anchor: the content stem fewest phrases share
        self.by_anchor = Packed(by_anchor, _read_anchored)

    @property
    def texts(self) -> dict[str, str]:
        """Every distinct normalised phrase and its label (for building the typo vocabulary)."""
        return {
            text: label
            for _size, (texts, labels) in self.sized.items()
            for text, label in zip(texts, labels, strict=True)
        }

    def anchored(self, anchor: str) -> Anchored | None:
        """The any-order phrases whose anchor is `anchor`."""
        return self.by_anchor.get(anchor)


def _read_exact(_first: str, items: list[str]) -> dict[str, str]:
    return dict(item.split(_FIELDS, 1) for item in items)


def _read_sized(_size: str, items: list[str]) -> tuple[list[str], list[str]]:
    texts, labels = zip(*(item.split(_FIELDS) for item in items), strict=True)
    return list(texts), list(labels)


def _pack_positions(table: dict[str, list[int]]) -> list[str]:
    return [f"{key}{_FIELDS}{' '.join(map(str, positions))}" for key, positions in table.items()]


def _read_positions(_size: str, items: list[str]) -> dict[str, list[int]]:
    return {key: list(map(int, positions.split())) for key, positions in (item.split(_FIELDS) for item in items)}


class Anchored:
    """The any-order phrases of one anchor, in index order, found by their second content stem (the next
    fewest phrases share): a common anchor ("feel") has hundreds of phrases, and a text holds the second
    stem of few of them."""

    def __init__(self, phrases: tuple[Phrase, ...], seconds: Sequence[str]) -> None:
        self.phrases = phrases
        by_second: dict[str, list[int]] = {}
        for index, second in enumerate(seconds):
            by_second.setdefault(second, []).append(index)
        self._by_second = {second: tuple(found) for second, found in by_second.items()}

    def among(self, stems: Iterable[str]) -> list[Phrase]:
        """The phrases whose second stem is among `stems`, in index order (every phrase that can be found
        in a text whose stems these are)."""
        chosen = [index for stem in stems for index in self._by_second.get(stem, ())]
        chosen.sort()
        return [self.phrases[index] for index in chosen]


def _read_anchored(anchor: str, items: list[str]) -> Anchored:
    phrases, seconds = [], []
    for item in items:
        label, text, stems, content, ordered, second = item.split(_FIELDS)
        phrases.append(Phrase(label, text, tuple(stems.split(" ")), tuple(content.split(" ")), bool(ordered), anchor))
        seconds.append(second)
    return Anchored(tuple(phrases), seconds)


def initials(words: Sequence[str]) -> str:
    """The first letters of words: the part of a phrase a typo seldom changes."""
    return "".join(word[:1] for word in words)


def _by_end(pads: Iterable[str], first: bool) -> dict[str, list[tuple[str, ...]]]:
    """Padding phrases keyed by the word they start (or end) with, longest first."""
    table: dict[str, list[tuple[str, ...]]] = {}
    for pad in sorted((tuple(p.split()) for p in pads), key=len, reverse=True):
        table.setdefault(pad[0] if first else pad[-1], []).append(pad)
    return table


class IntentTable:
    """Intent phrases of one language, as whole normalised strings, and its polite padding."""

    def __init__(
        self, pairs: Iterable[tuple[str, str]], padding_before: Iterable[str] = (), padding_after: Iterable[str] = ()
    ) -> None:
        self.leading_padding = _by_end(padding_before, first=True)  # "can you please" help
        self.trailing_padding = _by_end(padding_after, first=False)  # help "for me"
        self.by_text: dict[str, str] = {}
        for label, raw in pairs:
            self.by_text.setdefault(normalise(raw).replace(f" {CLAUSE}", ""), label)
        self.texts = list(self.by_text)
        self.max_size = max((len(text.split()) for text in self.texts), default=0)


class Language:
    """Everything the matcher needs for one language, built once."""

    def __init__(self, content: Content, lang: str) -> None:
        self.lang = lang
        self.word_lists: LanguageWords = content.words(lang)
        self.words = compile_grammar(self.word_lists)
        negation = self.words.negation
        small = self.words.stopwords | negation.fillers | negation.joiners | negation.hedges
        self.plain_contrasts = self.words.contrasts - small  # a contrast word that is nothing else ends a symptom

        self.symptoms = PhraseIndex(
            ((s.id, p) for s in content.symptoms.values() if lang in s.text for p in s.text[lang].phrases),
            self.words,
        )

        def read(phrase: str) -> str:  # a red-flag phrase as a text is read
            return self._in_senses(normalise(phrase).replace(f" {CLAUSE}", ""))

        self.red_flags = PhraseIndex(
            (
                (f.id, phrase)
                for f in content.red_flags
                for phrase in (
                    *(read(p) for p in f.phrases.get(lang, ())),
                    *content.red_flag_expansions(f, lang, self._reads_as),
                )
            ),
            self.words,
            normalised=True,
            verbatim=frozenset(read(p) for f in content.red_flags for p in f.verbatim.get(lang, ())),
        )
        given: dict[str, list[tuple[str, str]]] = {}
        for flag in content.red_flags:
            for context, phrases in content.red_flag_given(flag, lang, self._reads_as).items():
                given.setdefault(context, []).extend((flag.id, phrase) for phrase in phrases)
        classes = self.word_lists.red_flags.concepts
        # The words of each context a sign may count in (a word class named anywhere in the text), in every
        # language's: a text written in this language but read in another may say it ("ana 7amel w 3andi
        # bleeding": Arabizi's pregnancy, English's bleeding).
        contexts = {name for flag in content.red_flags for lang_given in flag.given.values() for name in lang_given}
        self.red_flag_contexts = {
            name: tuple(tuple(normalise(w).split()) for w in classes[name]) for name in contexts if name in classes
        }
        # a context's name and the red-flag phrases that count in it
        self.red_flags_given = tuple(
            (context, PhraseIndex(pairs, self.words, normalised=True)) for context, pairs in given.items()
        )
        unless: dict[str, list[tuple[str, str]]] = {}
        for flag in content.red_flags:
            for context, phrases in content.red_flag_unless(flag, lang, self._reads_as).items():
                unless.setdefault(context, []).extend((flag.id, phrase) for phrase in phrases)
        # a context (a word class named anywhere in the text) and the red-flag phrases that do not count in it
        self.red_flags_unless = tuple(
            (
                tuple(tuple(normalise(w).split()) for w in classes.get(context, ())),
                PhraseIndex(pairs, self.words, normalised=True),
            )
            for context, pairs in unless.items()
        )
        # the words each context table starts with: a text holding none of them says none of the table
        # (looked at for every text: dozens of tables, most texts name none of them)
        self.unless_firsts = tuple(frozenset(first_words(table)) for table, _index in self.red_flags_unless)
        self.context_firsts = {name: frozenset(first_words(table)) for name, table in self.red_flag_contexts.items()}
        self.faqs = PhraseIndex(
            ((f.id, q) for f in content.faqs.values() for q in f.questions.get(lang, ())), self.words
        )
        self.intents = IntentTable(
            ((i.id, p) for i in content.intents.values() for p in i.phrases.get(lang, ())),
            self.word_lists.intents.padding_before,
            self.word_lists.intents.padding_after,
        )
        counts = self.symptoms.word_counts + self.red_flags.word_counts + self.faqs.word_counts
        for _context, index in self.red_flags_given:
            counts += index.word_counts
        for text in self.intents.texts:
            counts.update(text.split())
        # Every word of the red flags' word classes is a real word, even when a phrase carries only one
        # form of its stem ("slashing"): typo correction must not turn "slashed" into "smashed".
        for members in classes.values():
            counts.update(word for member in members for word in normalise(member).split() if word not in counts)
        vocabulary = set(counts)
        self.vocabulary = frozenset(vocabulary)
        # a form the language lists for a stem is a real word too: "butt" (buttock) is no typo of "but"
        forms = frozenset(word for word in stem_table(self.word_lists) if word.isalpha())
        self.known = self.vocabulary | self.words.common | self.words.stopwords | forms
        self.when = WhenParser(self.word_lists, self.known)
        owners: dict[str, set[str]] = {}  # each word of a symptom or red-flag phrase -> the items using it
        for index in (self.symptoms, self.red_flags):
            for phrase, label in index.texts.items():
                for word in phrase.split():
                    owners.setdefault(word, set()).add(label)
        self.speller = Speller(
            counts,
            (
                (first, second)
                for index in (self.symptoms, self.red_flags, self.faqs)
                for phrase in index.texts
                for first, second in zip(phrase.split(), phrase.split()[1:], strict=False)
            ),
            self.words,
            {word: frozenset(labels) for word, labels in owners.items()},
            real_words(lang),
        )

    def _reads_as(self, word: str) -> tuple[str, ...]:
        """A class word as its stems: class words with the same stems are one phrase ("not" stays)."""
        kept = (w for w in word.split() if w not in self.words.stopwords or w in self.words.keep_order)
        return tuple(self.words.stem(w) for w in kept) or (word,)

    def _in_senses(self, phrase: str) -> str:
        """A red-flag phrase as a text is read for red flags: its words in another sense read as theirs
        ("лучше бы меня НЕ БЫЛО" as "лучше бы меня НЕТ", the way "не было = нет" reads the text)."""
        words = phrase.split()
        stems = [self.words.stem(word) for word in words]
        out: list[str] = []
        index = 0
        while index < len(words):
            for sense, reading in self.words.senses.get(stems[index], ()):
                if tuple(stems[index : index + len(sense)]) == sense:
                    out.extend(reading.split())
                    index += len(sense)
                    break
            else:
                out.append(words[index])
                index += 1
        return " ".join(out) or phrase

    def analyse(self, text: str, fix_limit: int = 80, keep: frozenset[str] = frozenset()) -> tuple[Token, ...]:
        """The tokens of a normalised text; only the first `fix_limit` words are typo-corrected, and only
        words in Latin letters; never a word of `keep` (the words of the language the text is written in,
        when it is read in English for the words mixed in: Hindi "aate", coming, is no "ate")."""
        tokens: list[Token] = []
        clause = 0
        stem, stop, suspect = self.words.stem, self.words.stopwords, self.speller.suspect
        for raw in text.split():
            if raw == CLAUSE:
                clause += 1
                continue
            if raw in keep and raw not in self.known:
                tokens.append(Token(raw, stem(raw), clause, 0, True, raw in stop))
                continue
            if raw in suspect and len(tokens) < fix_limit:
                fixed = self.speller.refix(raw)
                word = fixed[0] if fixed else raw
                tokens.append(Token(word, stem(word), clause, 0, bool(fixed), word in stop))
                continue
            # Latin letters only: in Arabic a word one letter from another is often a real word ("صدغي",
            # my temple, is not "صدري", my chest); Russian and Arabic typos are left to phrase matching.
            if raw in self.known or not raw.isalpha() or not raw.isascii() or len(tokens) >= fix_limit:
                known = raw in self.known or not raw.isalpha()
                tokens.append(Token(raw, stem(raw), clause, 0, known, raw in stop))
                continue
            fixed = self.speller.fix(raw)
            if fixed == (raw,):
                tokens.append(Token(raw, stem(raw), clause, 0, False, False))
            elif len(fixed) == 1:
                edits = int(OSA.distance(raw, fixed[0]))
                tokens.append(Token(fixed[0], stem(fixed[0]), clause, edits, True, fixed[0] in stop))
            else:
                tokens.extend(Token(part, stem(part), clause, 0, True, part in stop) for part in fixed)
        return tuple(tokens)


class RedFlagWords:
    """What a text must hold for any red-flag phrase of a language to be found in it when it is read as
    typed (another language of its script, no typo correction: see `Matcher._scanned`): a word or a stem
    of the phrases, a number (weeks pregnant, a blood pressure reading), the first word of another sense,
    or a long word close enough to a one-word phrase to be read as it. A text holding none of these cannot
    raise a red flag in that language, so its index (hundreds of thousands of phrases) is not even loaded.

    Built from the phrases and word classes themselves, not from the index: every word of every class
    member, which holds every word of every phrase the classes make (the index keeps fewer), so the test
    only ever errs on the side of reading a text.
    """

    def __init__(self, content: Content, lang: str, words: Grammar) -> None:
        classes = content.words(lang).red_flags.concepts
        found: set[str] = set()
        singles: set[str] = set()
        readings = (sense.partition("=")[2] for sense in content.words(lang).red_flags.senses)
        for text in readings:  # a named phrase is read in its senses ("не было" as "нет"), maybe as one word
            found.update(normalise(text).split())
            singles.update(normalise(text).split())
        for flag in content.red_flags:
            for phrase in flag.phrases.get(lang, ()):
                said = normalise(phrase).replace(f" {CLAUSE}", "").split()
                found.update(said)
                if len(said) == 1:
                    singles.update(said)
            given = (concept for concepts in flag.given.get(lang, {}).values() for concept in concepts)
            for concept in (*flag.concepts.get(lang, ()), *given):
                # class members are normalised already, and the index takes them as they are
                slots = [
                    [member.split() for member in classes.get(part[1:-1], ())] if part.startswith("{") else [[part]]
                    for part in concept.split()
                ]
                for slot in slots:
                    found.update(word for member in slot for word in member)
                for index, slot in enumerate(slots):  # one word in all: this slot's, every other slot empty
                    if all(any(not member for member in other) for n, other in enumerate(slots) if n != index):
                        singles.update(member[0] for member in slot if len(member) == 1)
        found.discard(CLAUSE)
        self.words = frozenset(found)
        self.stems = frozenset(words.stem(word) for word in found)
        self.senses = frozenset(words.senses)
        self.stem = words.stem
        by_initial: dict[str, list[str]] = {}
        for single in sorted(singles):
            if len(single) >= FUZZY_SINGLE_LETTERS:
                by_initial.setdefault(single[0], []).append(single)
        self.singles = {initial: tuple(texts) for initial, texts in by_initial.items()}

    def may_raise(self, text: str) -> bool:
        """False when no red-flag phrase of the language can be found in the normalised text."""
        for word in text.split():
            if word in self.words or word.isdigit():
                return True
            stem = self.stem(word)
            if stem in self.stems or stem in self.senses:
                return True
            if len(word) >= FUZZY_SINGLE_LETTERS and word.isalpha() and self._close_to_single(word):
                return True
        return False

    def _close_to_single(self, word: str) -> bool:
        """As `spotting._closest` reads a lone unknown word: a one-word phrase of the same first letter."""
        choices = self.singles.get(word[0], ())
        return (
            bool(choices)
            and process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=SINGLE_FUZZY) is not None
        )


FUZZY_SINGLE_LETTERS = 5  # spotting._closest: a lone word is compared only from five letters
SINGLE_FUZZY = 90.0  # the lowest cutoff a lone word is read at (spotting.WORD_FUZZY, red_flags.RED_FLAG_FUZZY)


class _Languages(Mapping[str, Language]):
    """Each language's index, built the first time a text needs it: English at once, the others when a
    text in their script comes (a process that only ever sees English never builds Russian)."""

    def __init__(self, content: Content, cached: bool = True) -> None:
        self._content = content
        self._built: dict[str, Language] = {}
        self.codes = tuple(content.languages)
        self._cached = cached
        self._fingerprint = index_cache.fingerprint(content) if cached else ""
        # the small word sets read before any index: which language a text is in, and which languages'
        # red flags it may raise
        self.vocabularies = (
            index_cache.load_or_build(
                f"{self._fingerprint}-vocabularies", lambda: Vocabularies(content), family="*-vocabularies"
            )
            if cached
            else Vocabularies(content)
        )

    def __getitem__(self, lang: str) -> Language:
        found = self._built.get(lang)
        if found is None:
            if lang not in self.codes:
                raise KeyError(lang)
            found = self._built[lang] = self._language(lang)
            # The indexes are millions of long-lived objects: left to the collector, each full collection
            # walks them all (a one-second pause now and then while answering). Frozen, it never does.
            gc.freeze()
        return found

    def _language(self, lang: str) -> Language:
        """The language's index, from the cache of built indexes when it holds this content's."""
        if not self._cached:
            return Language(self._content, lang)
        name, family = f"{self._fingerprint}-{lang}", f"*-{lang}"
        return index_cache.load_or_build(name, lambda: Language(self._content, lang), family=family)

    def may_raise(self, lang: str, text: str) -> bool:
        """False when a red flag of `lang` cannot be found in the normalised text read as typed (its
        index then need not be loaded): see `RedFlagWords`."""
        return self.vocabularies.red_flag_words[lang].may_raise(text)

    def __iter__(self) -> Iterator[str]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, lang: object) -> bool:
        return lang in self.codes


def detection_words(content: Content, lang: str) -> frozenset[str]:
    """The words that tell a text is in `lang` (cheap: no index is built): every word of its phrases,
    word classes, common words and stopwords, normalised."""
    words = content.words(lang)
    texts: list[str] = [*words.matching.common, *words.matching.stopwords, *words.negation.cues]
    texts += [p for s in content.symptoms.values() if lang in s.text for p in s.text[lang].phrases]
    texts += [p for i in content.intents.values() for p in i.phrases.get(lang, ())]
    texts += [q for f in content.faqs.values() for q in f.questions.get(lang, ())]
    texts += [p for f in content.red_flags for p in f.phrases.get(lang, ())]
    texts += [w for entries in words.red_flags.concepts.values() for w in entries]
    texts += [*words.stems.irregular, *(w for forms in words.stems.synonyms.values() for w in forms)]
    # a number tells no language ("температура 39" must not make "39 degrees C" Russian)
    return frozenset(
        word for text in texts for word in normalise(text).split() if word != CLAUSE and not word.isdigit()
    )


class Vocabularies:
    """Each language's words, as told apart before any index is loaded."""

    def __init__(self, content: Content) -> None:
        self.detection = {lang: detection_words(content, lang) for lang in content.languages}
        self.red_flag_words = {
            lang: RedFlagWords(content, lang, compile_grammar(content.words(lang))) for lang in content.languages
        }


class Lexicon:
    """Per-language indexes over all of the content, built once (each on first use) and shared."""

    def __init__(self, content: Content) -> None:
        self.languages = _Languages(content)
        if "en" in self.languages:
            self.languages["en"]
        self.kinds = {flag.id: flag.kind for flag in content.red_flags}
        self.severities = {flag.id: flag.severity for flag in content.red_flags}
        # the sign it is when a little child is the one: a toddler's swallowed pills are a poisoning
        self.in_a_little_one = {flag.id: flag.in_a_little_one for flag in content.red_flags if flag.in_a_little_one}

    def language(self, lang: str) -> Language:
        """The index of a content language (English when there is none for `lang`)."""
        return self.languages.get(lang) or self.languages["en"]
