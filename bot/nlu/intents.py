"""Global commands ("help", "remind me at 10pm", "book an appointment") from intents.toml.

An intent is taken when:
1. the whole message, or the message without polite padding ("can I", "please"), is a phrase,
   exactly or by a close spelling ("helpp");
2. its first clause is ("yes, I have a headache", "hi, ...");
3. it starts with a phrase of a command that takes words after it ("remind me at 10pm every
   night", "book me in for Tuesday");
4. it contains a multi-word phrase of such a command ("how do I set a reminder").
A greeting or thanks at the start gives way to a command after it ("hi, I need help"). A long
sentence that merely contains "stop" is not `stop`: one-word phrases count only as whole messages.
The padding words of each language are in content/languages/<lang>.toml, [intents].
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from bot.nlu.lexicon import IntentTable
from bot.nlu.normalise import CLAUSE

INTENT_FUZZY = 85.0
MAX_CONTAINS_WORDS = 20
MAX_TAIL_AFTER_ONE_WORD = 8
MAX_FUZZY_WORDS = 4  # close spellings are tried on short messages only

# Commands that may lead or sit inside a longer message; the others must be the whole message.
LEADING = frozenset(
    {
        "remind",
        "reminders-list",
        "reminders-stop",
        "book",
        "clinic",
        "delete-data",
        "language",
        "snooze",
        "about",
        "too-painful",
        "start-over",
    }
)
OPENERS = frozenset({"greeting", "thanks"})


def _strip(table: IntentTable, words: list[str]) -> list[str]:
    """The words without polite padding at either end (never all of them)."""
    leading, trailing = table.leading_padding, table.trailing_padding
    changed = True
    while changed and len(words) > 1:
        changed = False
        for pad in leading.get(words[0], ()):
            if len(words) > len(pad) and tuple(words[: len(pad)]) == pad:
                words, changed = words[len(pad) :], True
                break
        for pad in trailing.get(words[-1], ()):
            if len(words) > len(pad) and tuple(words[-len(pad) :]) == pad:
                words, changed = words[: -len(pad)], True
                break
    return words


def _whole(table: IntentTable, words: list[str], fuzzy: bool) -> str | None:
    text = " ".join(words)
    found = table.by_text.get(text)
    if found is not None or not fuzzy or len(text) < 4 or len(words) > MAX_FUZZY_WORDS:
        return found
    best = process.extractOne(text, table.texts, scorer=fuzz.ratio, processor=None, score_cutoff=INTENT_FUZZY)
    return None if best is None else table.by_text[str(best[0])]


def _repeated(table: IntentTable, words: list[str]) -> str | None:
    """One intent said word by word: "yeah sure", "no no no"."""
    found = {table.by_text.get(word) for word in words}
    return found.pop() if len(words) > 1 and len(found) == 1 else None


def _as_whole(table: IntentTable, words: list[str], fuzzy: bool) -> str | None:
    found = _whole(table, words, fuzzy)
    if found is None:
        stripped = _strip(table, words)
        found = _whole(table, stripped, fuzzy) if stripped != words else None  # the same words: no second look
    return found or _repeated(table, words)


def _leading(table: IntentTable, words: list[str]) -> tuple[str, int] | None:
    """The command a message starts with, and how many words its phrase has."""
    for size in range(min(table.max_size, len(words)), 0, -1):
        found = table.by_text.get(" ".join(words[:size]))
        if found is None:
            continue
        if found in OPENERS or (found in LEADING and (size > 1 or len(words) - size <= MAX_TAIL_AFTER_ONE_WORD)):
            return found, size
    return None


def _inside(table: IntentTable, words: list[str]) -> str | None:
    if len(words) > MAX_CONTAINS_WORDS:
        return None
    for size in range(min(table.max_size, len(words)), 1, -1):
        for start in range(len(words) - size + 1):
            found = table.by_text.get(" ".join(words[start : start + size]))
            if found in LEADING:
                return found
    return None


def detect_intent(table: IntentTable, text: str, *, fuzzy: bool = True, nested: bool = False) -> str | None:
    """The intents.toml id a normalised text expresses, or None; `fuzzy` allows close spellings."""
    words = [w for w in text.split() if w != CLAUSE]
    if not words:
        return None
    found = _as_whole(table, words, fuzzy)
    if found is not None:
        return found
    opener: str | None = None
    if CLAUSE in text.split():
        first = text.split(f" {CLAUSE} ", 1)
        found = _as_whole(table, first[0].split(), fuzzy)
        if found is not None and found not in OPENERS:
            return found
        if found is not None and not nested:
            return detect_intent(table, first[1], fuzzy=fuzzy, nested=True) or found
    stripped = _strip(table, words)
    lead = _leading(table, stripped)
    if lead is not None and lead[0] in OPENERS:
        if nested:
            return lead[0]
        opener = lead[0]
        rest = " ".join(stripped[lead[1] :])
        return detect_intent(table, rest, fuzzy=fuzzy, nested=True) or opener
    if lead is not None:
        return lead[0]
    return _inside(table, stripped)


FEELINGS = ("better", "same", "worse")


def feeling_in(table: IntentTable, text: str, negations: frozenset[str]) -> str | None:
    """How a person feels after a session, said in more words than a button: "a bit better I think",
    "worse actually", "slightly better", "it didn't help" (a denied "better" or "worse" is the same).
    None when the text says none of them, or more than one ("better but my back is worse")."""
    words = text.split()
    found: set[str] = set()
    index = 0
    while index < len(words):
        for size in range(min(table.max_size, len(words) - index), 0, -1):
            label = table.by_text.get(" ".join(words[index : index + size]))
            if label in FEELINGS:
                before = words[max(0, index - 2) : index]
                if CLAUSE not in before and negations & set(before):
                    label = None if label == "same" else "same"  # "not better", "did not help"; "not the same"?
                found.add(label or "?")
                index += size
                break
        else:
            index += 1
    return found.pop() if len(found) == 1 and "?" not in found else None
