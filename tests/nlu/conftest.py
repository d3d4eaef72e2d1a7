"""One matcher over the shipped content for every NLU test (building it takes ~0.1 s)."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher
from content.loader import default_content


@pytest.fixture(scope="session")
def matcher() -> Matcher:
    """The matcher the bot ships with."""
    return Matcher(default_content())
