"""A body part in one language and its pain in another, as people who switch languages write it: "my back
болит", "спина hurts", "ظهري pain". A chest so named is chest pain, an emergency, in either order."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher


@pytest.mark.parametrize(
    ("text", "symptom"),
    [
        ("my back болит уже неделю", "back-pain"),
        ("спина hurts a lot after the gym", "back-pain"),
        ("my knees болят по утрам", "knee-pain"),
        ("живот hurts after food", "indigestion"),
        ("ظهري pain من الصبح", "back-pain"),
        ("my back يوجعني", "back-pain"),
        ("my head болит", "headache"),
    ],
)
def test_a_part_and_its_pain_in_two_languages(matcher: Matcher, text: str, symptom: str) -> None:
    u = matcher.understand(text)
    assert u.red_flag is None
    assert symptom in [s.id for s in u.symptoms[:3]]


@pytest.mark.parametrize(
    ("text", "denied"),
    [("my back не болит", "back-pain"), ("спина doesn't hurt, just tired", "back-pain")],
)
def test_denied_in_either_language(matcher: Matcher, text: str, denied: str) -> None:
    u = matcher.understand(text)
    assert denied not in [s.id for s in u.symptoms] and u.red_flag is None


@pytest.mark.parametrize("text", ["my chest болит сильно", "грудь hurts badly", "صدري pain", "my chest يوجعني وايد"])
def test_chest_pain_across_languages_is_an_emergency(matcher: Matcher, text: str) -> None:
    u = matcher.understand(text)
    assert (u.red_flag, u.severity) == ("chest-pain", "emergency")


@pytest.mark.parametrize("text", ["my chest не болит, просто устала", "my rucksack болит"])
def test_no_emergency_from_a_bridge(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None


@pytest.mark.parametrize(
    "text", ["ребенок выпил bleach", "ولدي شرب clorox", "uminom ng bleach si bunso", "бэби выпил domestos"]
)
def test_a_household_poison_by_its_english_or_brand_name(matcher: Matcher, text: str) -> None:
    u = matcher.understand(text)
    assert u.red_flag is not None and u.severity == "emergency"


@pytest.mark.parametrize(
    "text", ["купила bleach в магазине", "اشتريت clorox من كارفور", "bumili ako ng bleach sa grocery"]
)
def test_buying_a_household_product_is_no_poisoning(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None


@pytest.mark.parametrize(
    "text",
    [
        "ana 7amel w 3andi bleeding",
        "marti 7amel w 3andha bleeding",
        "حامل و عندي bleeding",
        "я беременна и у меня bleeding",
    ],
)
def test_a_context_in_one_language_lets_a_sign_in_the_other_count(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag == "pregnancy-bleeding"


@pytest.mark.parametrize(
    "text", ["ana 7amel w 3andi nausea", "حامل وعندي heartburn", "ana mo 7amel w 3andi bleeding gums"]
)
def test_no_sign_of_its_own_in_that_context(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None


@pytest.mark.parametrize(
    "text",
    ["ابوي حاس ب pressure على صدره", "اخوي took كل حبوب panadol", "ولدي بلع battery", "abooy 3nda chest pain qawi"],
)
def test_an_english_word_in_an_arabic_emergency(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is not None


@pytest.mark.parametrize("text", ["عندي pressure في الشغل", "ولدي شرب juice", "اخذت حبة بنادول للصداع"])
def test_an_english_word_in_an_everyday_arabic_text(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None
