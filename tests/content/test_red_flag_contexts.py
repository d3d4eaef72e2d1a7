"""A sign's exclusions (`unless`) hold wherever the sign is found: in its own phrases and in those that
count only in a context (`given`: once pregnancy is known)."""

from __future__ import annotations

from pathlib import Path

from bot.nlu.matcher import Matcher
from content.loader import load_content
from tests.content.conftest import edit

# pregnancy said too far from the leak for "{pregnant} {leak}": only the `given.pregnant` "{leak}" reads it
SAID = "I'm 30 weeks pregnant, feeling good overall and sleeping well these days, but at home today {}"


def test_an_exclusion_holds_for_a_sign_that_counts_only_in_a_context(content_copy: Path) -> None:
    edit(
        content_copy / "safety.toml",
        'unless.household = ["water broke", "{waters} {burst}"]',
        'unless.household = ["water broke", "{waters} {burst}", "{household} {leak}"]',
    )
    matcher = Matcher(load_content(content_copy))
    assert matcher.understand(SAID.format("the tap is leaking")).red_flag is None
    assert matcher.understand(SAID.format("water is leaking")).red_flag == "waters-breaking"
