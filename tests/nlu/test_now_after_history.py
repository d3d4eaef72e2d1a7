"""A history before "and now" dates nothing after it: "had a stroke last year AND NOW his face is drooping" is an
emergency of today, in every language that names its "now" words (class `now`), unless what follows lingers from
that history ("...and now his arm is STILL weak", class `lingering`); a history alone stays a history."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher


@pytest.mark.parametrize(
    "text",
    [
        "had a stroke last year and now his face is drooping again",
        "i was pregnant last month and now im bleeding a lot",
        "had a miscarriage last month and now im bleeding a lot",
        "my mum had a heart attack in 2019 and today her chest is crushing again",
        "he fainted as a child and now he collapsed and is not waking up",
        "جاته جلطة السنة الماضية والحين وجهه مايل",
        "ana kan 3ndi jal6a el sana el madya w el7in weyhi mayel w ma agdar atkalam",
        "инсульт был год назад и сейчас опять лицо перекосило",
        "pichle saal stroke aaya tha aur ab chehra tedha ho gaya",
        "na-stroke siya last year at ngayon tabingi ulit mukha niya",
    ],
)
def test_a_sign_after_and_now_is_of_today(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is not None


@pytest.mark.parametrize(
    "text",
    [
        "had a stroke last year and now he is fine",
        "had a heart attack in 2019 and now i take aspirin daily",
        "had a dvt 2 years ago and now im on blood thinners",
        "my dad had a stroke in 2019 and now he walks with a stick",
        "he had a stroke in 2020 and now his left arm is still weak",
        "she had a stroke 2 years back and now her speech is still slurred a bit",
        "i had a stroke 3 years ago and now i do physio for my weak arm",
        "had chest pain last year and today its fine",
        "инсульт был год назад и сейчас рука до сих пор слабая",
        "جاته جلطة قبل سنتين والحين يده لسه ضعيفة",
        "pichle saal stroke aaya tha aur ab bhi haath thoda kamzor hai",
    ],
)
def test_a_history_or_what_lingers_from_it_stays_calm(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None


@pytest.mark.parametrize(
    "text",
    [
        "انا حامل وعندي مغص",
        "حامل في الشهر السابع وبطني يمغصني",
        "ana 7amel w 3ndi ma8a9",
        "я беременна, живот крутит и колики",
        "beremenna i spazmy",
    ],
)
def test_any_cramps_in_pregnancy_get_the_pregnancy_advice_in_arabic_and_russian(matcher: Matcher, text: str) -> None:
    understanding = matcher.understand(text)
    assert understanding.red_flag == "pregnancy-bleeding"
    assert understanding.points == ()


@pytest.mark.parametrize(
    "text",
    [
        "لما كنت حامل كان عندي مغص كثير",
        "مو حامل بس عندي مغص",
        "ana mish 7amel bas 3andi ma8a9",
        "не беременна, просто колики",
    ],
)
def test_cramps_outside_a_pregnancy_of_now_stay_a_symptom(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None


@pytest.mark.parametrize(
    "text",
    [
        "this heat is crazy, and suddenly my friend collapsed",
        "this heat is killing me, and suddenly my friend collapsed",
        "задыхаюсь от этой жары и вдруг потеряла сознание",
        "задыхаюсь в этой жаре и губы синеют",
    ],
)
def test_a_sign_beside_a_figure_of_speech_is_weighed_on_its_own(matcher: Matcher, text: str) -> None:
    # the longer reading that holds the figure's word ("heat ... collapsed") is excused with it; the sign is not
    assert matcher.understand(text).red_flag is not None
