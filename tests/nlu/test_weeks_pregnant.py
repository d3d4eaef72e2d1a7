"""A week of pregnancy told by its number says pregnant, before or after the number ([red_flags] gestation,
week_of): "انا ٣٠ اسبوع ونزل دم" and "انا في الاسبوع ٢٦ ومويتي نزلت" are a pregnancy's emergencies; a count of
weeks or times ("صارلي 3 اسابيع", "every week 5 times", "week 5 OF chemo") is no pregnancy.

Arabic's word class `pregnant` opens with phrases ("في الشهر الثامن"): the week was read as that phrase, which no
single word matches, so no Arabic week ever said pregnant."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher

PREGNANT = [
    ("انا 30 اسبوع ونزل دم", "pregnancy-bleeding"),
    ("انا ٣٠ اسبوع ونزل دم", "pregnancy-bleeding"),
    ("انا ٢٦ اسبوع ومويتي نزلت", "waters-breaking"),
    ("انا في الاسبوع ٢٦ ومويتي نزلت", "waters-breaking"),
    ("بالاسبوع ٣٠ وعندي نزيف", "pregnancy-bleeding"),
    ("نزل مني دم وانا حامل في الاسبوع ١٢", "pregnancy-bleeding"),
    ("i am in week 30 and bleeding", "pregnancy-bleeding"),
    ("im in week 26 and my waters broke", "waters-breaking"),
    ("30 weeks and bleeding", "pregnancy-bleeding"),
]
NOT_PREGNANT = [
    "صارلي 3 اسابيع ونزل دم من الانف",
    "كل اسبوع 5 مرات ينزل دم من خشمي",
    "every week 5 times i get a nosebleed",
    "in week 12 of my course and bleeding a bit from a cut",
    "12 weeks of bed rest and now bleeding",
]


@pytest.mark.parametrize(("text", "flag"), PREGNANT)
def test_a_week_of_pregnancy_by_its_number_says_pregnant(matcher: Matcher, text: str, flag: str) -> None:
    assert matcher.understand(text).red_flag == flag


@pytest.mark.parametrize("text", NOT_PREGNANT)
def test_a_count_of_weeks_or_times_says_no_pregnancy(matcher: Matcher, text: str) -> None:
    u = matcher.understand(text)
    assert u.red_flag not in {"pregnancy-bleeding", "waters-breaking"}, u.red_flag
