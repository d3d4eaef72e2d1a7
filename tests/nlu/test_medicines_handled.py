"""Medicines and household products handled, not swallowed: a count taken as a routine ("my mom takes 10 pills
a day for her heart": [overdose] unless.per_day), taken as prescribed, a cleaning product carried somewhere ("i
took the bleach upstairs": [poisoning] unless.carried); and what the text's own language reads as no sign is no
sign when the text is read for another language too ("took 12 tablets as prescribed" read for Roman Hindi,
whose word files know 'took' and 'tablets' but not 'as prescribed'), and so are the words it reads in another
sense ("a documentary ON SUICIDE" read in Russian Latin letters, where "on" is "он")."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher

HANDLED = [
    "my mom takes 10 pills a day for her heart",
    "i take 12 tablets a day for my conditions",
    "he takes like 15 pills daily",
    "took 12 tablets as prescribed",
    "took 12 tablets of vitamin d this week as prescribed",
    "i took the bleach upstairs",
    "took the rat poison out of reach of the kids",
    "he took the dettol to the bathroom to clean",
    "studying for my nursing exam: signs of pre eclampsia are high bp and protein in urine",
    # ...and a word the text's own language reads in another sense: "on" is not Russian "он" (he) here
    "watched a documentary on suicide prevention, it was really good",
    "watched a documentary on suicide",
    "my sister is a nurse she says many bleeding patients come",
]
SWALLOWED = [
    ("took 12 tablets", "overdose"),
    ("i swallowed 30 tablets a day ago", "overdose"),
    ("taking 20 sleeping pills tonight so i dont wake up", "overdose"),
    ("she took 20 pills every night this week and now wont wake up", "overdose"),
    ("maine 12 tablets kha li", "overdose"),
    ("i took the bleach upstairs and drank it", "poisoning"),
    ("she took bleach and now she is vomiting", "poisoning"),
    ("my son drank bleach outside", "poisoning"),
    ("watched a documentary about suicide and now i want to kill myself too", "self-harm"),
    ("a film about suicide made me want to end my life", "self-harm"),
    ("my cut is bleeding and wont stop", "severe-bleeding"),
]


@pytest.mark.parametrize("text", HANDLED)
def test_medicines_handled_are_no_emergency(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None


@pytest.mark.parametrize(("text", "flag"), SWALLOWED)
def test_medicines_swallowed_are_an_emergency(matcher: Matcher, text: str, flag: str) -> None:
    u = matcher.understand(text)
    assert (u.red_flag, u.severity) == (flag, "emergency")
