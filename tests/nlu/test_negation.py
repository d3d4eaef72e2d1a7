"""Negation: absent symptoms are reported apart; scope ends at a clause break, "but", "just"."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher


@pytest.mark.parametrize(
    ("text", "present", "negated"),
    [
        ("no headache, just tired", ["fatigue"], ["headache"]),
        ("not bloated", [], ["bloating"]),
        ("without back pain", [], ["back-pain"]),
        ("I don't have a headache but my back hurts", ["back-pain"], ["headache"]),
        ("no headache or nausea", [], ["headache", "nausea"]),
        ("I'm not really stressed", [], ["stress"]),
        ("headache is gone but I feel sick", ["nausea"], ["headache"]),
        ("no headache and my back hurts", ["back-pain"], ["headache"]),
        ("no headache - just tired", ["fatigue"], ["headache"]),
        ("my back is not sore, just tired", ["fatigue"], ["back-pain"]),  # the negation inside the phrase
        ("my stomach is not bloated but I feel sick", ["nausea"], ["bloating"]),
        ("голова не болит", [], ["headache"]),
        ("спина больше не болит", [], ["back-pain"]),
        ("راسي ما يعورني", [], ["headache"]),
        ("ما عندي headache بس تعبانه", ["fatigue"], ["headache"]),  # English inside Arabic, Arabic negation
    ],
)
def test_negated(matcher: Matcher, text: str, present: list[str], negated: list[str]) -> None:
    u = matcher.understand(text)
    assert sorted(s.id for s in u.symptoms) == sorted(present)
    assert sorted(u.negated) == sorted(negated)


@pytest.mark.parametrize(
    ("text", "symptom"),
    [
        ("no energy", "fatigue"),
        ("no bowel movement for days", "constipation"),
        ("not sleeping well", "insomnia"),
        ("I never sleep well", "insomnia"),
        ("I can't sleep", "insomnia"),
        ("no idea why I'm so tired", "fatigue"),
        ("not sure but I think I'm bloated", "bloating"),
        ("не могу уснуть", "insomnia"),
    ],
)
def test_not_negation(matcher: Matcher, text: str, symptom: str) -> None:
    """Phrases that contain a negation, and hedges, keep the symptom."""
    u = matcher.understand(text)
    assert symptom in [s.id for s in u.symptoms]
    assert symptom not in u.negated


def test_negated_symptoms_give_no_points(matcher: Matcher) -> None:
    u = matcher.understand("not bloated")
    assert u.points == () and u.zones == ()


def test_dont_have_a_fever_is_nothing(matcher: Matcher) -> None:
    u = matcher.understand("I don't have a fever")
    assert u.symptoms == () and u.red_flag is None


@pytest.mark.parametrize(
    ("text", "symptom"),
    [
        ("Headache قوي من الصبح", "headache"),
        ("صارلي اسبوع عندي insomnia", "insomnia"),
        ("ana stressed 3la el emt7anat", "stress"),
        ("у меня стресс from work", "stress"),
        ("mujhe headache hai", "headache"),
    ],
)
def test_english_words_in_another_language(matcher: Matcher, text: str, symptom: str) -> None:
    assert symptom in [s.id for s in matcher.understand(text).symptoms]


@pytest.mark.parametrize(
    ("text", "symptom", "denied"),
    [
        ("no headache, just my back", "back-pain", "headache"),
        ("my head doesn't hurt, my back does", "back-pain", "headache"),
        ("no back pain, only my knees", "knee-pain", "back-pain"),
        ("спина не болит, шея только", "stiff-neck", "back-pain"),
        ("spina ne bolit, sheya tolko", "stiff-neck", "back-pain"),
        ("ما عندي صداع بس ظهري", "back-pain", "headache"),
        ("ma 3indi sda3 bas dahri", "back-pain", "headache"),
    ],
)
def test_a_part_named_alone_after_a_denial_is_that_parts_pain(
    matcher: Matcher, text: str, symptom: str, denied: str
) -> None:
    u = matcher.understand(text)
    assert [s.id for s in u.symptoms] == [symptom] and denied in u.negated


@pytest.mark.parametrize(
    "text",
    [
        "my head doesn't hurt, my chest does",
        "no headache but my chest",
        "голова не болит, грудь только",
        "ما عندي صداع بس صدري",
    ],
)
def test_a_chest_named_alone_after_a_denial_is_chest_pain(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag == "chest-pain"


@pytest.mark.parametrize(
    "text",
    [
        "not tired, just my heart is heavy",  # a part with words of its own
        "no headache, thanks",
        "no headache, no back",  # denied as well
        "no headache today, just checking the app",
    ],
)
def test_no_part_alone_no_borrowed_pain(matcher: Matcher, text: str) -> None:
    u = matcher.understand(text)
    assert u.symptoms == () and u.red_flag is None


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("no chest pain and can't breathe", "breathing"),
        ("i am not dizzy and cannot breathe", "breathing"),
        ("no fever and not breathing properly", "breathing"),
        ("my son is not eating and not breathing well", "breathing"),
        ("not drunk and cant wake him up", "fainting"),
        ("нет температуры и не дышит", "breathing"),
    ],
)
def test_a_sign_with_its_own_negation_is_no_item_of_a_denied_list(matcher: Matcher, text: str, flag: str) -> None:
    assert matcher.understand(text).red_flag == flag


@pytest.mark.parametrize(
    ("text", "symptom", "denied"),
    [
        ("no headache and can't sleep", "insomnia", "headache"),
        ("not bloated and can't poop", "constipation", "bloating"),
        ("голова не болит и не могу уснуть", "insomnia", "headache"),
        ("ما عندي صداع وما اقدر انام", "insomnia", "headache"),
    ],
)
def test_a_symptom_with_its_own_negation_is_not_denied_by_the_one_before(
    matcher: Matcher, text: str, symptom: str, denied: str
) -> None:
    u = matcher.understand(text)
    assert [s.id for s in u.symptoms] == [symptom] and u.negated == (denied,)


@pytest.mark.parametrize("text", ["no headache or trouble breathing", "my calf is not swollen or red"])
def test_a_denied_list_still_denies_its_items(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("he doesnt eat and vomits blood", "vomiting-blood"),
        ("not eating and vomiting blood", "vomiting-blood"),
        ("she is not talking and her face is drooping", "stroke"),
        ("no headache or blurry vision, just puffy ankles", None),  # a list a negation opens is still denied
        ("no chest pain or shortness of breath", None),
    ],
)
def test_a_denied_doing_opens_no_list(matcher: Matcher, text: str, flag: str | None) -> None:
    """ "Not eating AND vomiting blood": the negation denies the eating; what follows "and" is said."""
    assert matcher.understand(text).red_flag == flag


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("no bleeding, baby kicking well, just swollen ankles at 30 weeks, normal?", None),
        ("no fever, baby kicking, 32 weeks, just back pain", None),
        ("30 weeks, baby not moving since morning", "baby-movements"),  # the negation beside what it denies
        ("not sure, baby hasnt kicked since morning, 33 weeks", "baby-movements"),
        ("abba is very confused since lunch and doesnt know what day it is, not like him at all", "stroke"),
    ],
)
def test_a_negation_alone_in_its_clause_denies_nothing_of_the_next(
    matcher: Matcher, text: str, flag: str | None
) -> None:
    """ "NO bleeding, baby kicking well": the "no" belongs to the bleeding, so the words after the comma are no
    "no baby kicking" (a sign read across clauses); a negation with words of the sign in its own clause is."""
    assert matcher.understand(text).red_flag == flag
