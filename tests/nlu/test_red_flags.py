"""Red flags: caught first, generously (paraphrases, typos, word order), never on ordinary texts."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher


@pytest.mark.parametrize(
    ("text", "flag", "kind"),
    [
        ("chest pain", "chest-pain", "emergency"),
        ("pain in my chest", "chest-pain", "emergency"),
        ("crushing chest pressure", "chest-pain", "emergency"),
        ("my chest feels tight and I'm sweating", "chest-pain", "emergency"),
        ("chest pian", "chest-pain", "emergency"),
        ("hart attack", "chest-pain", "emergency"),
        ("pain spreading down my left arm", "chest-pain", "emergency"),
        ("face drooping", "stroke", "emergency"),
        ("my face is drooping on one side", "stroke", "emergency"),
        ("slurred speech", "stroke", "emergency"),
        ("suddenly I can't move my arm", "stroke", "emergency"),
        ("stroke", "stroke", "emergency"),
        ("cant breathe", "breathing", "emergency"),
        ("I'm struggling to breathe", "breathing", "emergency"),
        ("my lips are turning blue", "blue-lips", "emergency"),
        ("sudden severe stomach pain", "abdominal-pain", "emergency"),
        ("coughing up blood", "vomiting-blood", "emergency"),
        ("throwing up blood", "vomiting-blood", "emergency"),
        ("black stool", "bloody-stool", "emergency"),
        ("blood in my poo", "bloody-stool", "emergency"),
        ("I can't pee", "cannot-pee", "emergency"),
        ("I have a high fever and my neck is stiff", "meningitis", "emergency"),
        ("worst headache of my life", "worst-headache", "emergency"),
        ("I hit my head and now I have a headache", "head-injury", "emergency"),
        ("my calf is swollen and hot", "dvt", "dvt"),
        ("my leg is swollen and hot", "dvt", "dvt"),
        ("I'm pregnant and bleeding", "pregnancy-bleeding", "pregnancy"),
        ("bleeding during pregnancy", "pregnancy-bleeding", "pregnancy"),
        ("suicidal", "self-harm", "self-harm"),
        ("I want to kill myself", "self-harm", "self-harm"),
        ("I want to end my life", "self-harm", "self-harm"),
        ("i dont want to live anymore", "self-harm", "self-harm"),
        ("I took too many pills", "overdose", "self-harm"),
        ("I'm diabetic and have a cut on my foot that won't heal", "diabetic-foot", "diabetic-foot"),
        ("I'm diabetic, and I have a sore on my foot", "diabetic-foot", "diabetic-foot"),
        ("she collapsed", "fainting", "emergency"),
        ("I passed out this morning", "fainting", "emergency"),
        ("I can't stop the bleeding", "severe-bleeding", "emergency"),
    ],
)
def test_red_flags(matcher: Matcher, text: str, flag: str, kind: str) -> None:
    u = matcher.understand(text)
    assert (u.red_flag, u.red_flag_kind) == (flag, kind)
    assert u.symptoms == () and u.points == () and u.zones == ()


@pytest.mark.parametrize(
    "text",
    [
        "stiff neck",
        "headache",
        "cold feet",
        "period pain",
        "back pain",
        "tight calves after running",
        "I can't breathe through my nose",
        "stomach ache after eating",
        "my back is killing me",
        "this headache is killing me",
        "heavy periods",
        "blood clots in my period",
        "I feel sick",
        "numb feet",
        "tingling in my arms",
        "I stroke my cat",
        "how do I stroke my foot gently",
        "vomiting",
        "I'm tired of this",
        "my legs feel heavy",
        "I have a fever",
        "I'm pregnant",
        "I'm diabetic",
        "swollen ankles",
        "cooking dinner",
        "walking the dog",
        "there is a strike today",
    ],
)
def test_no_false_red_flags(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("no chest pain", "chest-pain"),
        ("I don't have chest pain", "chest-pain"),
        ("no chest pain, just a stiff neck", "chest-pain"),
        ("without any slurred speech", "stroke"),
    ],
)
def test_negated_red_flags(matcher: Matcher, text: str, negated: str) -> None:
    u = matcher.understand(text)
    assert u.red_flag is None
    assert negated in u.negated_red_flags


def test_negation_does_not_hide_another_red_flag(matcher: Matcher) -> None:
    u = matcher.understand("no chest pain but I can't breathe")
    assert u.red_flag == "breathing"
    assert u.negated_red_flags == ("chest-pain",)


@pytest.mark.parametrize(
    "text",
    [
        "no idea why I have chest pain",
        "I'm not sure if this is chest pain",
        "I'm not suicidal but I want to die",
        "I don't want to die",  # self-harm is never taken as denied
    ],
)
def test_hedges_err_to_safety(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is not None


def test_found_late_in_a_long_story(matcher: Matcher) -> None:
    story = "I have been tired and bloated for a while. " * 30 + "Now I have crushing chest pain."
    assert 500 < len(story) < 2000
    assert matcher.understand(story).red_flag == "chest-pain"


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        # a year right after the sign dates it; a count of times does not
        ("dad had heart attack 2019 now fine", None),
        ("had DVT 2021, on blood thinners now", None),
        ("chest pain 2000 times worse than yesterday", "chest-pain"),
        # a sign's own "not" that governs a symptom named first is that symptom's
        ("not dizzy and breathing fine", None),
        ("I am not dizzy, breathing is fine, just tired", None),
        ("not dizzy but not breathing well", "breathing"),
        ("he is not really breathing", "breathing"),
        ("not moving or breathing", "breathing"),
        # a denial's list ends where a new subject starts after "and"
        ("she is not eating and her face is drooping", "stroke"),
        ("i am not pregnant and i am bleeding a lot from a cut", "severe-bleeding"),
        ("no headache and my vision is fine", None),
        ("my calf is not swollen and red", None),
        # a clause that looks back is the history of the sign it names, not of the one before it
        ("chest pain and sweating, years ago a heart attack", "chest-pain"),
        ("давит в груди и холодный пот, год назад был инфаркт", "chest-pain"),
        ("chest pain, years ago", None),
        ("had a fit as a child, none since", None),
        # "ابوي" (my father) with the chest's heaviness is no "burden on my father"
        ("أبوي ماسك صدره ويقول يحس بثقل كأن أحد قاعد عليه", "chest-pain"),
    ],
)
def test_whose_words_these_are(matcher: Matcher, text: str, flag: str | None) -> None:
    assert matcher.understand(text).red_flag == flag


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("كنت اشوف في الاخبار وفجأة ابوي طاح وما يصحى", "fainting"),  # "watching the news and suddenly dad fell"
        ("смотрела новости и вдруг папа упал и не приходит в себя", "fainting"),
        ("في الاخبار قالوا واحد مات من جلطة", None),  # the news alone: a story
        ("years ago I suddenly fainted and didnt wake up", None),  # a history still dates its clause
    ],
)
def test_and_suddenly_ends_a_story(matcher: Matcher, text: str, flag: str | None) -> None:
    """A story or a question before "and suddenly" tells nothing of the sign after it."""
    assert matcher.understand(text).red_flag == flag
