"""Red-flag detection, run first on every text: an emergency sign stops everything else.

Signs are concepts (content/safety.toml): each a few word classes that together describe it ("{chest}
{pressure}": "an elephant sitting on my chest", "my husband is clutching his chest"), besides its
names. Generous on purpose: any order of words, typos, a whole story (the first 2,000 characters).
- Negation covers its own clause only: "no chest pain but I can't breathe" is a red flag. A red flag the
  text denies ("no chest pain") is reported apart. Self-harm is denied only by a cue right before it
  ("not suicidal, just stressed"); "I don't want to live" stays what it says.
- A clause that tells a history ("had a DVT two years ago", "my dad had a stroke in 2019") is not an
  emergency now.
- A longer symptom phrase that contains a red-flag phrase wins ("can't breathe through my nose").
- Emergencies come before urgent signs, which come before not-self-care ones.
- Someone else may be meant ("my husband is clutching his chest"): the reply then speaks to a helper.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace

from bot.nlu.lexicon import Language, PhraseIndex, Token
from bot.nlu.negation import denied_inside, gone_within, negated_hits, says_its_own, split_at
from bot.nlu.occurrences import first_words, occurrences
from bot.nlu.spotting import CONFIDENT, Hit, resolve, spot
from bot.nlu.symptoms import either_negation
from bot.nlu.words import Grammar, Negation
from content.model import EXACT

RED_FLAG_FUZZY = 90.0  # a misspelt phrase; single words are corrected before (bot/nlu/spelling.py)
# A typo-corrected word of a sign costs a point a letter, not spotting's four: a sign described loosely, its
# words apart, scores just above the bar, so one typo in it ("clear watr from nose") hid an emergency, and a
# correction only ever reaches a word that is no real word.
RED_FLAG_EDIT_COST = 1.0
DENIED_ONLY_CLOSE = frozenset({"self-harm"})  # kinds a negation must stand right before
RANK = {"emergency": 0, "urgent": 1, "not-self-care": 2}
# Among emergencies, whose advice comes first: support for self-harm (it gives 998 too), then pregnancy
# (the maternity unit), then the general 998 advice; "see a doctor today" kinds last.
AFTER_REACH = 4  # words after a sign where the one it is about may be named ("hindi makahinga ang nanay ko")
KIND_ORDER = {"self-harm": 0, "pregnancy": 1, "emergency": 2}
# "BP 155/100": a systolic over a diastolic pressure that can be one; from 140 or over 90 it is high (NICE
# hypertension in pregnancy thresholds)
SYSTOLIC, DIASTOLIC = range(70, 301), range(30, 201)
HIGH_SYSTOLIC, HIGH_DIASTOLIC = 140, 90
CRISIS_SYSTOLIC, CRISIS_DIASTOLIC = 180, 120  # a hypertensive crisis (American Heart Association)
FIRST_YEAR, LAST_YEAR = 1950, 2100  # "in 2019": a year after "in", "since", "back in" tells a history
# ...in Tagalog "noong 2018", "nung 2019"; Hindi and Urdu put it after: "2019 MEIN", "2019 میں"
YEAR_CUES = frozenset({"in", "since", "noong", "nung", "nong", "taong"})
YEAR_AFTER = frozenset({"mein", "me", "में", "ميں"})
# a year right after the sign dates it ("dad had heart attack 2019, now fine"), unless it counts something
NOT_A_YEAR = frozenset({"times", "x", "mg", "ml", "g", "mcg", "units", "steps", "раз", "мг", "мл", "مرة", "مرات"})
MAX_AGE = 99  # "when I was 12": an age
ARABIC_AND = "و"  # written joined to the next word: "وفجأة" (and suddenly)
# a saying holds a sign's words, or stands right beside them ("abi amoot MIN EL D7K": I want to die laughing);
# further off in the clause it is no figure of that sign ("that exam was suicide and I want to kill myself")
SAYING_GAP = 2
NEGATION_FILLERS = 3  # fillers a negation may stand before a context it denies: "di NAMAN AKO buntis"


@dataclass(frozen=True, slots=True)
class RedFlagReading:
    """The sign a text raises (if any), how severe it is, whom it is about, and the ones it denies or
    tells as history."""

    flag: str | None
    kind: str | None
    negated: tuple[str, ...]
    severity: str | None = None
    for_other: bool = False
    history: tuple[str, ...] = ()
    little_one: bool = False  # the one it is about is a little child ("my toddler swallowed my pills")


# A one-word red flag used as a verb on an object is not an emergency: "stroke my foot gently"
# (the words are in content/languages/<lang>.toml, [red_flags]).
def _used_as_verb(hit: Hit, tokens: Sequence[Token], words: Grammar) -> bool:
    if len(hit.positions) != 1 or hit.end >= len(tokens) or tokens[hit.end].clause != tokens[hit.start].clause:
        return False
    before = tokens[hit.start - 1].word if hit.start > 0 else ""
    return tokens[hit.end].word in words.verb_objects and before not in words.verb_subjects


def _covered(hit: Hit, symptom_hits: Sequence[Hit]) -> bool:
    positions = set(hit.positions)
    return any(s.score >= CONFIDENT and positions < set(s.positions) for s in symptom_hits)


def _negation_taken(
    hit: Hit, tokens: Sequence[Token], own_negation: frozenset[str], symptom_hits: Sequence[Hit]
) -> bool:
    """True when a sign's own negation word governs a symptom named between it and the sign's next word ("NOT
    dizzy and breathing fine", "not dizzy, breathing is fine" are no "not breathing"; "not really breathing",
    "can't talk and breathe" still are)."""
    named = {p for s in symptom_hits if s.score >= CONFIDENT for p in s.positions}
    for here, after in zip(hit.positions, hit.positions[1:], strict=False):
        if tokens[here].word in own_negation and named.intersection(range(here + 1, after)):
            return True
    return False


def _clause_words(hit: Hit, tokens: Sequence[Token]) -> list[str]:
    clause = tokens[hit.start].clause
    return [token.word for token in tokens if token.clause == clause]


def _said_in(hit: Hit, tokens: Sequence[Token], phrases: Sequence[tuple[str, ...]]) -> frozenset[int]:
    """The positions of the words of the phrases said in the hit's clause."""
    clause = tokens[hit.start].clause
    where = [index for index, token in enumerate(tokens) if token.clause == clause]
    said = [tokens[index].word for index in where]
    return frozenset(where[position] for found in occurrences(said, phrases) for position in found)


def _holds(said: Sequence[str], phrases: Sequence[tuple[str, ...]]) -> bool:
    """True when one of the phrases occurs in the words."""
    return any(True for _ in occurrences(said, phrases))


def _holds_past(said: Sequence[str], words: Grammar) -> bool:
    """True when a history marker occurs in the words outside a phrase that says the present
    ("pregnant with my first" is now, "with my first" alone is a history), counts left out too ("قبل ٣
    سنين" holds "قبل سنين"), and the words a sense blanked ("всю жизнь = всюжизнь" leaves "всюжизнь _ говорит":
    "дед всю жизнь говорит невнятно" holds "всюжизнь говорит")."""
    for words_said in (said, [word for word in said if word and not word.isdigit()]):
        covered = {position for where in occurrences(words_said, words.current) for position in where}
        if any(not covered.issuperset(where) for where in occurrences(words_said, words.past)):
            return True
    return False


def _looks_back(said: Sequence[str], words: Grammar) -> bool:
    """True when a short clause starts with a history marker: "chest pain, YEARS AGO", "a fit as a child,
    NONE SINCE"."""
    if not 0 < len(said) <= 6:
        return False
    for index in range(len(said)):
        rest = tuple(said[index:])
        if any(rest[: len(p)] == p for p in words.past):
            return True
        if said[index] not in words.lead and not said[index].isdigit():
            return False
    return False


def _dated(hit: Hit, tokens: Sequence[Token]) -> bool:
    """True when a year follows the sign at once: "heart attack 2019", not "chest pain 2000 times worse"."""
    if hit.end >= len(tokens) or tokens[hit.end].clause != tokens[hit.end - 1].clause:
        return False
    word = tokens[hit.end].word
    after = tokens[hit.end + 1].word if hit.end + 1 < len(tokens) else ""
    return word.isdigit() and FIRST_YEAR <= int(word) <= LAST_YEAR and after not in NOT_A_YEAR


def _told_as_history(
    hit: Hit, tokens: Sequence[Token], words: Grammar, opening: frozenset[int], said: list[str]
) -> bool:
    """True when the hit's clause tells a history: "years ago", "history of", "in 2019". `said`: the clause's
    words up to a likening after the sign (`_until_likened`). `opening`: the clauses where a sign starts; a
    short clause after the hit's that looks back tells the hit's history only when it names no sign of its own
    ("chest pain, years ago"; not "chest pain and sweating, a heart attack a year ago": that history is the
    heart attack's)."""
    if _dated(hit, tokens):
        return True
    for index, word in enumerate(said):
        after = said[index + 1] if index + 1 < len(said) else ""
        year = word.isdigit() and FIRST_YEAR <= int(word) <= LAST_YEAR
        if year and ((index and said[index - 1] in YEAR_CUES) or after in YEAR_AFTER):
            return True
    for where in occurrences(said, words.ages):  # "when I was 12"
        if where.stop < len(said) and said[where.stop].isdigit() and 1 <= int(said[where.stop]) <= MAX_AGE:
            return True
    # a sign read across clauses, built on a word of a later one that tells a history: "legs numb and tingling
    # after sitting, had an ACCIDENT years ago"
    for later in sorted({tokens[p].clause for p in hit.positions} - {tokens[hit.start].clause}):
        if _holds_past([token.word for token in tokens if token.clause == later], words):
            return True
    # the next clause that holds words: a comma and a contrast both open one ("кровь из носа шла, но уже
    # остановилась"), and the one between them is empty
    own = tokens[hit.end - 1].clause
    next_clause = min((token.clause for token in tokens[hit.end :] if token.clause > own), default=own + 1)
    following = [token.word for token in tokens if token.clause == next_clause] if next_clause not in opening else []
    if _looks_back(following, words):
        return True
    if words.in_story and _in_story(hit, tokens, words):
        return True
    turned = _from_turn(hit, tokens, words)
    if turned is None:
        return _holds_past(said, words)
    # "I was watching the news and SUDDENLY my dad collapsed": a story or a question before the turn tells
    # nothing of the sign after it; a history still dates the whole clause ("years ago I suddenly fainted")
    return _holds_past(turned, words) or _holds_past(said, replace(words, past=_without(words.past, words.told)))


def _in_story(hit: Hit, tokens: Sequence[Token], words: Grammar) -> bool:
    """True when the hit's clause opens with a word of `in_story` ("there") and the clause of words before it tells a
    story or asks in general (`told`): "смотрю анатомию страсти, ТАМ опять кто-то истекает кровью"."""
    clause = tokens[hit.start].clause
    opening = next(index for index, token in enumerate(tokens) if token.clause == clause)
    if tokens[opening].word not in words.in_story or opening == 0:
        return False
    before = tokens[opening - 1].clause
    return _holds([token.word for token in tokens if token.clause == before], words.told)


def _recurs(hit: Hit, tokens: Sequence[Token], words: Grammar) -> bool:
    """True when a history's sign is said to return after it: "had a stroke last year and now IT IS HAPPENING
    AGAIN", "chest pain last year and ITS BACK" (not "don't want it happening again": a negation in the three words
    before it)."""
    if not words.recurring:
        return False
    after = [token.word for token in tokens[hit.end :]]
    denying = words.negation.cues | words.denials
    found = occurrences(after, words.recurring)
    return any(denying.isdisjoint(after[max(0, where.start - 3) : where.start]) for where in found)


def _until_likened(hit: Hit, tokens: Sequence[Token], said: list[str], words: Grammar) -> list[str]:
    """The hit's clause words up to a likening after the sign ("chest heavy again LIKE WHEN i had my heart attack
    last year": the history after it is the event likened, the sign is now), or the whole clause when there is
    none; a history before the likening still dates the sign ("had chest pain last year like when...")."""
    if not words.likened or tokens[hit.end - 1].clause != tokens[hit.start].clause:
        return said
    found = [where.start for where in occurrences(said, words.likened)]
    if not found:  # the cheap test first: most clauses liken nothing
        return said
    clause = tokens[hit.start].clause
    start = hit.start
    while start > 0 and tokens[start - 1].clause == clause:  # a clause's tokens run on
        start -= 1
    after = [where for where in found if where >= hit.end - start]
    return said[: min(after)] if after else said


def _turn_before(hit: Hit, tokens: Sequence[Token], words: Grammar, turns: frozenset[str]) -> int | None:
    """Where in the hit's clause (counted from its first word) the last "and" + one of `turns` before the sign
    stands ("...the news AND SUDDENLY my dad collapsed", "и вдруг", Arabic "وفجأة" with its "and" joined), or None
    when there is none ("in the film she suddenly collapsed" is still the film's)."""
    clause = tokens[hit.start].clause
    for index in range(hit.start - 1, 0, -1):
        token = tokens[index]
        if token.clause != clause:
            return None
        joined = token.word.startswith(ARABIC_AND) and words.stem(token.word[1:]) in turns
        after_and = token.stem in turns and tokens[index - 1].word in words.negation.joiners
        if joined or after_and:
            return sum(1 for earlier in tokens[:index] if earlier.clause == clause)
    return None


def _from_turn(hit: Hit, tokens: Sequence[Token], words: Grammar) -> list[str] | None:
    """The words of the hit's clause from the last "and suddenly" before it on, or None (`_turn_before`)."""
    at = _turn_before(hit, tokens, words, words.turns)
    return None if at is None else _clause_words(hit, tokens)[at:]


def _without(
    phrases: tuple[tuple[str, ...], ...], left_out: tuple[tuple[str, ...], ...]
) -> tuple[tuple[str, ...], ...]:
    gone = set(left_out)
    return tuple(phrase for phrase in phrases if phrase not in gone)


def _with_words_of(words: Grammar, told_in: Grammar, own: frozenset[str] | None = None) -> Grammar:
    """`words`, telling a history, whom a sign is about and a figure of speech by the words of the language the
    text is written in as well ("pichle saal heart attack aaya tha", "мама упала, not responding"). Made once
    per pair of languages (grammars live as long as their lexicon; the pair is kept with the result).
    `own`: the words of the reading language, when `told_in` is only mixed into a text written in it
    (`Matcher._mixed_in`: "exam namin bukas about stroke, nursing student ako"): its history, topic, people and
    figures of speech are read, and its contrasts that are no word of the text's own open a clause ("nursing
    student ako PERO now my chest is crushing"); its negation is not (Hindi "nahi" follows what it denies:
    "ab bol NAHI rahi properly and vomiting" is no denied list)."""
    pair = (id(words), id(told_in), own is not None)
    known = _MERGED.get(pair)
    if known is not None and known[0] is words and known[1] is told_in:
        return known[2]
    merged = replace(
        words,
        past=words.past + told_in.past,
        told=words.told + told_in.told,
        turns=words.turns | told_in.turns,
        nows=words.nows | told_in.nows,
        lingering=words.lingering + told_in.lingering,
        ages=words.ages + told_in.ages,
        current=words.current + told_in.current,
        lead=words.lead | told_in.lead,
        others=words.others | told_in.others,
        little_ones=words.little_ones + told_in.little_ones,
        recurring=words.recurring + told_in.recurring,
        dread=words.dread + told_in.dread,
        first_person=words.first_person | told_in.first_person,
        negation=either_negation(words.negation, told_in.negation),  # "chest pain NAHI hai"
        deniable=words.deniable + told_in.deniable,  # "main SUICIDE ka nahi soch raha" read as Russian too
        intending=words.intending | told_in.intending,  # "suicide ka koi IRADA nahi"
        deny_after=words.deny_after | told_in.deny_after,
        taken_back=words.taken_back + told_in.taken_back,  # "main suicidal nahi thi LEKIN AB HOON"
        likened=words.likened + told_in.likened,
        in_story=words.in_story | told_in.in_story,
        idioms=words.idioms + told_in.idioms,  # "heart attack aa jayega BILL DEKH KE"
        sayings=words.sayings + told_in.sayings,
        # a contrast of this language that is a small word of the text's own starts no clause: Russian "а", "но"
        # in Latin letters are English "a", "no" ("years ago i had A bad time and thought about suicide")
        contrasts=words.contrasts - told_in.stopwords - told_in.negation.cues,
    )
    if own is not None:
        merged = replace(
            merged,
            negation=words.negation,
            deniable=words.deniable,
            intending=words.intending,
            deny_after=words.deny_after,
            taken_back=words.taken_back,
            contrasts=words.contrasts | (told_in.contrasts - own - words.stopwords),
        )
    if len(_MERGED) > MAX_MERGED:  # lexicons built again and again (tests): never grows without bound
        _MERGED.clear()
    _MERGED[pair] = (words, told_in, merged)
    return merged


MAX_MERGED = 256
_MERGED: dict[tuple[int, int, bool], tuple[Grammar, Grammar, Grammar]] = {}


def _weeks_pregnant(tokens: Sequence[Token], words: Grammar) -> tuple[Token, ...]:
    """The tokens with "30 weeks" / "28 wks" read as "30 pregnant" (a number from 4 to 42 before a
    gestation word, not after a duration word: "for 3 weeks" stays a duration)."""
    marked = list(tokens)
    for index in range(len(tokens) - 1):
        word, after = tokens[index].word, tokens[index + 1]
        if words.pregnant and word in words.week_of and _week_number(tokens, index, words):
            # the number reads "pregnant", the week word stays for what it says beside it ("وانا حامل في الاسبوع")
            marked[index + 1] = _as_pregnant(after, words)
            continue
        # south34: a month of pregnancy in a number word ("बीवी नौ महीने की पेट से है"), read as its digits; months
        # only (a week's number word is rarer and "ek hafte" is a duration)
        in_words = not word.isdigit() and after.word in words.gestation_months and word in words.number_words
        if not words.pregnant or not (word.isdigit() or in_words):
            continue
        following = (
            tokens[index + 2].word if index + 2 < len(tokens) and tokens[index + 2].clause == after.clause else ""
        )
        number = words.number_words[word] if in_words else int(word)
        if after.word in words.gestation_months and 3 <= number <= 9:  # "I am 7 months", "6 months along"
            before = {t.word for t in tokens[:index] if t.clause == after.clause}
            previous = tokens[index - 1].word if index else ""
            if not (previous in words.being or following in words.along):
                continue
            if before & words.infants or following in words.not_gestation:
                continue
        elif in_words or not 4 <= number <= 42 or after.word not in words.gestation or following in words.not_gestation:
            continue  # "6 weeks OLD" is a baby's age
        if index and tokens[index - 1].word in words.durations:
            continue
        marked[index + 1] = _as_pregnant(after, words)
    return tuple(marked)


def told_gestation(tokens: Sequence[Token], words: Grammar) -> tuple[str, ...]:
    """The words of a text with a week or month of pregnancy told of someone read as the language's word for
    pregnant ("I am 30 weeks and bloated", "30 wks along", "she is in week 26"): for the engine's record of a
    pregnancy said in passing. Stricter than the red-flag reading, which may err towards an emergency: a being
    word must come shortly before ("am", "is") or an along word just after, and no little one be named before
    ("my son is 6 weeks")."""
    marked = _weeks_pregnant(tokens, words)
    said = [token.word for token in tokens]
    for index, (token, read) in enumerate(zip(tokens, marked, strict=True)):
        if read is token or not index:
            continue
        start = index - 1  # "30 WEEKS" marks the week word, "week 30" its number: the phrase starts before it
        before = {t.word for t in tokens[:start] if t.clause == token.clause}
        leads = {t.word for t in tokens[max(0, start - 3) : start]}  # "ana fi el osbo3 30"
        follows = tokens[index + 1].word if index + 1 < len(tokens) else ""
        if (leads & words.being or follows in words.along) and not before & words.infants:
            said[index] = words.pregnant
    return tuple(said)


def _as_pregnant(token: Token, words: Grammar) -> Token:
    """The token read as the language's word for pregnant."""
    return replace(token, word=words.pregnant, stem=words.stem(words.pregnant), known=True, filler=False)


def _week_number(tokens: Sequence[Token], index: int, words: Grammar) -> bool:
    """Whether the week word at `index` is a week of pregnancy told before its number: "انا في الاسبوع 30", "in
    week 26" (4 to 42; not "week 30 OF the course", nor "every week 5 TIMES")."""
    number = tokens[index + 1]
    if not number.word.isdigit() or not 4 <= int(number.word) <= 42 or number.clause != tokens[index].clause:
        return False
    following = tokens[index + 2] if index + 2 < len(tokens) else None
    return following is None or following.clause != number.clause or following.word not in words.not_gestation


def _high_readings(tokens: Sequence[Token], words: Grammar) -> tuple[Token, ...]:
    """The tokens with a high blood pressure reading ("155/100", "150 over 95") read as "high" (the first
    word of the word class `bp_high`); a reading is two numbers in a clause, the first the larger. A reading
    of 180/120 or more ("200 over 120"), or a number from 180 right after a blood pressure word ("bp 190"),
    reads as the first word of the class `bp_crisis` when the language has one."""
    marked = list(tokens)
    for index in range(len(tokens)):
        first = tokens[index]
        if not words.high_reading or not first.word.isdigit():
            continue
        after = index + 1
        if after < len(tokens) and tokens[after].word in words.reading_joints and after + 1 < len(tokens):
            after += 1
        second = tokens[after] if after < len(tokens) else None
        if second is None or not second.word.isdigit() or second.clause != first.clause:
            named = _after_bp_word(tokens, index, words)
            if named and words.crisis_reading and CRISIS_SYSTOLIC <= int(first.word) < SYSTOLIC.stop:
                marked[index] = _reading(first, words.crisis_reading, words)  # "bp 190", "الضغط 190"
            continue
        systolic, diastolic = int(first.word), int(second.word)
        reading = systolic in SYSTOLIC and diastolic in DIASTOLIC and systolic > diastolic
        if reading and words.crisis_reading and (systolic >= CRISIS_SYSTOLIC or diastolic >= CRISIS_DIASTOLIC):
            marked[index] = _reading(first, words.crisis_reading, words)
        elif reading and (systolic >= HIGH_SYSTOLIC or diastolic >= HIGH_DIASTOLIC):
            marked[index] = _reading(first, words.high_reading, words)
    return tuple(marked)


def _after_bp_word(tokens: Sequence[Token], index: int, words: Grammar) -> bool:
    """True when a blood pressure word stands before the number at `index` in its clause, fillers and words
    of a high pressure between ("bp 190", "my bp is 190", "pressure very high 200")."""
    clause, before = tokens[index].clause, index - 1
    while (
        before >= max(0, index - 4)
        and (tokens[before].filler or tokens[before].stem in words.bp_high)
        and tokens[before].clause == clause
    ):
        before -= 1
    return before >= 0 and tokens[before].stem in words.bp_ends and tokens[before].clause == clause


def _reading(token: Token, word: str, words: Grammar) -> Token:
    return replace(token, word=word, stem=words.stem(word), known=True, filler=False)


def _other_senses(tokens: Sequence[Token], words: Grammar) -> tuple[Token, ...]:
    """The tokens with the words of a sense ("I want to KEEP FIT", "OVERDOSED ON netflix", "the printer
    IS HAVING A FIT") made blank fillers: they are no red-flag words; a sense that reads as a word
    ("BLOOD PRESSURE = bp") leaves that word in its place. A sense runs in one clause, in order, with only
    fillers between its words. A word already read in a sense starts no other (as Language._in_senses reads
    the phrases): "ещё не было = впервые" leaves no "не было = нет" inside it. Of the senses that start at one
    word, the one of most words is read, the first in the file's order among equals: "сводит икры судорогой"
    is the cramp's whole sense, and "كل شي وما ابي" is "everything, and I don't want", never "كل ما" (whenever)
    across the filler "شي" (both of two words, "كل شي" listed first). A word marked `EXACT` follows at once and
    is compared as written ("мама боится +инсульта", never "боится что у нее инсульт")."""
    masked = list(tokens)
    consumed = 0
    said: set[str] | None = None  # the stems, and the words as written (`EXACT`), a second word of a sense may be
    for start, token in enumerate(tokens):
        if start < consumed:
            continue
        # a first word marked EXACT is compared as written: "+قلبي وقف" (my heart), never "قلبه وقف" (his)
        by_stem = words.senses_by_second.get(token.stem)
        as_written = words.senses_by_second.get(EXACT + token.word)
        if by_stem is None and as_written is None:
            continue
        by_second = by_stem or {}
        if as_written is not None:  # rare: merged only where a sense opens with this word as written
            by_second = dict(by_second)
            for second, group in as_written.items():
                by_second[second] = by_second.get(second, ()) + group
        if said is None:
            said = {t.stem for t in tokens} | {EXACT + t.word for t in tokens} | {""}
        best: tuple[int, str] | None = None  # the end of the sense read at this word, and its reading
        size = 0
        # in the file's order, the first of the most words wins
        for _place, sense, reading in sorted(
            found for second, group in by_second.items() if second in said for found in group
        ):
            end = _sense_end(tokens, start, sense)
            if end is not None and len(sense) > size:
                best, size = (end, reading), len(sense)
        if best is None:
            continue
        end, reading = best
        for position in range(start, end):
            masked[position] = replace(masked[position], word="", stem="", known=True, filler=True)
        if reading:
            masked[start] = replace(token, word=reading, stem=words.stem(reading), known=True, filler=False)
        consumed = end
    return tuple(masked)


def _sense_end(tokens: Sequence[Token], start: int, sense: tuple[str, ...]) -> int | None:
    """Where a sense that starts at `start` ends (its words in order in the clause, only fillers between), or
    None when it is not said there."""
    clause = tokens[start].clause
    index = end = start + 1
    for stem in sense[1:]:
        exact = stem.startswith(EXACT)  # right after the word before, as written: "боится +инсульта"
        while (
            not exact
            and index < len(tokens)
            and tokens[index].clause == clause
            and tokens[index].stem != stem
            and tokens[index].filler
        ):
            index += 1
        if index >= len(tokens) or tokens[index].clause != clause:
            return None
        if (tokens[index].word != stem[len(EXACT) :]) if exact else (tokens[index].stem != stem):
            return None
        index += 1
        end = index
    return end


def _continues(hit: Hit, denied_at: set[int], tokens: Sequence[Token], words: Negation) -> bool:
    """True when a denied hit's list goes on to this one ("my calf is not swollen or red")."""
    index = hit.start - 1
    while index >= 0 and tokens[index].clause == tokens[hit.start].clause:
        if index in denied_at:
            return True
        if tokens[index].word not in words.joiners and tokens[index].word not in words.fillers:
            return False
        index -= 1
    return False


def _listed_after_cue(hit: Hit, tokens: Sequence[Token], words: Negation) -> bool:
    """True when the hit ends a list a negation opens: "no headache OR blurry vision, just puffy ankles"; not
    when the negation denies a doing ("he does not eat AND vomits blood", "not sleeping and chest pain")."""
    clause = tokens[hit.start].clause
    crossed_joiner = False
    for index in range(hit.start - 1, max(-1, hit.start - 8), -1):
        token = tokens[index]
        if token.clause != clause:
            return False
        if token.word in words.joiners:
            if tokens[index + 1].word in words.starters:
                return False  # a new clause: "no fever AND MY chest is crushing"
            crossed_joiner = True
        elif token.word in words.cues:
            following = tokens[index + 1].word
            return crossed_joiner and following not in words.hedges and following not in words.activities
    return False


def _clauses(tokens: Sequence[Token]) -> list[list[str]]:
    """The words of each clause."""
    clauses: dict[int, list[str]] = {}
    for token in tokens:
        clauses.setdefault(token.clause, []).append(token.word)
    return list(clauses.values())


def _context_said(clauses: Sequence[list[str]], context: Sequence[tuple[str, ...]], words: Grammar) -> bool:
    """True when a context ("pregnant") is said in a clause (`_clauses`) that is not a history ("when I was
    pregnant with my son...")."""
    firsts = first_words(context)
    for said in clauses:
        if firsts.isdisjoint(said):
            continue  # the cheap test first: a long story is mostly clauses without the context
        if _names(said, context, words) and not _holds_past(said, words):
            return True
    return False


def _names(said: Sequence[str], context: Sequence[tuple[str, ...]], words: Grammar) -> bool:
    """True when the words name the context, not right after a negation ("NOT pregnant"), the negation's
    fillers let between ("DI naman ako buntis": "I'm not pregnant")."""
    return any(not _after_cue(said, where.start, words.negation) for where in occurrences(said, context))


def _after_cue(said: Sequence[str], start: int, negation: Negation) -> bool:
    """True when a negation cue stands right before `start`: next to it, one word before, or before
    fillers only ("di NAMAN AKO buntis")."""
    if set(said[max(0, start - 2) : start]) & negation.cues:
        return True
    index = start - 1
    while index >= max(0, start - NEGATION_FILLERS - 1) and said[index] in negation.fillers:
        index -= 1
    return index >= 0 and index < start - 1 and said[index] in negation.cues


def _fills(pattern_part: str, word: str, words: Grammar) -> bool:
    """Whether `word` is a person of `others` in the place of "{}" ("{}", or with a prefix: "ل{}")."""
    before, _, after = pattern_part.partition("{}")
    if not (word.startswith(before) and word.endswith(after)) or len(word) <= len(before) + len(after):
        return False
    return word[len(before) : len(word) - len(after)] in words.others


def _filled(tokens: Sequence[Token], patterns: Sequence[tuple[str, ...]], words: Grammar) -> set[int]:
    """Positions of people of `others` standing in the hole of one of the patterns ("to my {}")."""
    said = [token.word for token in tokens]
    found: set[int] = set()
    for pattern in patterns:
        hole = next((index for index, part in enumerate(pattern) if "{}" in part), None)
        if hole is None:  # the lint names it
            continue
        for position, word in enumerate(said):
            start = position - hole
            if start < 0 or start + len(pattern) > len(said) or not _fills(pattern[hole], word, words):
                continue
            if all(said[start + index] == part for index, part in enumerate(pattern) if index != hole):
                found.add(position)
    return found


def _addressed(tokens: Sequence[Token], words: Grammar) -> set[int]:
    """Positions of people a thing is for or written to ("letters TO MY MUM and SISTER", "لامي وابوي", "maa
    KE LIYE"): they are not the one the message is about."""
    found = _filled(tokens, words.addressed, words)
    joined = set(found)
    for position in found:  # "to my mum AND MY SISTER", "MAA AUR papa ke liye"
        for step in (1, -1):
            index = position + step
            while 0 <= index < len(tokens) and tokens[index].clause == tokens[position].clause:
                if tokens[index].word in words.others:
                    joined.add(index)
                elif tokens[index].word not in words.addressed_links:
                    break
                index += step
    return joined


def _named_after(hit: Hit, tokens: Sequence[Token], words: Grammar, addressed: set[int]) -> int | None:
    """The position of the one it is about when named after the sign, as languages that put the verb first do:
    "gusto raw magpakamatay NG KAPATID ko", "hindi makahinga ANG NANAY ko"."""
    if not words.others_after:
        return None
    clause = tokens[hit.end - 1].clause
    reach = range(hit.start, min(len(tokens), hit.end + AFTER_REACH))
    named = _filled(tokens, words.others_after, words) - addressed
    return next((p for p in sorted(named) if p in reach and tokens[p].clause == clause), None)


LITTLE_AGE = 12  # "{n}" in a little one's words stands for a number up to this ("my 2 year old", not "my 40 year old")


def _little_word(pattern: str, word: str) -> bool:
    """A word of a little one's words: itself, or "{n}" (with what stands around it: "{n}yo") over a small number."""
    if "{n}" not in pattern:
        return word == pattern
    before, _, after = pattern.partition("{n}")
    if len(word) <= len(before) + len(after) or not word.startswith(before) or not word.endswith(after):
        return False
    number = word[len(before) : len(word) - len(after)]
    return number.isdigit() and int(number) <= LITTLE_AGE


def _little_ones(tokens: Sequence[Token], words: Grammar) -> frozenset[int]:
    """Positions of a little child named ("my TODDLER", "our 2 YEAR OLD", "the 18 MONTH OLD"), and of a person
    named right after those words ("my 3 year old SON")."""
    found: set[int] = set()
    for phrase in words.little_ones:
        for start in range(len(tokens) - len(phrase) + 1):
            if all(_little_word(part, tokens[start + i].word) for i, part in enumerate(phrase)):
                end = start + len(phrase)
                found.update(range(start, end))
                if end < len(tokens) and tokens[end].word in words.others:
                    found.add(end)
    return frozenset(found)


def _someone_else(
    hit: Hit, tokens: Sequence[Token], words: Grammar, kind: str = "", little: frozenset[int] = frozenset()
) -> int | None:
    """Where the hit speaks of another person, the position of that person: "HIS chest", "my HUSBAND is
    clutching...", "MUM face went funny", "my 2 YEAR OLD swallowed..." (`little`: a little one's words, named
    before it); the nearest person named before it decides (up to 12 words back, in this clause or the one before). For
    self-harm, people a thing is for are not meant: "I wrote letters to my mum". None: the writer."""
    addressed = _addressed(tokens, words) if kind == "self-harm" else set()
    if kind == "pregnancy":  # the baby of a pregnancy sign is the writer's own: "the baby hasn't moved since"
        addressed |= {index for index, token in enumerate(tokens) if token.word in words.unborn}
    named = _named_after(hit, tokens, words, addressed)
    if named is not None:
        return named
    # a person inside the sign: "HIS chest", "i gave my SON too much panadol"; a little one's words only as its
    # first ("my 18 MONTH OLD ate my pills"), not after ("i took all the LITTLE ONES pills")
    for index in range(hit.start, hit.end):
        if (tokens[index].word in words.others or (index == hit.start and index in little)) and index not in addressed:
            return index
    clause = tokens[hit.start].clause
    for index in range(hit.start - 1, max(-1, hit.start - 13), -1):
        token = tokens[index]
        if token.clause < clause - 1:
            break
        if token.word in words.first_person and index not in little:
            return None
        if (token.word in words.others or index in little) and index not in addressed:
            return index
    return None


def _denied(
    number: int, hit: Hit, kind: str, negated: set[int], tokens: Sequence[Token], words: Grammar, negation: Negation
) -> bool:
    if kind not in DENIED_ONLY_CLOSE:
        return number in negated
    # Self-harm is denied only by a cue before its plain name, over words of intent: "NOT suicidal", "I
    # DON'T want to hurt myself"; never "I don't want to live", which says what it says.
    said = [token.word for token in tokens]
    if words.taken_back and _taken_back(hit, tokens, said, words):
        return False
    for where in sorted(occurrences(said, words.deniable), key=lambda found: found.start):
        start = where.start
        if not hit.start <= start < hit.end:
            continue
        if words.deny_after and _denied_after(where, tokens, said, words, negation):
            return True
        index = start - 1
        while index >= max(0, start - 6) and tokens[index].clause == tokens[start].clause:
            word = said[index]
            if word in negation.cues:
                return index + 1 >= len(tokens) or said[index + 1] not in negation.hedges
            if word not in words.intending and word not in negation.fillers:
                break
            index -= 1
    return False


def _taken_back(hit: Hit, tokens: Sequence[Token], said: Sequence[str], words: Grammar) -> bool:
    """True when the words after the hit, in its clause or the next, take a denial back and end that clause
    there (fillers aside): "I wasn't suicidal before, BUT NOW I AM", "suicidal nahi thi LEKIN AB HOON" (a
    contrast of the text's language a scan in English does not split at); never "...but now I am scared"."""
    own = tokens[hit.end - 1].clause
    later = [token.clause for token in tokens[hit.end :] if token.clause > own]
    clauses = {own, later[0]} if later else {own}
    indices = [index for index in range(hit.end, len(tokens)) if tokens[index].clause in clauses]
    words_said = [said[index] for index in indices]
    for where in occurrences(words_said, words.taken_back):
        rest = indices[where.stop :]
        clause = tokens[indices[where.stop - 1]].clause
        if all(tokens[index].filler for index in rest if tokens[index].clause == clause):
            return True
    return False


def _denied_after(
    where: range, tokens: Sequence[Token], said: Sequence[str], words: Grammar, negation: Negation
) -> bool:
    """True when a cue after a self-harm name denies it, as languages that put the verb last say: "suicide
    ka NAHI soch raha", "khudkushi ka koi khayal NAHI" (only `intending` words and fillers between; the cue
    ends the clause or stands before a word of `deny_after`, or of the negation's `gone_fillers` that is no
    filler: "nahi HAI"). Never "khudkushi ka khayal nahi JAATA" (the thought does not go away), "suicide ke
    ALAWA koi rasta nahi", nor "khudkushi nahi TO kya" ("if not suicide, what")."""
    clause = tokens[where.start].clause
    for index in range(where.stop, min(len(tokens), where.stop + 6)):
        if tokens[index].clause != clause:
            return False
        if said[index] in negation.cues:
            after = index + 1
            if after >= len(tokens) or tokens[after].clause != clause:
                return True
            word = said[after]
            closes = word in words.deny_after or (word in negation.gone_fillers and word not in negation.fillers)
            return closes and word not in negation.hedges
        if said[index] not in words.intending and said[index] not in negation.fillers:
            return False
    return False


@dataclass(slots=True)
class _Sorting:
    """Hits sorted into raised, denied and told as history (one group of hits at a time)."""

    raised: list[Hit]
    negated: dict[str, None]
    history: dict[str, None]
    denied: list[Hit]
    excused: list[Hit] = field(default_factory=list)  # a figure of speech's ("this heat is killing me")


def _sort_hits(
    hits: Sequence[Hit], tokens: Sequence[Token], kinds: Mapping[str, str], words: Grammar, sorting: _Sorting
) -> None:
    """Sort one group of disjoint hits (in text order) into `sorting`."""
    negation = replace(words.negation, cues=words.negation.cues | words.denials)
    negated_numbers = negated_hits(hits, tokens, negation, words.keep_order)
    denied_at: set[int] = set()  # the words of denied hits: a list goes on denying ("not swollen or red")
    # What a clause says is read once per clause, not once per hit: a long message naming a sign hundreds of
    # times stays cheap.
    sayings: dict[int, frozenset[int]] = {}  # by clause: the positions of its sayings' words
    idioms: dict[int, bool] = {}
    history: dict[tuple[int, int, int, int | None], bool] = {}
    clause_words: dict[int, list[str]] = {}
    opening = frozenset(tokens[hit.start].clause for hit in hits)

    def told_as_history(hit: Hit) -> bool:
        # its clause and the one after it, and where a likening after the sign cuts its clause ("chest heavy
        # again like when i had my heart attack last year": the heart attack is a history, the chest is now)
        at = tokens[hit.start].clause
        if at not in clause_words:
            clause_words[at] = _clause_words(hit, tokens)
        said = _until_likened(hit, tokens, clause_words[at], words)
        # a history before "and now" dates nothing after it: "had a stroke last year AND NOW his face is drooping"
        # (unless what follows lingers from it: "...and now his arm is STILL weak")
        now = _turn_before(hit, tokens, words, words.nows) if words.nows else None
        if now is not None and not _holds(said[now:], words.lingering):
            said = said[now:]
        else:
            now = None
        key = (at, tokens[hit.end - 1].clause, len(said), now)
        if key not in history:
            history[key] = _told_as_history(hit, tokens, words, opening, said) and not _recurs(hit, tokens, words)
        return history[key]

    for number, hit in enumerate(hits):
        at = tokens[hit.start].clause
        if at not in sayings:
            clause = _clause_words(hit, tokens)
            sayings[at], idioms[at] = _said_in(hit, tokens, words.sayings), _holds(clause, words.idioms)
        near = sayings[at] & set(range(hit.start - SAYING_GAP, hit.end + SAYING_GAP))
        if near and not _joined_apart(hit, near, tokens, words):
            sorting.excused.append(hit)
            continue  # "I wanted to DIE of embarrassment" (not "that exam was suicide and i want to kill myself")
        kind = kinds.get(hit.label, "")
        close_only = kind in DENIED_ONLY_CLOSE
        new_statement = says_its_own(hit, tokens, words.keep_order)  # "no chest pain and CAN'T BREATHE"
        if _denied(number, hit, kind, negated_numbers, tokens, words, negation) or (
            not close_only
            and (
                denied_inside(hit, tokens, negation, reach=3)
                or gone_within(hit, tokens, negation)
                or (not new_statement and _continues(hit, denied_at, tokens, negation))
                or (not new_statement and _listed_after_cue(hit, tokens, negation))
            )
        ):
            sorting.negated.setdefault(hit.label, None)
            sorting.denied.append(hit)
            denied_at.update(hit.positions)
        elif told_as_history(hit):
            sorting.history.setdefault(hit.label, None)
        elif not close_only and idioms[at]:
            sorting.excused.append(hit)
            continue  # "my boss gives me a heart attack", "can't breathe from laughing"
        else:
            sorting.raised.append(hit)


def _joined_apart(hit: Hit, near: AbstractSet[int], tokens: Sequence[Token], words: Grammar) -> bool:
    """True when an "and" stands between the sign and a saying beside it: "задыхаюсь от этой жары И вдруг потеряла
    сознание" (the faint is no part of the figure), not "abi amoot min el d7k"."""
    if max(near) < hit.start:
        between = tokens[max(near) + 1 : hit.start]
    elif min(near) >= hit.end:
        between = tokens[hit.end : min(near)]
    else:
        return False
    return any(token.word in words.negation.joiners for token in between)


def _spot(index: PhraseIndex, tokens: Sequence[Token]) -> list[Hit]:
    return spot(
        index,
        tokens,
        cross_clauses=True,
        fuzzy_cutoff=RED_FLAG_FUZZY,
        keep_own_words=True,
        edit_cost=RED_FLAG_EDIT_COST,
    )


def _said_unless(
    language: Language, tokens: Sequence[Token], clauses: Sequence[list[str]], said: frozenset[str], words: Grammar
) -> list[Hit]:
    """The signs said in a context of `language` that makes them no sign ("took all my pills AS PRESCRIBED")."""
    return [
        u
        for (context, index), firsts in zip(language.red_flags_unless, language.unless_firsts, strict=True)
        if not firsts.isdisjoint(said) and _context_said(clauses, context, words)
        for u in _spot(index, tokens)
    ]


def _told_readings(
    language: Language, tokens: Sequence[Token], count: int, words: Grammar
) -> tuple[list[Hit], frozenset[int]]:
    """What the language the text is written in reads in its own tokens, when they are as many as the reading
    language's (`count`), so that positions are the same words: the signs it reads as no sign in their context
    ("took 12 tablets AS PRESCRIBED"), and the positions of the words it reads in another sense ("watched a
    DOCUMENTARY ON SUICIDE", where a Russian reading in Latin letters takes "on" for "он", he)."""
    if len(tokens) != count:
        return [], frozenset()
    read = _other_senses(_high_readings(_weeks_pregnant(tokens, words), words), words)
    blank = frozenset(index for index, token in enumerate(read) if not token.word and tokens[index].word)
    read = split_at(read, words.contrasts)
    return _said_unless(language, read, _clauses(read), frozenset(token.word for token in read), words), blank


def _beside_dread(
    raised: list[Hit], tokens: Sequence[Token], kinds: Mapping[str, str], severity_of: Mapping[str, str], words: Grammar
) -> list[Hit]:
    """The raised signs without a self-harm that is only a fear of dying ([red_flags] dread) when an emergency of
    another kind is raised beside it: "i feel like i am GOING TO DIE and my chest is crushing" is the chest's
    emergency (an urgent sign beside it leaves the self-harm's: "going to die, my period is so heavy")."""
    if not words.dread:
        return raised

    def feared(hit: Hit) -> bool:
        said = [tokens[index].word for index in range(hit.start, hit.end)]
        return kinds.get(hit.label) == "self-harm" and any(True for _ in occurrences(said, words.dread))

    kept = [hit for hit in raised if not feared(hit)]
    emergency = any(
        kinds.get(hit.label) != "self-harm" and severity_of.get(hit.label, "emergency") == "emergency" for hit in kept
    )
    return kept if emergency else raised


def scan_red_flags(
    language: Language,
    tokens: Sequence[Token],
    kinds: Mapping[str, str],
    symptom_hits: Sequence[Hit] = (),
    severities: Mapping[str, str] | None = None,
    told_in: Grammar | None = None,
    told_contexts: Mapping[str, tuple[tuple[str, ...], ...]] | None = None,
    mixed: bool = False,
    told_reading: tuple[Language, Sequence[Token]] | None = None,
) -> RedFlagReading:
    """The most severe sign in the tokens (emergency, urgent, not-self-care), and the ones they say are
    absent or past. Signs that count in a context ("pregnant") are sorted apart from the rest, so a
    pregnancy sign is not hidden by a sign sharing its words ("blood when I wiped, 24 weeks"). `told_in`: the
    words of the language the text is written in, when it is scanned in another for the words mixed in:
    its history markers tell a history too ("pichle saal heart attack aaya tha"), its people whom it is about;
    `told_contexts`: that language's context words by name, which let signs count too ("ana 7amel ... bleeding");
    `mixed`: `told_in` is only mixed into a text written in this language (`_with_words_of`); `told_reading`: the
    language the text is written in and its tokens, whose contexts that make a sign no sign, and senses, hold here
    too ("took 12 tablets AS PRESCRIBED" is no overdose when read for Hinglish either)."""
    words = (
        language.words
        if told_in is None
        else _with_words_of(language.words, told_in, language.known if mixed else None)
    )
    tokens = split_at(_other_senses(_high_readings(_weeks_pregnant(tokens, words), words), words), words.contrasts)
    clauses = _clauses(tokens)  # read once for every context
    said = frozenset(token.word for token in tokens)  # a table none of whose first words is here is not said
    # A sign said in a context that makes it no sign ("the kettle broke, water all over the floor"), whether
    # it counts alone or only in a context of its own ("I'm pregnant and the tap is leaking water").
    unless = _said_unless(language, tokens, clauses, said, words)
    groups = [_spot(language.red_flags, tokens)]
    for name, index in language.red_flags_given:
        # said in the language the text is written in as well: "ana 7AMEL w 3andi bleeding"
        # (each table apart: a table joined anew per text was indexed anew per text, by `occurrences`)
        own = language.red_flag_contexts.get(name, ())
        told = (told_contexts or {}).get(name, ())
        in_own = bool(own) and not language.context_firsts[name].isdisjoint(said) and _context_said(clauses, own, words)
        if in_own or (bool(told) and _context_said(clauses, told, words)):  # "I'm 14 weeks ... bleeding"
            groups.append(_spot(index, tokens))
    if told_reading is not None and told_in is not None and any(groups):
        told_unless, told_blank = _told_readings(*told_reading, len(tokens), told_in)
        unless += told_unless
        if told_blank:  # a word the text's own language reads in another sense is no sign's word here either
            groups = [[hit for hit in found if told_blank.isdisjoint(hit.positions)] for found in groups]
    if unless:
        groups = [
            [h for h in found if not any(h.label == u.label and set(h.positions) <= set(u.positions) for u in unless)]
            for found in groups
        ]
    sorting = _Sorting([], {}, {}, [])
    for found in groups:
        for _attempt in range(3):
            # each level resolved apart: a milder sign sharing words with an emergency must not hide it
            # ("soaking a pad every hour" is urgent; with "and I feel faint" it is an emergency)
            emergencies: list[Hit] = []
            milder: list[Hit] = []
            for h in found:  # one pass: a long text's hundreds of hits were compared with each other
                (emergencies if (severities or {}).get(h.label, "emergency") == "emergency" else milder).append(h)
            hits = [
                h
                for h in (*resolve(emergencies), *resolve(milder))
                if h.score >= CONFIDENT
                and not _covered(h, symptom_hits)
                and not _used_as_verb(h, tokens, words)
                and not _negation_taken(h, tokens, words.keep_order, symptom_hits)
            ]
            trial = _Sorting([], {}, {}, [])
            _sort_hits(hits, tokens, kinds, words, trial)
            # a denied hit across clauses may hide a sign of the next one: "didn't hit my head BUT I passed out"; so
            # may one of several words excused as a figure of speech: "this HEAT is crazy, and suddenly my friend
            # COLLAPSED", "задыхаюсь от этой ЖАРЫ и вдруг ПОТЕРЯЛА СОЗНАНИЕ" (the shorter sign is weighed on its own)
            spanning = [h for h in trial.denied if len({tokens[p].clause for p in h.positions}) > 1]
            spanning += [h for h in trial.excused if len(h.positions) > 1]
            if not spanning:
                break
            found = [h for h in found if h not in spanning]
        sorting.raised += trial.raised
        sorting.negated |= trial.negated
        sorting.history |= trial.history
    negated = {label: None for label in sorting.negated if label not in sorting.history}
    if not sorting.raised:
        return RedFlagReading(None, None, tuple(negated), history=tuple(sorting.history))
    severity_of = severities or {}

    def rank(hit: Hit) -> tuple[int, int, float, int, int]:
        severity = RANK.get(severity_of.get(hit.label, "emergency"), 0)
        kind = KIND_ORDER.get(kinds.get(hit.label, ""), len(KIND_ORDER))
        return severity, kind, -hit.score, -hit.size, hit.start

    best = min(_beside_dread(sorting.raised, tokens, kinds, severity_of, words), key=rank)
    little = _little_ones(tokens, words) if words.little_ones else frozenset()
    who = _someone_else(best, tokens, words, kinds.get(best.label, ""), little)
    return RedFlagReading(
        best.label,
        kinds.get(best.label, "emergency"),
        tuple(label for label in negated if label != best.label),
        severity_of.get(best.label, "emergency"),
        who is not None,
        tuple(sorting.history),
        # the little one is the sign's subject, named before it, as its first word ("my TODDLER swallowed my pills")
        # or after it where the verb comes first ("ininom ng BATA..."), not a word inside it ("a bottle of BABY
        # aspirin", "the LITTLE ONES' pills")
        little_one=who in little
        and (not best.start < who < best.end or who == _named_after(best, tokens, words, set())),
    )
