"""`reflexbot match [--lang LANG] TEXT|-`: what the bot understands, as JSON lines (contracts.md §1)."""

from __future__ import annotations

import json
import re
from typing import TextIO

from bot.nlu import Matcher
from bot.nlu.report import match_report
from content.loader import default_content

_SURROGATES = re.compile("[\ud800-\udfff]")


def _line(matcher: Matcher, text: str, lang: str | None) -> str:
    report = match_report(matcher.understand(text, lang), _SURROGATES.sub("\ufffd", text))
    return json.dumps(report, ensure_ascii=False)


def run_match(text: str, lang: str | None, stdin: TextIO, stdout: TextIO) -> int:
    """Print one JSON object for TEXT, or one per stdin line for "-" (blank lines included)."""
    matcher = Matcher(default_content())
    texts = (line.rstrip("\r\n") for line in stdin) if text == "-" else iter((text,))
    for item in texts:
        stdout.write(_line(matcher, item, lang) + "\n")
        stdout.flush()
    return 0
