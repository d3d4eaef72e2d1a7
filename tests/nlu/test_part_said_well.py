"""A chest said to be well, the pain somewhere else, is no chest pain ("my chest is fine, just my back hurts",
"صدري تمام بس ظهري يوجعني", "грудь в порядке, просто спина болит"): a sense blanks the chest's word where it is
said well; a sign said of it, or another sign, still counts."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher


@pytest.mark.parametrize(
    "text",
    [
        "my chest is fine, just my back hurts",
        "my chest is fine but my back hurts",
        "chest is ok, only my back hurts",
        "my chest feels fine, its my shoulder that hurts",
        "صدري تمام بس ظهري يوجعني",
        "صدري ما فيه شي، رقبتي هي اللي تعورني",
        "sadri tamam bas dahri y3awirni",
        "грудь в порядке, просто спина болит",
        "с грудью все нормально, шея болит",
    ],
)
def test_a_chest_said_well_is_no_chest_pain(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None


@pytest.mark.parametrize(
    "text",
    [
        "my chest is fine but i cant breathe",
        "chest pain, my chest is not fine",
        "my chest hurts, my back is fine",
        "my chest was fine this morning but now its crushing",
        "с грудью все нормально а сердце болит",
        "صدري تمام بس قلبي يعورني",
    ],
)
def test_a_sign_beside_a_chest_said_well_still_counts(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is not None
