"""A poison swallowed or drunk is a poisoning (kind emergency: 998, "stay with them"), in every language as in
English, not an overdose of medicines, whose reply speaks to a crisis ("these thoughts", "blades") that a parent
whose child drank bleach does not have; a wish to die said with it still gets the crisis reply."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher


@pytest.mark.parametrize(
    "text",
    [
        "my daughter drank bleach by mistake",
        "بنتي شربت كلوركس",
        "ولدي بلع كلوركس",
        "ibni shirib klorox",
        "ребенок выпил отбеливатель",
        "syn vypil otbelivatel",
        "bacche ne phenyl pee liya",
        "मुन्ने ने फिनाइल पी लिया",
        "بچے نے فینائل پی لیا",
        "yung anak ko nakainom ng zonrox",
    ],
)
def test_a_poison_swallowed_is_a_poisoning(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag == "poisoning"


@pytest.mark.parametrize(
    "text", ["i want to die, i drank bleach", "ابي اموت، شربت كلوركس", "хочу умереть, выпила отбеливатель"]
)
def test_a_poison_taken_to_die_gets_the_crisis_reply(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag_kind == "self-harm"
