"""Pure natural-language understanding: normalise, match symptoms, negation, red flags, intents, times.

Imports only the standard library, rapidfuzz and `content`; no I/O, no clock.
"""

from bot.nlu.matcher import Matcher, SymptomMatch, Understanding
from bot.nlu.normalise import normalise
from bot.nlu.when import When, parse_when

__all__ = ["Matcher", "SymptomMatch", "Understanding", "When", "normalise", "parse_when"]
