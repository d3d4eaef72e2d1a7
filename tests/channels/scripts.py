"""What script a reply is written in, for the channel tests in other languages."""

from __future__ import annotations

from bot.nlu.language import scripts_in


def arabic(text: str) -> bool:
    """Most letters of the text are Arabic (point codes, numbers and names in Latin letters aside)."""
    counts = scripts_in(text)
    return counts.get("Arab", 0) > sum(counts.values()) / 2
