"""A history told in one language around a sign named in English ("pichle saal heart attack aaya tha") is a
history, as it is in English: the English reading of a mixed text hears the writer's own history markers."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher


@pytest.mark.parametrize(
    "text",
    [
        "pichle saal papa ko heart attack aaya tha, ab main stress mein hoon",
        "mujhe 2 saal pehle heart attack aaya tha, abhi neend nahi aati",
        "pichle saal mujhe stroke hua tha",
        "noong isang taon nagka heart attack ako, ngayon hindi ako makatulog",
        "السنة الماضية جاني heart attack والحين ما انام",
        "в прошлом году был heart attack, теперь плохо сплю",
    ],
)
def test_a_history_in_a_mixed_text_is_no_emergency_now(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None


@pytest.mark.parametrize(
    "text",
    ["mujhe heart attack aa raha hai", "papa ko abhi heart attack aa raha hai", "عندي chest pain قوي الحين"],
)
def test_a_sign_now_in_a_mixed_text_is_still_caught(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag == "chest-pain"


@pytest.mark.parametrize(
    "text",
    [
        "جاتني جلطة قبل ٣ سنين والحين الحمدلله بخير، ينفع المساج؟",  # a count inside the marker
        "my dad had stroke long time back, ab theek hai, massage ok?",
        "chest pain nahi hai bas thakan hai",  # the writer's own negation, after the sign
    ],
)
def test_a_history_or_a_denial_in_the_writers_own_words(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None


@pytest.mark.parametrize(
    "text",
    [
        "years ago i had a bad time and thought about suicide, now fine",
        "back in college i had a bad phase and thought about suicide but i got therapy and i am doing well now",
    ],
)
def test_another_languages_contrast_that_is_a_small_english_word_splits_nothing(matcher: Matcher, text: str) -> None:
    """Russian "а", "но" typed in Latin letters are English "a", "no": read by the Russian-in-Latin reader, they
    cut "years ago" off the sign it dates."""
    assert matcher.understand(text).red_flag is None
