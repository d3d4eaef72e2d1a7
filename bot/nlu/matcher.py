"""The facade the engine uses: one call turns a text into an `Understanding`.

Order matters: red flags first (on up to 2,000 characters), then symptoms, negation, intents,
questions and reminder times (on the first 500). Never raises on any string.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from bot.nlu.faq import match_faq
from bot.nlu.intents import OPENERS, detect_intent, feeling_in
from bot.nlu.language import (
    MIN_SURE_SCORE,
    LanguageGuess,
    base_language,
    dominant_script,
    guess_language,
    script_of,
    scripts_in,
)
from bot.nlu.lexicon import Language, Lexicon, Token
from bot.nlu.normalise import CLAUSE, MATCH_LIMIT, SCAN_LIMIT, normalise
from bot.nlu.red_flags import RedFlagReading, scan_red_flags, told_gestation
from bot.nlu.spotting import Hit
from bot.nlu.symptoms import SymptomMatch, SymptomReading, either_negation, match_symptoms
from bot.nlu.when import When
from content.model import Content

__all__ = ["Matcher", "SymptomMatch", "Understanding"]


@dataclass(frozen=True, slots=True)
class Understanding:
    """Everything the matcher understood in one text."""

    text: str  # the normalised text
    lang: str
    red_flag: str | None  # RedFlag id
    red_flag_kind: str | None  # its kind
    negated_red_flags: tuple[str, ...]
    symptoms: tuple[SymptomMatch, ...]  # confident, best first
    maybe: tuple[SymptomMatch, ...]  # unsure candidates for "did you mean", best first
    negated: tuple[str, ...]  # symptom ids said to be absent
    points: tuple[str, ...]  # WHO codes, most relevant first, merged over symptoms
    zones: tuple[str, ...]
    intent: str | None  # an intents.toml id
    when: When | None  # parsed time phrase, if any
    faq: str | None  # an faq id when the text asks one of the FAQ questions
    severity: str | None = None  # "emergency" (red_flag set), "urgent", "not-self-care" (concern set) or None
    concern: str | None = None  # the id of an urgent or not-self-care sign (red_flag stays None)
    concern_kind: str | None = None  # its kind: picks the message ("urgent.<kind>", "not-self-care.<kind>")
    for_other: bool = False  # the red flag or concern is about someone else ("my husband is clutching his chest")
    read_as: str = ""  # the content language the text was read in ("ar-Latn" for Arabizi; `lang` is "ar")
    lang_sure: bool = True  # the text said enough to tell its language ("ok" or "2" does not)


def _interleave(lists: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """Round-robin merge keeping order and dropping repeats: each symptom's best items come first."""
    columns = list(lists)
    merged: dict[str, None] = {}
    for rank in range(max((len(c) for c in columns), default=0)):
        for column in columns:
            if rank < len(column):
                merged.setdefault(column[rank], None)
    return tuple(merged)


def _prefix(long_text: str, limit: int) -> str:
    """The normalised text cut to about `limit` characters at a word boundary."""
    if len(long_text) <= limit:
        return long_text
    cut = long_text[:limit].rsplit(" ", 1)[0]
    return cut.removesuffix(f" {CLAUSE}")


class Matcher:
    """Understands texts against the content; build once, call from anywhere (it keeps no state)."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self.lexicon = Lexicon(content)
        self._pains: dict[str, tuple[str, ...]] = {}  # a language's pain stems, read once

        words = self.lexicon.languages.vocabularies.detection
        self._whole = words
        english = words.get("en", frozenset())
        # another language written in Latin letters is told by its own words, not by the English ones its
        # lists hold too (code-switching, and English words kept from typo correction)
        self._vocabularies = {
            lang: found - english if lang != "en" and script_of(lang) == "Latn" else found
            for lang, found in words.items()
        }

    def detect_language(self, text: str, prior: str | None = None) -> LanguageGuess:
        """The content language a text is written in and the language to answer in (`prior`, the
        conversation's language, when the text is too short to tell)."""
        return guess_language(normalise(text), self._vocabularies, prior, self._whole)

    def _reading(self, long_text: str, lang: str | None, prior: str | None) -> LanguageGuess:
        """How to read a text: in the language asked for (its variant in the text's script: Arabizi for
        "ar" in Latin letters), else in the language it is written in."""
        languages = self.lexicon.languages
        if lang is None or (lang not in languages and base_language(lang) not in languages):
            return guess_language(long_text, self._vocabularies, prior, self._whole)
        script = dominant_script(long_text)
        family = [code for code in languages if base_language(code) == base_language(lang)]
        read_as = next((code for code in family if script_of(code) == script), lang if lang in languages else "en")
        return LanguageGuess(read_as, base_language(lang), True)

    def _scanned(self, long_text: str, read_as: str) -> dict[str, tuple[Token, ...]]:
        """The text read by every language a red flag may be written in: the one it is read in and English
        (typos fixed), and the other languages of its script (as typed): "mere chest mein dard". In those other
        languages a word the text's own language knows is no misspelling of theirs: Hinglish "MAIN SAB theek
        hoon" is not Arabizi "mai sab" (waters breaking)."""
        languages = self.lexicon.languages
        tokens = {read_as: languages[read_as].analyse(long_text)}
        own = languages[read_as].known
        if "en" in languages and read_as != "en":
            # English words mixed in are typo-corrected, never the text's own words: Hinglish "heart attack AATE
            # aate bacha" (nearly had one) is no "ate"
            tokens["en"] = languages["en"].analyse(long_text, keep=own if script_of(read_as) == "Latn" else frozenset())
        scripts = set(scripts_in(long_text))
        for code in languages:
            if code not in tokens and script_of(code) in scripts and languages.may_raise(code, long_text):
                tokens[code] = languages[code].analyse(long_text, fix_limit=0)
        for code, read in tokens.items():
            if code != read_as:
                tokens[code] = tuple(
                    replace(token, known=True) if not token.known and token.word in own else token for token in read
                )
        return tokens

    def _symptoms(self, language: Language, tokens: Sequence[Token], short_text: str) -> SymptomReading:
        """The symptoms a text names in the language it is read in, and English ones mixed in: "عندي
        headache", "ana stressed" (English words as written, under the language's negation words too)."""
        reading = match_symptoms(language, tokens)
        english = self.lexicon.languages.get("en")
        if english is None or language.lang == "en" or "Latn" not in scripts_in(short_text):
            return reading
        negation = either_negation(english.words.negation, language.words.negation)
        english_tokens = english.analyse(short_text, fix_limit=0)
        mixed_in = match_symptoms(english, english_tokens, fuzzy=False, negation=negation)
        reading = reading.merged(mixed_in)
        for reader, bridged in self._pain_bridged(language, tokens, english, english_tokens):
            reading = reading.merged(match_symptoms(reader, bridged, fuzzy=False, negation=negation))
        return reading

    def _pain_bridged(
        self, language: Language, tokens: Sequence[Token], english: Language, english_tokens: Sequence[Token]
    ) -> list[tuple[Language, tuple[Token, ...]]]:
        """A body part named in one language and its pain in the other ("my back болит", "спина hurts",
        "ظهري pain"): the text again, with the other language's pain words as the reader's own."""
        if len(tokens) != len(english_tokens) or not language.words.pain or not english.words.pain:
            return []
        theirs, ours = self._pain_stems(language), self._pain_stems(english)
        bridged: list[tuple[Language, tuple[Token, ...]]] = []
        for reader, own, pain, other in (
            (english, english_tokens, ours, [t.stem in theirs for t in tokens]),
            (language, tokens, theirs, [t.stem in ours for t in english_tokens]),
        ):
            if any(other):
                word, stem = reader.words.pain[0], pain[0]
                bridged.append(
                    (
                        reader,
                        tuple(
                            replace(t, word=word, stem=stem, known=True, filler=False) if said else t
                            for t, said in zip(own, other, strict=True)
                        ),
                    )
                )
        return bridged

    def _pain_stems(self, language: Language) -> tuple[str, ...]:
        """The stems of a language's pain words ("болит", "وجع", "pain"), its first pain word's first."""
        known = self._pains.get(language.lang)
        if known is None:
            stems = (t.stem for t in language.analyse(" ".join(language.words.pain), fix_limit=0))
            known = tuple(dict.fromkeys(stems))
            self._pains[language.lang] = known
        return known

    def _mixed_in(self, long_text: str, read_as: str) -> str | None:
        """The language a text read in English mixes in, by its own words (two or more, more than any other
        language's): "exam namin bukas tungkol sa stroke at heart attack, nursing student ako" is Taglish, its
        English words outnumbering the Tagalog ones; the English reading then tells a history, a topic, a
        negation or whom it is about by that language's words as well."""
        if read_as != "en":
            return None
        words = long_text.split()
        scores = {
            lang: sum(1 for word in words if word in known)
            for lang, known in self._vocabularies.items()
            if lang != "en" and script_of(lang) == "Latn"
        }
        best = max(scores.values(), default=0)
        leaders = [lang for lang, score in scores.items() if score == best]
        return leaders[0] if best >= MIN_SURE_SCORE and len(leaders) == 1 else None

    def _red_flags(
        self,
        long_tokens: dict[str, tuple[Token, ...]],
        lang: str,
        symptom_hits: Sequence[Hit],
        mixed_in: str | None = None,
    ) -> RedFlagReading:
        negated: list[str] = []
        for code, tokens in long_tokens.items():
            language = self.lexicon.languages[code]
            told_as = (mixed_in if code == lang else lang) or None
            told = None if told_as is None or told_as == code else self.lexicon.languages[told_as]
            hits = symptom_hits if code == lang else ()
            reading = scan_red_flags(
                language,
                tokens,
                self.lexicon.kinds,
                hits,
                self.lexicon.severities,
                None if told is None else told.words,
                None if told is None else told.red_flag_contexts,
                mixed=code == lang,
                told_reading=None if told is None or code == lang else (told, long_tokens.get(lang, ())),
            )
            if reading.flag is not None:
                return self._in_a_little_one(reading)
            negated.extend(reading.negated)
        return RedFlagReading(None, None, tuple(dict.fromkeys(negated)))

    def _in_a_little_one(self, reading: RedFlagReading) -> RedFlagReading:
        """A sign read as what it is in a little child: "my toddler swallowed my pills" is a poisoning by accident,
        with its advice ("stay with them, nothing to eat or drink"), not a self-harm's ("these thoughts")."""
        instead = self.lexicon.in_a_little_one.get(reading.flag or "") if reading.little_one else None
        if instead is None:
            return reading
        return replace(
            reading, flag=instead, kind=self.lexicon.kinds[instead], severity=self.lexicon.severities[instead]
        )

    def gestation_read(self, understood: Understanding) -> tuple[str, ...]:
        """The understood text's words (typos fixed), a week or month of pregnancy told in them read as the word
        "pregnant" of its language: "im 30 weeks and bloated", "я на 30 неделе" (bot/nlu/red_flags.py)."""
        language = self.lexicon.languages.get(understood.read_as)
        if language is None:
            return tuple(word for word in understood.text.split() if word != CLAUSE)
        return told_gestation(language.analyse(understood.text), language.words)

    def feeling(self, understood: Understanding) -> str | None:
        """ "better", "same" or "worse" said in a longer answer to "how do you feel now?" ("a bit better I
        think", "thoda better"), in the language the text was read as, or in English words within it."""
        readers = dict.fromkeys((understood.read_as, "en"))
        for code in readers:
            if code not in self.lexicon.languages:
                continue
            language = self.lexicon.language(code)
            found = feeling_in(language.intents, understood.text, language.words.negation.cues)
            if found is not None:
                return found
        return None

    def understand(self, text: str, lang: str | None = None, prior: str | None = None) -> Understanding:
        """What a text says: red flag, symptoms (and absent ones), points, zones, intent, time, FAQ.
        `lang` forces the language (as `reflexbot match --lang`); else it is detected, `prior` (the
        conversation's language) deciding when the text is too short to tell."""
        if not isinstance(text, str):
            text = ""
        long_text = normalise(text, SCAN_LIMIT)
        short_text = _prefix(long_text, MATCH_LIMIT)
        guess = self._reading(long_text, lang, prior)
        lang = guess.answer_in
        language = self.lexicon.language(guess.read_as)
        long_tokens = self._scanned(long_text, language.lang)
        tokens = long_tokens[language.lang] if short_text == long_text else language.analyse(short_text)
        reading = self._symptoms(language, tokens, short_text)
        red = self._red_flags(long_tokens, language.lang, reading.hits, self._mixed_in(long_text, language.lang))
        for bare in reading.bare if red.flag is None else ():  # "my head doesn't hurt, my CHEST does"
            found = self._red_flags({language.lang: language.analyse(bare)}, language.lang, ())
            if found.flag is not None:
                red = replace(found, negated=red.negated)
                break
        english = self.lexicon.languages.get("en")
        if red.flag is None and english is not None and "en" in long_tokens and language.lang != "en":
            # the text's own language first, then another of its scripts read beside it: Cyrillic Russian with
            # translit in it, "my husband chest bolit сильно" (the pain in ru-Latn, the chest in English)
            bridges = (
                pair
                for code in dict.fromkeys((language.lang, *long_tokens))
                if code != "en"
                for pair in self._pain_bridged(
                    self.lexicon.languages[code], long_tokens[code], english, long_tokens["en"]
                )
            )
            for reader, bridged in bridges:
                found = self._red_flags({reader.lang: bridged}, language.lang, ())  # "my chest болит"
                if found.flag is not None:
                    red = replace(found, negated=red.negated)
                    break
        if red.flag is not None and red.severity == "emergency":
            return Understanding(
                short_text,
                lang,
                red.flag,
                red.kind,
                red.negated,
                (),
                (),
                (),
                (),
                (),
                None,
                None,
                None,
                severity="emergency",
                for_other=red.for_other,
                read_as=language.lang,
                lang_sure=guess.sure,
            )
        unsure = not reading.confident and not reading.maybe
        intent = detect_intent(language.intents, short_text, fuzzy=unsure)
        faq = match_faq(language, tokens)
        symptoms, maybe = reading.confident, reading.maybe
        if intent in OPENERS and (symptoms or faq):
            intent = None
        concern = red.flag  # urgent or not for self-care: no points
        chosen = [self.content.symptoms[s.id] for s in symptoms if s.id in self.content.symptoms and not concern]
        return Understanding(
            text=short_text,
            lang=lang,
            red_flag=None,
            red_flag_kind=None,
            negated_red_flags=red.negated,
            symptoms=symptoms,
            maybe=maybe,
            negated=reading.negated,
            points=_interleave(s.points for s in chosen),
            zones=_interleave(s.zones for s in chosen),
            intent=intent,
            when=language.when.parse(short_text),
            faq=faq,
            severity=red.severity,
            concern=concern,
            concern_kind=red.kind if concern else None,
            for_other=red.for_other,
            read_as=language.lang,
            lang_sure=guess.sure,
        )
