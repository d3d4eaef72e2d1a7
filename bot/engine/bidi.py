"""Right-to-left replies that read correctly: left-to-right runs inside Arabic (or Urdu) text are isolated.

In an Arabic sentence a phone number "800 4673", a point code "EX-LE11", a time "22:00" or a link would
otherwise be reordered by the bidirectional algorithm ("4673 800"). Each such run is wrapped in a
left-to-right isolate (U+2066 ... U+2069), which Telegram and WhatsApp clients render invisibly.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.engine.actions import Reply

LRI, PDI = "\u2066", "\u2069"
_RTL_LETTER = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
# A run of Latin words and numbers: links whole, else words that start with a Latin letter, a digit or
# "+" (a phone number), joined by single spaces ("800 4673", "ST36 Zusanli", "+971 4 123 4567"); a
# sentence's full stop after it stays outside, where the Arabic sentence ends.
_TOKEN = r"(?:https?://\S*[^\s.,;:!?)]|[+]?[A-Za-z0-9](?:[A-Za-z0-9\-_:./%°'+]*[A-Za-z0-9%°])?)"
_LTR_RUN = re.compile(rf"{_TOKEN}(?: {_TOKEN})*")


def isolate(text: str) -> str:
    """The text with its left-to-right runs isolated, when it has right-to-left letters (else as it is)."""
    if not _RTL_LETTER.search(text) or LRI in text:
        return text
    return _LTR_RUN.sub(lambda m: f"{LRI}{m.group()}{PDI}", text)


def isolate_reply(reply: Reply) -> Reply:
    """A reply with its text and button labels isolated (see `isolate`)."""
    text = isolate(reply.text)
    labels = [isolate(c.label) for c in reply.choices]
    if text is reply.text and all(new is c.label for new, c in zip(labels, reply.choices, strict=True)):
        return reply  # nothing right-to-left in it: most replies
    choices = tuple(
        c if new is c.label else replace(c, label=new) for new, c in zip(labels, reply.choices, strict=True)
    )
    return replace(reply, text=text, choices=choices)
