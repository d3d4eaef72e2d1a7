"""A little child who swallowed medicines was poisoned by accident: someone else's emergency, answered with a
poisoning's advice ("stay with them, nothing to eat or drink"), never a self-harm's ("these thoughts", "blades").
An older person, or the writer, who took all the pills stays an overdose; a writer giving their own age stays
the writer ([red_flags] little_ones in content/languages/<lang>.toml, [overdose] in_a_little_one)."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher
from tests.flow import Flow

LITTLE = [
    "my 2 year old swallowed some of my blood pressure pills",
    "my toddler swallowed my pills",
    "our 3yo got into the medicine cabinet and swallowed a bunch of tablets",
    "the baby swallowed grandma's heart pills",
    "my 18 month old ate some of my sleeping pills",
    "my 4 yrs old son swallowed my iron tablets",
    "ابني الصغير بلع حبوب الضغط",
    "البيبي بلع حبوب جدته",
    "малыш проглотил мои таблетки",
    "ребенок наглотался таблеток от давления",
    "bachche ne meri saari goliyan kha li",
    "ininom ng bata lahat ng gamot ko",
    "my 3yo got into my medicine and ate some",
    "toddler got into my pills, not sure how many he ate",
]
OLDER = [
    "my son swallowed all my panadol",
    "my 15 year old took all my pills",
    "ابني بلع كل حبوب البنادول",
    "сын выпил все мои таблетки",
    "i swallowed a whole bottle of baby aspirin",  # a little one's word inside the sign names no little one
]
WRITER = [
    "I took all my pills",
    "I am 40 years old and took all my pills",
    "im 11 yrs old n took all the pills in the house",
    "i took all the little ones pills",
    "took all my pills and the baby is asleep",
]


@pytest.mark.parametrize("text", LITTLE)
def test_pills_a_little_one_swallowed_are_a_poisoning_of_someone_else(matcher: Matcher, text: str) -> None:
    u = matcher.understand(text)
    assert (u.red_flag, u.severity, u.for_other) == ("poisoning", "emergency", True)


@pytest.mark.parametrize("text", OLDER)
def test_an_older_one_who_took_them_all_is_an_overdose(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag == "overdose"


@pytest.mark.parametrize("text", WRITER)
def test_the_writer_giving_an_age_is_still_the_writer(matcher: Matcher, text: str) -> None:
    u = matcher.understand(text)
    assert (u.red_flag, u.for_other) == ("overdose", False)


@pytest.mark.parametrize(
    "text",
    [
        "my son got into medicine at university!",
        "my daughter got accepted, she got into medicine",
        "how do i stop my toddler from getting into my pills",
    ],
)
def test_a_little_one_kept_from_medicines_or_a_place_got_into_is_no_emergency(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None


@pytest.mark.parametrize("text", ["my 2 year old", "our 3yo", "the 18 month old"])
def test_a_little_one_named_by_age_is_someone_else(matcher: Matcher, text: str) -> None:
    u = matcher.understand(f"{text} is not breathing")
    assert u.red_flag is not None and u.for_other


def test_the_parent_is_told_what_to_do_for_the_child_not_about_dark_thoughts(flow: Flow) -> None:
    flow.say("my 2 year old swallowed some of my blood pressure pills")
    said = flow.text()
    assert "998" in said and "stay with them" in said
    assert "thoughts" not in said and "blades" not in said
