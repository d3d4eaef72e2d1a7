"""Whom a crisis is about. People a letter or a thing is for are not the one in danger: "I wrote letters
to my mum and sister" is the writer's own crisis, and the reply must speak to them, not to a helper. A
person who is the subject ("my brother wants to kill himself") still makes it someone else's."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher

THE_WRITERS_OWN = [
    "I wrote letters to my mum and sister, they will find them after",
    "I've written goodbye notes for my kids, I can't go on",
    "I left a goodbye letter for my husband and I'm going to end it tonight",
    "كتبت رسائل لامي وابوي بيلقونها بعدين",
    "كتبت رسالة وداع لزوجي وما ابي اعيش",
    "ktabt rasayil la ommi w abooy, ma abi a3eesh",
    "написала письма маме и сестре, найдут потом, хочу чтобы всё закончилось",
    "написала прощальное письмо для мамы, больше не могу жить",
    "maine apni maa ke liye letter likha hai, ab aur nahi jee sakta",
    "maine maa aur papa ke liye letter likh diya, mai marna chahta hu",
    "मैंने माँ के लिए चिट्ठी लिखी है, अब जीना नहीं चाहता",
    "میں نے امی کے لیے خط لکھا ہے، اب جینا نہیں چاہتا",
    "sumulat ako ng liham para sa nanay ko, gusto ko nang mamatay",
]

SOMEONE_ELSES = [
    "my brother wants to kill himself",
    "my sister wrote a goodbye letter to us and says she wants to die",
    "زوجي يقول يبي ينتحر",
    "брат говорит, что хочет покончить с собой",
    "mera bhai khudkushi karna chahta hai",
]


@pytest.mark.parametrize("text", THE_WRITERS_OWN)
def test_people_a_letter_is_for_are_not_the_one_in_danger(matcher: Matcher, text: str) -> None:
    u = matcher.understand(text)
    assert u.red_flag == "self-harm" and not u.for_other


@pytest.mark.parametrize("text", SOMEONE_ELSES)
def test_a_person_who_is_the_subject_makes_it_theirs(matcher: Matcher, text: str) -> None:
    u = matcher.understand(text)
    assert u.red_flag == "self-harm" and u.for_other


@pytest.mark.parametrize(
    ("text", "flag"),
    [("chest pain going to his left arm", "chest-pain"), ("мама упала, у неё лицо перекосило", "stroke")],
)
def test_body_words_of_someone_else_stay_theirs(matcher: Matcher, text: str, flag: str) -> None:
    """Only self-harm reads "to"/"for" as whom a thing is for: "pain going TO HIS arm" is still his."""
    u = matcher.understand(text)
    assert (u.red_flag, u.for_other) == (flag, True)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("gusto raw magpakamatay ng kapatid ko", "self-harm"),
        ("nagbabalak magpakamatay ang kaibigan ko", "self-harm"),
        ("hindi makahinga ang nanay ko", "breathing"),
        ("masakit ang dibdib ng asawa ko, hindi makahinga", "chest-pain"),
    ],
)
def test_someone_named_after_the_sign_in_tagalog_is_the_one_meant(matcher: Matcher, text: str, flag: str) -> None:
    """Tagalog puts the verb first: the one a sign is about is named after it."""
    u = matcher.understand(text)
    assert (u.red_flag, u.for_other) == (flag, True)


@pytest.mark.parametrize("text", ["hindi ako makahinga", "ang sakit ng dibdib ko", "gusto ko nang mamatay"])
def test_the_writer_in_tagalog_stays_the_writer(matcher: Matcher, text: str) -> None:
    u = matcher.understand(text)
    assert u.red_flag is not None and not u.for_other


@pytest.mark.parametrize(
    ("text", "other"),
    [
        ("my dads face is drooping on one side and hes slurring", True),  # a possessive without its apostrophe
        ("мама упала, not responding, help", True),  # the person named in one language, the sign in another
        ("gave my brother my watch today. told him i wont be needing it", False),
        ("3a6ait a5oy sa3ti w gelt la ma ra7 a7tajha", False),
        ("ana 7amel 8 shhoor w el baby ma y7arrik mn ams", False),  # the baby of a pregnancy is the writer's
        ("8 months buntis ako tas di na gumagalaw si baby since kahapon", False),
        ("my toddler looks blue around the lips", True),  # a little one or a teenager is someone else too
        ("my newborn is not breathing", True),
        ("my teenager took a whole packet of panadol", True),
    ],
)
def test_whom_a_sign_is_about_in_everyday_writing(matcher: Matcher, text: str, other: bool) -> None:
    u = matcher.understand(text)
    assert u.red_flag is not None and u.for_other is other
