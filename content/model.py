"""The knowledge base as frozen, validated data: what the TOML files in content/ become once loaded."""

from __future__ import annotations

import functools
import itertools
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import babel

EXACT = "+"
"""Before a word of a red-flag sense (not its first): that word follows the one before at once, no filler between,
and is compared as written, not by its stem, so a case tells ("боится +{feared_sign}": "мама боится ИНСУЛЬТА" is
her fear; "боится что у нее ИНСУЛЬТ" is a suspicion of now, the same stem). Read by bot/nlu/words.py."""


class Pregnancy(StrEnum):
    """How a point stands in pregnancy (reference/acupoints.md)."""

    NONE = "none"
    CAUTION = "caution"
    FORBIDDEN = "forbidden"


class Region(StrEnum):
    """Where on the body a point or zone is worked; safety rules act on regions."""

    FOOT = "foot"
    ANKLE = "ankle"
    LEG = "leg"


@dataclass(frozen=True, slots=True)
class Technique:
    """How to press: one round is `reps` presses of `press_seconds` with `rest_seconds` between them.

    `rounds` rounds are done with `round_rest_seconds` between rounds. When `rest_seconds` is 0 the
    presses of a round run together ("press 10 times") and are guided as one step.
    """

    tool: str  # "thumb", "thumb-circles", "knuckle", "finger", "thumb-walk"
    press_seconds: int
    rest_seconds: int
    reps: int
    rounds: int = 1
    round_rest_seconds: int = 0


@dataclass(frozen=True, slots=True)
class Place:
    """Where an item is drawn: a view of the right foot and a marker (point) or a polygon (zone),
    in the view's 1000×1000 box (x right, y down); the left foot is drawn mirrored."""

    view: str  # a view in content/views.toml: "sole", "top", "inner", "outer", "leg-outer"
    at: tuple[float, float] | None = None  # a point's marker
    area: tuple[tuple[float, float], ...] = ()  # a zone's polygon


@dataclass(frozen=True, slots=True)
class PointText:
    """A point's words in one language."""

    name: str  # "Yongquan (Bubbling Spring)"
    location: str  # where it is, with body-inch (cun) guidance
    how: str  # how to press, in a sentence or two
    why: str  # what it is traditionally used for, phrased as tradition, never as a cure
    safety: str = ""  # extra care notes, may be empty


@dataclass(frozen=True, slots=True)
class Point:
    """An acupoint, stored and shown by its WHO code (KI1, EX-LE11)."""

    code: str
    aliases: tuple[str, ...]  # other spellings accepted on lookup, e.g. ("KD1",)
    region: Region
    bilateral: bool  # worked on the left foot/leg, then the right
    pregnancy: Pregnancy
    technique: Technique
    text: dict[str, PointText]  # by language code
    sources: tuple[str, ...]
    place: Place  # where it is drawn


@dataclass(frozen=True, slots=True)
class ZoneText:
    """A reflex zone's words in one language."""

    name: str
    location: str
    body_areas: str
    how: str


@dataclass(frozen=True, slots=True)
class Zone:
    """A reflex zone of the sole; id is one of toes, ball, arch, heel, inner-edge, outer-edge."""

    id: str
    technique: Technique
    text: dict[str, ZoneText]
    sources: tuple[str, ...]
    place: Place  # where it is drawn (a polygon)


@dataclass(frozen=True, slots=True)
class SymptomText:
    """A symptom's words in one language: how it is shown and every way people say it."""

    label: str  # shown to the person: "bloating"
    phrases: tuple[str, ...]  # synonyms, slang and common misspellings, all matched the same


@dataclass(frozen=True, slots=True)
class Symptom:
    """Something a person may feel, mapped to points and zones, most relevant first."""

    id: str
    points: tuple[str, ...]  # WHO codes
    zones: tuple[str, ...]
    text: dict[str, SymptomText]


@dataclass(frozen=True, slots=True)
class RedFlag:
    """A sign that is not for self-care: an emergency stops everything and gets emergency advice; an
    urgent sign sends the person to a doctor today; a not-self-care sign to the clinic. `kind` picks the
    message. `concepts` describe the sign as combinations of word classes (content/languages/<lang>.toml,
    [red_flags.concepts]): "{chest} {pressure}" stands for every chest word with every pressure word."""

    id: str
    kind: str  # picks the message: "emergency", "self-harm", "dvt", "diabetic-foot", "pregnancy"...
    phrases: dict[str, tuple[str, ...]]  # by language
    severity: str = "emergency"  # "emergency" (998 now), "urgent" (a doctor today), "not-self-care" (the clinic)
    concepts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # by language: "{chest} {pressure}"...
    # by language, then word class: concepts that count when the text names that class anywhere
    # ("pregnant": "{bleed}" — "I'm 14 weeks ... today I noticed bleeding")
    given: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    # by language, then word class: concepts that do not count when the text names that class anywhere
    # ("household": "water broke" — "the kettle broke, water all over the floor"); a sign `given`
    # a context still counts
    unless: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    # by language: phrases (among `phrases`) that count only word for word, because a small word any-order
    # matching skips carries their sense ("what's the point of going ON": living on; "what is going on...
    # no point asking" is not it)
    verbatim: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the red flag it is when a little child is the one (the red-flag words' `little_ones`): pills a toddler
    # swallowed are a poisoning by accident, answered with a poisoning's advice, not a self-harm's ("" when the same)
    in_a_little_one: str = ""


@dataclass(frozen=True, slots=True)
class Faq:
    """A question people ask, the ways they ask it, and a short honest answer."""

    id: str
    questions: dict[str, tuple[str, ...]]
    answer: dict[str, str]
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Intent:
    """A global command ("help", "delete my data", "book") and the ways people say it."""

    id: str
    phrases: dict[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Stems:
    """How a language's words are reduced to stems (`languages/<lang>.toml`, top and [stems])."""

    stemmer: str  # a stemmer's name in bot/nlu/words.py: "english-light", or "none" for whole words
    irregular: Mapping[str, str]  # form -> stem, where the rules would be wrong ("feet" -> "foot")
    synonyms: Mapping[str, tuple[str, ...]]  # stem -> words that share it ("pain" <- "hurt", "sore")


@dataclass(frozen=True, slots=True)
class MatchingWords:
    """[matching]: words that shape how phrases are found."""

    stopwords: tuple[str, ...]  # never decide a match on their own
    keep_order: tuple[str, ...]  # a phrase holding one keeps its word order ("no", "not")
    common: tuple[str, ...]  # real words, never typo-corrected
    # words saying a body part hurts ("pain", "болит"): a part named alone after a denied symptom is read
    # with them ("no headache, just my BACK"); optional, a language without them reads no bare part
    pain: tuple[str, ...] = ()
    # a symptom's words in a figure of speech ("tired of waiting", "the paperwork IS SUCH A HEADACHE"): a
    # symptom found only inside one is not said; optional
    idioms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NegationWords:
    """[negation]: the cues that deny a symptom, and the words that may stand between."""

    cues: tuple[str, ...]
    fillers: tuple[str, ...]
    joiners: tuple[str, ...]  # continue a negated list
    hedges: tuple[str, ...]  # right after a cue, make it a hedge ("not sure")
    gone: tuple[str, ...]  # after a symptom, say it has passed
    gone_fillers: tuple[str, ...]
    starters: tuple[str, ...]  # open a new clause after a joiner
    # right after a cue, an everyday doing, not a symptom: what follows "and" is no part of a denied list ("he does
    # not EAT and vomits blood")
    activities: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IntentWords:
    """[intents]: polite padding dropped around a command."""

    padding_before: tuple[str, ...]
    padding_after: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RedFlagWords:
    """[red_flags]: when a one-word red flag is only a verb ("stroke my foot")."""

    verb_objects: tuple[str, ...]
    verb_subjects: tuple[str, ...]
    past: tuple[str, ...]  # "had a DVT two YEARS AGO": a clause with one of these tells a history
    hypothetical: tuple[str, ...]  # "what to do if my husband has a seizure ONE DAY": not now either
    ages: tuple[str, ...]  # "WHEN I WAS 12": before an age, these tell a history
    others: tuple[str, ...]  # "my HUSBAND is clutching his chest": someone else is meant
    first_person: tuple[str, ...]  # "my husband says I look pale": back to the writer
    addressed: tuple[str, ...]  # "letters TO MY {mum}": whom a thing is for is not the one meant ("{}": `others`)
    addressed_links: tuple[str, ...]  # ...nor those joined to them ("to my mum AND MY sister")
    others_after: tuple[str, ...]  # "ng {}": someone else named after the sign, verb first ("...ng kapatid ko")
    denials: tuple[str, ...]  # "NEVER fainted": deny a red flag (not a symptom)
    idioms: tuple[str, ...]  # "my boss GIVES ME A heart attack": a figure of speech ("{class}": a word class)
    sayings: tuple[str, ...]  # "I wanted to die OF EMBARRASSMENT": a saying, for every kind (self-harm too)
    contrasts: tuple[str, ...]  # "didn't hit my head BUT I passed out": a new clause
    deniable: tuple[str, ...]  # "NOT suicidal": self-harm names a negation right before may deny...
    intending: tuple[str, ...]  # ...over these words: "I DON'T WANT TO hurt myself"
    gestation: tuple[str, ...]  # "30 WEEKS": after a number from 4 to 42, says pregnant...
    gestation_months: tuple[str, ...]  # "I'm 7 MONTHS": after a number from 3 to 9 and `being`...
    being: tuple[str, ...]  # ..."I AM 7 months" (or `along` after: "7 months ALONG")...
    along: tuple[str, ...]
    not_gestation: tuple[str, ...]  # ...not "8 months OLD", "6 months AGO"...
    infants: tuple[str, ...]  # ...nor "my SON is 8 months"
    current: tuple[str, ...]  # "pregnant WITH MY FIRST": the present, though it holds a history marker
    lead: tuple[str, ...]  # "chest pain, THAT WAS years ago": words before a history marker in a short clause
    durations: tuple[str, ...]  # ...unless one of these stands before the number ("FOR 3 weeks")
    # Words in another sense: where one of these runs (in order, fillers between), its words are no red-flag
    # words ("I want to KEEP FIT", "OVERDOSED ON {treat}"), or read as the word after " = " ("blood pressure =
    # bp"); "{class}" stands for a word class of `concepts`
    senses: tuple[str, ...]
    # "BP 155/100", "150 OVER 95": two numbers, or two around one of these, are a blood pressure reading;
    # a high one reads as the first word of the word class `bp_high`
    reading_joints: tuple[str, ...]
    concepts: Mapping[str, tuple[str, ...]]  # word classes the red flags' concepts combine
    # a history before "and NOW" dates nothing after it ("had a stroke last year and now his face is drooping"):
    # one word each, after an "and" of `negation.joiners`...
    now: tuple[str, ...] = ()
    lingering: tuple[str, ...] = ()  # ...unless one of these follows: "and now his arm is STILL weak"
    # a little child named ("my TODDLER", "my 2 YEAR OLD", "the 18 MONTH OLD"; "{n}" a number up to 12): someone
    # else, and a little one (a red flag's `in_a_little_one`: a toddler who swallowed pills was poisoned by accident)
    little_ones: tuple[str, ...] = ()
    # a history that returns now ("had a stroke last year and now IT IS HAPPENING AGAIN", "chest pain last year and
    # ITS BACK"): after the sign, one of these dates it now, unless a negation stands in the three words before it
    recurring: tuple[str, ...] = ()
    # a fear of dying, not a wish ("i feel like i am GOING TO DIE and my chest is crushing"): beside a body's sign it
    # is that sign's fear, and that sign's advice is given; alone it is still read as self-harm
    dread: tuple[str, ...] = ()
    # a week named before its number says pregnant as `gestation` does after it ("انا في الاسبوع 30", "in WEEK 30"),
    # a number from 4 to 42, unless a `not_gestation` word follows the number ("week 5 OF chemo")
    week_of: tuple[str, ...] = ()
    # a clause that opens with one of these after a clause of a story (`hypothetical`) is in that story ("смотрю
    # сериал, ТАМ кто-то истекает кровью"); read as typed, so a stopword ("там") may be one
    in_story: tuple[str, ...] = ()
    # words that close a self-harm denial after its cue as the clause's end does ("мыслей о суициде нет ПРОСТО
    # стресс"), read as typed like the red-flag word class "deny_after", so a stopword may be one
    deny_closers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SafetyWords:
    """[safety]: words the engine reads typed answers to the safety questions with."""

    hedges: tuple[str, ...]  # a hedged answer is asked again
    pregnant: tuple[str, ...]  # say the person is pregnant, unless negated
    negations: tuple[str, ...]
    maybe: tuple[str, ...]  # to "could you be pregnant?", these count as yes
    nothing: tuple[str, ...]  # "none of these" / "nothing applies": words that say none
    plain_no: tuple[str, ...]  # a message of only these words is a plain "no" / "none"
    other_people: tuple[str, ...]  # "my WIFE is pregnant": someone else is meant
    absent: tuple[str, ...]  # "my blood pressure is NORMAL now": the risk is said to be absent
    present: tuple[str, ...]  # "I HAVE high blood pressure": the risk is said to be there
    mistake: tuple[str, ...]  # "I pressed yes by MISTAKE": the last answer is asked again
    topics: dict[str, tuple[str, ...]]  # question id -> the words that speak of it ("bp" -> pressure)
    answers: dict[str, tuple[str, ...]]  # answer id (fever, ate, left...) -> the words that name it
    # Safety facts said in passing (bot/engine/statements.py):
    risks: dict[str, tuple[str, ...]]  # question id -> phrases that name its risk ("warfarin", "heart disease")
    mentions: dict[str, tuple[str, ...]]  # question id -> phrases that need a `present` word ("my BP is HIGH")
    not_risks: tuple[str, ...]  # phrases that only look like a risk ("hay fever")
    first_person: tuple[str, ...]  # "my husband says MY BP is high": back to the writer
    hypothetical: tuple[str, ...]  # "IF my blood pressure is high...": nothing is stated
    breaks: tuple[str, ...]  # "no fever BUT my BP is high": a new clause starts
    foot_parts: tuple[str, ...]  # a wound is on a foot when one of these is in its clause ("a cut on my TOE")
    celsius: tuple[str, ...]  # units of a temperature ("38.7 C")
    fahrenheit: tuple[str, ...]  # ("102 F")
    degrees: tuple[str, ...]  # between a number and its unit ("39 DEGREES C")
    surroundings: tuple[str, ...]  # "it's 40C OUTSIDE": a temperature that is not the body's
    # pregnancy named as a thing, not said of oneself: in a question ("is it safe in PREGNANCY?") it is asked about
    pregnancy_nouns: tuple[str, ...] = ()
    male: tuple[str, ...] = ()  # "are you pregnant?" "I'm a MAN": no
    well: tuple[str, ...] = ()  # "right now, does any of these apply?" "ALL GOOD", "I'm FINE": none of them
    not_hedges: tuple[str, ...] = ()  # phrases holding a hedge word that hedge nothing: "ТОЛЬКО ЧТО поел" (just ate)


@dataclass(frozen=True, slots=True)
class ConversationWords:
    """[conversation]: words the engine reads the rest of a conversation with."""

    once: tuple[str, ...]  # "just tomorrow at 7": a one-off reminder, not a nightly one
    place_cues: tuple[str, ...]  # "I'm IN London now": a place name is about the time zone
    question_words: tuple[str, ...]  # a message starting with one is a question
    answer_filler: tuple[str, ...]  # dropped from a typed answer to buttons ("the", "please")
    children: tuple[str, ...]  # "my SON has a headache": no points are guided for a child
    safe: tuple[str, ...]  # "are you safe now?": "I'm OK", "fine now"...
    not_safe: tuple[str, ...]  # ...unless one of these is there too ("not ok", "still bad"): in doubt, help
    long_units: tuple[str, ...]  # "for 3 WEEKS": weeks or more of a symptom...
    long_cues: tuple[str, ...]  # ...after one of these ("FOR 3 weeks", "SINCE last year")
    long_time: tuple[str, ...]  # "for a LONG TIME"
    tomorrow: tuple[str, ...] = ()  # "remind me TOMORROW at 10pm": the day after today, even before 10pm
    # "the SECOND one", "давай ПЕРВУЮ", "الثاني": a button by its place ("2" -> the words), with `pick_words`
    # ("let's do", "number", "option") the only other words allowed beside it
    ordinals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pick_words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WhenWords:
    """[when]: the words reminder times are said with; bot/nlu/when.py builds its patterns from them."""

    relative: tuple[str, ...]  # "in" 20 minutes
    from_now: tuple[str, ...]  # 20 minutes "from now"
    half_hour: tuple[str, ...]  # in "half an hour"
    and_a_half: tuple[str, ...]
    plus: tuple[str, ...]  # 2 hours "and" 30 minutes
    minute_units: tuple[str, ...]
    hour_units: tuple[str, ...]
    at: tuple[str, ...]  # "at" 9
    oclock: tuple[str, ...]
    am: tuple[str, ...]
    pm: tuple[str, ...]
    half: tuple[str, ...]
    quarter: tuple[str, ...]
    past: tuple[str, ...]
    to: tuple[str, ...]
    noon: tuple[str, ...]
    midnight: tuple[str, ...]
    part_of_day: tuple[str, ...]  # 9 "tonight"
    morning: tuple[str, ...]  # a bare hour near these is a morning hour
    every: tuple[str, ...]
    every_fillers: tuple[str, ...]  # every "single" night
    periods: tuple[str, ...]  # every "night"
    daily: tuple[str, ...]  # "nightly", "once a day"
    unclear_after_every: tuple[str, ...]  # every "other" day: a recurrence not understood
    unclear: tuple[str, ...]  # "weekly", "twice": a recurrence not understood
    on: tuple[str, ...]
    day_range: tuple[str, ...]  # mon "to" fri
    numbers: Mapping[str, int]
    hours: Mapping[str, int]
    days: Mapping[str, int]  # Monday = 0
    short_days: Mapping[str, int]
    recurring_days: Mapping[str, tuple[int, ...]]  # "weekdays" -> (0, 1, 2, 3, 4)
    minutes_after_hour: Mapping[str, int]  # 9 "thirty" -> 30; Arabic "9 ونص" -> 30, "10 الا ربع" -> -15
    unit_delays: Mapping[str, int]  # a delay said by its unit alone after `relative`: "через ЧАС" -> 60
    half_past_hours: Mapping[str, int]  # one word for half past an hour: Russian "полдесятого" -> 9 (9:30)
    night: tuple[str, ...] = ()  # "12:30 AT NIGHT" is after midnight, not after noon


@dataclass(frozen=True, slots=True)
class LanguageWords:
    """One language's word knowledge, from content/languages/<lang>.toml."""

    lang: str
    stems: Stems
    matching: MatchingWords
    negation: NegationWords
    intents: IntentWords
    red_flags: RedFlagWords
    safety: SafetyWords
    when: WhenWords
    conversation: ConversationWords


@dataclass(frozen=True, slots=True)
class Translation:
    """One translation file (content/text/<lang>/<file>.toml) and whether a native clinician has
    reviewed it (`reviewed = true`, `reviewed_by = "name, date"`). A messages file may say `complete = false`:
    it holds only some ids (a language the bot answers emergencies in, but does not converse in)."""

    file: str  # "text/ar/symptoms.toml"
    lang: str
    translates: str  # "symptoms.toml"
    reviewed: bool
    reviewed_by: str = ""
    complete: bool = True  # false: a messages file with only some ids (emergencies); English says the rest


@dataclass(frozen=True, slots=True)
class Content:
    """Everything the engine and the matcher know, loaded once and never changed."""

    points: dict[str, Point]  # by WHO code
    zones: dict[str, Zone]
    symptoms: dict[str, Symptom]
    red_flags: tuple[RedFlag, ...]
    faqs: dict[str, Faq]
    intents: dict[str, Intent]
    messages: dict[str, dict[str, str]]  # language -> message id -> text (str.format fields)
    languages: tuple[str, ...] = field(default=("en",))
    language_words: Mapping[str, LanguageWords] = field(default_factory=dict)  # by language
    translations: tuple[Translation, ...] = ()  # text/<lang>/<file>.toml, with their review status
    # language -> plural name -> CLDR category ("one", "few", ...) -> text with {n}; a message says
    # "{seconds:seconds}" to have its number said with the forms of [plural.seconds] (messages/<lang>.toml)
    plurals: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)

    def point(self, code: str) -> Point | None:
        """Look a point up by code or alias, case-insensitive (KD1 finds KI1)."""
        key = code.strip().upper()
        found = self.points.get(key)
        if found is not None:
            return found
        for point in self.points.values():
            if key in (alias.upper() for alias in point.aliases):
                return point
        return None

    def red_flag_phrases(self, flag: RedFlag, lang: str) -> tuple[str, ...]:
        """A red flag's phrases in a language: its own, then every phrase its concepts stand for."""
        return tuple(dict.fromkeys((*flag.phrases.get(lang, ()), *self.red_flag_expansions(flag, lang))))

    def red_flag_expansions(self, flag: RedFlag, lang: str, same: Same | None = None) -> tuple[str, ...]:
        """The phrases a red flag's concepts stand for (already normalised: the word classes are); with
        `same`, one phrase for class words that read alike (see `expand_concepts`)."""
        return self._expand(flag.concepts.get(lang, ()), lang, same)

    def red_flag_given(self, flag: RedFlag, lang: str, same: Same | None = None) -> dict[str, tuple[str, ...]]:
        """A red flag's phrases that count only in a context, by the word class that makes it."""
        return {c: self._expand(concepts, lang, same) for c, concepts in flag.given.get(lang, {}).items()}

    def red_flag_unless(self, flag: RedFlag, lang: str, same: Same | None = None) -> dict[str, tuple[str, ...]]:
        """A red flag's phrases that do not count in a context, by the word class that makes it."""
        return {c: self._expand(concepts, lang, same) for c, concepts in flag.unless.get(lang, {}).items()}

    def _expand(self, concepts: tuple[str, ...], lang: str, same: Same | None) -> tuple[str, ...]:
        return expand_concepts(concepts, self.words(lang).red_flags.concepts, same)

    @property
    def conversing(self) -> tuple[str, ...]:
        """The languages the bot holds a whole conversation in (offered under "language"): English and
        every language with a complete messages file."""
        partial = {t.lang for t in self.translations if t.file.startswith("messages/") and not t.complete}
        return tuple(lang for lang in self.messages if lang not in partial and "-" not in lang) or ("en",)

    def words(self, lang: str) -> LanguageWords:
        """A language's word lists; English when the language has no languages/<lang>.toml."""
        return self.language_words.get(lang) or self.language_words["en"]

    def message_lang(self, lang: str, message_id: str) -> str:
        """The language a message is written in for a person of `lang`: theirs, its base, else English."""
        return next(
            (code for code in (lang, lang.partition("-")[0]) if message_id in self.messages.get(code, {})), "en"
        )

    def message(self, lang: str, message_id: str, **fields: object) -> str:
        """The text of a message in a language, else in its base language ("ar" for Arabizi, "ar-Latn"),
        else in English; formatted with fields."""
        template = next(
            (
                found
                for code in (lang, lang.partition("-")[0], "en")
                if (found := self.messages.get(code, {}).get(message_id)) is not None
            ),
            None,
        )
        if template is None:
            raise KeyError(message_id)
        if not fields:
            return template
        code = next(c for c in (lang, lang.partition("-")[0], "en") if message_id in self.messages.get(c, {}))
        plurals = self.plurals.get(code, {})
        if plurals.keys().isdisjoint(_format_specs(template)):
            return template.format(**fields)  # no plural in it: plain str.format, several times faster
        return _Plurals(code, plurals).format(template, **fields)


@functools.cache
def babel_locale(lang: str) -> babel.Locale:
    """Babel's locale for a content language ("ar-Latn" -> ar_Latn); English when Babel has none."""
    import babel  # imported here: `match` needs no locale, and Babel takes tens of milliseconds to import

    try:
        return babel.Locale.parse(lang.replace("-", "_"))
    except (ValueError, babel.UnknownLocaleError):
        return babel.Locale("en")


def plural_category(lang: str, number: float) -> str:
    """The CLDR plural category of a number in a language (Babel's rules): "one", "two", "few", "many"..."""
    return babel_locale(lang).plural_form(number)


def plural_categories(lang: str) -> frozenset[str]:
    """The plural categories a language's numbers fall in (Arabic: zero, one, two, few, many, other)."""
    return frozenset(babel_locale(lang).plural_form.tags) | {"other"}


@functools.lru_cache(maxsize=4096)
def _format_specs(template: str) -> frozenset[str]:
    """The format specs a message's fields carry ("{seconds:seconds}" -> "seconds")."""
    return frozenset(spec for _text, field, spec, _conversion in string.Formatter().parse(template) if field and spec)


class _Plurals(string.Formatter):
    """str.format where a field's format spec names a plural ("{seconds:seconds}"): the number is said
    with that plural's form for its category ("{n} ثوانٍ" for 5 in Arabic)."""

    def __init__(self, lang: str, plurals: Mapping[str, Mapping[str, str]]) -> None:
        self.lang, self.plurals = lang, plurals

    def format_field(self, value: object, format_spec: str) -> str:
        forms = self.plurals.get(format_spec)
        if forms is None or isinstance(value, bool) or not isinstance(value, int | float):
            return str(super().format_field(value, "" if forms is not None else format_spec))
        form = forms.get(plural_category(self.lang, value)) or forms["other"]
        return form.replace("{n}", f"{value:g}")


Same = Callable[[str], object]  # what a class word reads as (its stems): words that read alike are one


def expand_concepts(
    concepts: Iterable[str], classes: Mapping[str, tuple[str, ...]], same: Same | None = None
) -> tuple[str, ...]:
    """Every phrase the concepts stand for, in order, once: each "{class}" is every word of that class
    ("{chest} {pressure}" → "chest pain", "chest pressure", ...). With `same`, a class keeps one word of
    those that read alike ("болит", "болело" share a stem): the matcher finds them all by their stems,
    and a product of classes stays small."""
    expanded: dict[str, None] = {}
    for concept in concepts:
        slots = [classes.get(word[1:-1], ()) if word.startswith("{") else (word,) for word in concept.split()]
        if same is not None:
            slots = [tuple({same(word): word for word in reversed(slot)}.values())[::-1] for slot in slots]
        expanded.update(dict.fromkeys(" ".join(words) for words in itertools.product(*slots)))
    return tuple(expanded)
