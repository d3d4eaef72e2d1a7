"""Lists in replies are said the way each language says a list (Babel), not with an English comma."""

from __future__ import annotations

import pytest

from bot.engine.common import listed
from bot.engine.state import Conversation


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "KI6 Zhaohai, Toes, and Arch"),
        ("ar", "KI6 Zhaohai وToes وArch"),
        ("ru", "KI6 Zhaohai, Toes и Arch"),
        ("tl", "KI6 Zhaohai, Toes, at Arch"),
    ],
)
def test_a_list_in_the_persons_language(lang: str, said: str) -> None:
    state = Conversation(lang=lang)
    assert listed(state, ["KI6 Zhaohai", "Toes", "Arch"]) == said


def test_one_name_is_just_the_name() -> None:
    assert listed(Conversation(lang="ar"), ["Arch"]) == "Arch"
