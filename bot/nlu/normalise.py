"""The one text normaliser: user texts and every content phrase go through it before matching.

It casefolds, strips accents (Arabic too: harakat, hamza on alef, waw and yaa, tatweel; taa marbuta reads
as haa and alef maqsura as yaa, as people type them interchangeably), reads Arabic-Indic and Persian digits
as 0-9, expands contractions ("can't" -> "cannot"), squeezes stretched
letters ("sooooo" -> "soo"), turns emoji and punctuation into spaces and keeps clause breaks
(. , ; ! ? and dashes) as a lone "," token, which negation scope stops at. Work is bounded: only
the first `limit` characters are read.
"""

from __future__ import annotations

import re
import unicodedata

MATCH_LIMIT = 500  # characters read for symptoms, intents and questions
SCAN_LIMIT = 20_000  # characters read for red flags: a long story may end in "...and chest pain"
CLAUSE = ","  # the token a clause break becomes

# A few emoji carry a plain answer; every other emoji is just a space. These stay here, not in
# content/languages: the normaliser runs before a text's language is known (detect_language needs its
# output) and on every content word, so it has no language; English intents list these words.
# Emoji that say a word ("🤰 bleeding 😭 help": the pregnancy is said by the emoji alone)
_EMOJI_WORDS = {
    "👍": " ok ",
    "👌": " ok ",
    "👎": " no ",
    "🙏": " thanks ",
    "👋": " hi ",
    "🤰": " pregnant ",
    "🫄": " pregnant ",
    "🩸": " blood ",
    "💊": " pills ",
}
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "′": "'"})
_CLAUSE_CHARS = frozenset(".,;:!?()[]{}…—–؟،؛。，！？；：।۔")  # । Devanagari, ۔ Urdu full stops
_MARKS = re.compile("[\u0300-\u036f\u064b-\u065f\u0670\u0640]")  # accents, harakat, tatweel
# Arabic letters people type interchangeably, and Arabic-Indic (٠-٩) and Persian (۰-۹) digits
_ARABIC = str.maketrans(
    {
        "ة": "ه",
        "ى": "ي",
        "ٱ": "ا",
        "ی": "ي",
        "ک": "ك",
        **{chr(0x660 + d): str(d) for d in range(10)},
        **{chr(0x6F0 + d): str(d) for d in range(10)},
    }
)
_NUMBER_JOINT = re.compile(r"(?<=\d)[.:](?=\d)")
_SPACED_DASH = re.compile(r"(?:^|\s)-+(?=\s|$)")
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")
# Text-speak spellings of a negated auxiliary, a vowel left out: "havnt pooped in 4 days", "i dint sleep".
_MISSPELT = {
    "havnt": "have not",
    "hvnt": "have not",
    "dnt": "do not",
    "dint": "did not",
    "dosnt": "does not",
    "dosent": "does not",
    "cudnt": "could not",
    "wudnt": "would not",
    "shudnt": "should not",
}
_MISSPELT_GROUP = "|".join(f"{spelling[:-1]}'?t" for spelling in _MISSPELT)  # "havnt" or "havn't"
_CONTRACTIONS = re.compile(
    r"\b(?:(?P<cannot>can'?t|can not|cna'?t|ca'n?t|caa?n'?n?t|cann'?t|cnt)|(?P<will>won'?t)|(?P<aint>ain'?t)"
    r"|(?P<nt>do|does|did|is|are|was|were|has|have|had|could|would|should|must|need)n'?t"
    rf"|(?P<misspelt>{_MISSPELT_GROUP})"
    r"|(?P<are>you|we|they)'re|(?P<ll>you|we|they|he|she|it|i)'ll|(?P<ve>you|we|they|i)'?ve"
    r"|(?P<is>it|that|what|there|he|she|where|who|how)'?s|i'?m|i'd|let's|gonna|wanna|gotta|u|ur)\b"
    r"|'s\b"
)
# The expansions of the _CONTRACTIONS alternatives that are whole words: part of that grammar, not a word list.
_WHOLE_WORDS = {
    "im": "i am",
    "i'm": "i am",
    "i'd": "i would",
    "let's": "let us",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "got to",
    "u": "you",
    "ur": "your",
    "'s": "",
}


def _expand(match: re.Match[str]) -> str:
    groups = match.groupdict()
    if groups["misspelt"]:
        return _MISSPELT[groups["misspelt"].replace("'", "")]
    if groups["cannot"]:
        return "cannot"
    if groups["will"]:
        return "will not"
    if groups["aint"]:
        return "is not"
    for name, suffix in (("nt", " not"), ("are", " are"), ("ll", " will"), ("ve", " have"), ("is", " is")):
        if groups[name]:
            return groups[name] + suffix
    return _WHOLE_WORDS.get(match.group(), match.group())


_MAYBE_CONTRACTED = re.compile(
    r"\b(?:cant|cannt|caant|cnat|cnt|can not|wont|aint|\w+nt|ive|im|its|whats|thats|theres"
    r"|hes|shes|wheres|whos|hows|gonna|wanna|gotta|u|ur)\b"
)
_CLAUSE_MARK = "\x00"  # placeholder between the character pass and the token pass
# Russian "то ..., то ..." (now this, now that) repeats its word after a comma that ends no clause: "месячные
# то раньше, то позже". The comma goes when the same word stood one or two words before it.
_ALTERNATION = frozenset({"то"})
# Latin letters that look like Cyrillic ones (lower case: "T", "H", "B", "M", "K" after casefolding too),
# typed inside a Cyrillic word on a mixed keyboard: "уcталость" with a Latin "c" is "усталость".
_LOOKALIKES = str.maketrans("aceopxykmhtb", "асеорхукмнтв")
_CYRILLIC, _LATIN = re.compile("[а-яё]"), re.compile("[a-z]")
_LATIN_IN_CYRILLIC = re.compile(r"\b(?=[^\W\d_]*[а-яё])(?=[^\W\d_]*[a-z])[^\W\d_]+\b")


def _cyrillic_lookalikes(match: re.Match[str]) -> str:
    """A word of Cyrillic letters with Latin look-alikes among them, all in Cyrillic; else as it is."""
    word = match.group()
    fixed = word.translate(_LOOKALIKES)
    return word if _LATIN.search(fixed) else fixed


def _characters(text: str) -> str:
    """Map every character to itself, a space or a clause mark (the slow path for non-ASCII)."""
    text = unicodedata.normalize("NFKD", text)
    text = unicodedata.normalize("NFC", _MARKS.sub("", text)).translate(_ARABIC)
    out: list[str] = []
    for char in text:
        if char in "'\x00\x01\x02":
            out.append(char)
        elif char in _CLAUSE_CHARS:
            out.append(_CLAUSE_MARK)
        elif unicodedata.category(char)[0] in "LNM":
            out.append(char)
        else:
            out.append(" ")
    return "".join(out)


# Malayalam's chillu letters as older keyboards type them, a consonant, a virama and a zero-width joiner
# ("ഞാന്\u200d"): the joiner is no letter and would split the word, so the sequence becomes the one letter
# ("ഞാൻ") newer keyboards type.
_ZWJ = "\u200d"
_CHILLU = {"ണ": "ൺ", "ന": "ൻ", "ര": "ർ", "ല": "ൽ", "ള": "ൾ", "ക": "ൿ"}
_OLD_CHILLU = re.compile(f"([{''.join(_CHILLU)}])\u0d4d{_ZWJ}")
_ASCII_CLAUSE = re.compile(r"[.,;:!?()\[\]{}]")
_ASCII_OTHER = re.compile(r"[^a-z0-9'\x00-\x02]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def normalise(text: str, limit: int = MATCH_LIMIT) -> str:
    """The canonical form of a text: lower-case words separated by single spaces, "," at breaks."""
    text = _CONTROL.sub(" ", text[:limit])
    if _ZWJ in text:
        text = _OLD_CHILLU.sub(lambda m: _CHILLU[m.group(1)], text)
    for emoji, word in _EMOJI_WORDS.items():
        if emoji in text:
            text = text.replace(emoji, word)
    text = text.translate(_APOSTROPHES).casefold()
    text = _NUMBER_JOINT.sub(lambda m: "\x01" if m.group() == "." else "\x02", text)
    text = _SPACED_DASH.sub(_CLAUSE_MARK, text)
    if text.isascii():
        text = _ASCII_CLAUSE.sub(_CLAUSE_MARK, text)
        text = _ASCII_OTHER.sub(" ", text)
    else:
        text = _characters(text)
        if _CYRILLIC.search(text) and _LATIN.search(text):
            text = _LATIN_IN_CYRILLIC.sub(_cyrillic_lookalikes, text)
    text = _STRETCHED.sub(r"\1\1", text)
    if "'" in text or _MAYBE_CONTRACTED.search(text):
        text = _CONTRACTIONS.sub(_expand, text)
    text = text.replace("'", "").replace("\x01", ".").replace("\x02", ":")
    words: list[str] = []
    for word in text.replace(_CLAUSE_MARK, f" {CLAUSE} ").split():
        if word == CLAUSE and (not words or words[-1] == CLAUSE):
            continue
        if word in _ALTERNATION and len(words) > 2 and words[-1] == CLAUSE and word in words[-4:-2]:
            words.pop()  # "то раньше, то позже": the comma of a Russian alternation is no clause break
        words.append(word)
    if words and words[-1] == CLAUSE:
        words.pop()
    return " ".join(words)
