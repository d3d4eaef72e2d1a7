"""Numbers said with their nouns by Babel's plural rules: Arabic's six categories, Russian's cases, English."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.lint import check
from content.loader import ContentError, default_content, load_content
from tests.content.conftest import edit


@pytest.mark.parametrize(
    ("lang", "minutes", "said"),
    [
        ("en", 1, "in 1 minute."),
        ("en", 5, "in 5 minutes."),
        ("ar", 1, "بعد دقيقة واحدة."),
        ("ar", 2, "بعد دقيقتين."),
        ("ar", 5, "بعد 5 دقائق."),  # 3-10: the plural
        ("ar", 15, "بعد 15 دقيقة."),  # 11-99: the singular
        ("ar", 100, "بعد 100 دقيقة."),
        ("ru", 1, "через 1 минуту."),
        ("ru", 3, "через 3 минуты."),
        ("ru", 5, "через 5 минут."),
        ("ru", 21, "через 21 минуту."),
        ("ru", 22, "через 22 минуты."),
    ],
)
def test_minutes_are_said_with_the_right_form(lang: str, minutes: int, said: str) -> None:
    assert default_content().message(lang, "reminder.later-set", minutes=minutes).endswith(said)


def test_a_field_without_a_plural_is_said_as_given() -> None:
    content = default_content()
    assert content.message("ar", "clinic.hours", hours="9:00-21:00").endswith("9:00-21:00")
    assert content.message("en", "session.rest", seconds=2) == "Rest 2 s."


def test_a_missing_category_and_an_unknown_plural_are_found(content_copy: Path) -> None:
    edit(content_copy / "messages" / "ar.toml", 'two = "دقيقتين"\n', "")
    edit(content_copy / "messages" / "ar.toml", "{seconds:seconds}.", "{seconds:secs}.")
    problems = check(load_content(content_copy))
    assert "messages/ar.toml: plural.minutes: no 'two' form (Babel's rules for 'ar' have it)" in problems
    assert "messages/ar.toml: session.rest: {…:secs} names no [plural.secs]" in problems


def test_a_category_the_language_does_not_have_is_refused(content_copy: Path) -> None:
    edit(content_copy / "messages" / "ru.toml", 'one = "{n} минуту"', 'one = "{n} минуту"\ntwo = "{n} минуты"')
    with pytest.raises(ContentError, match=r"plural\.minutes\.two: unknown key \(allowed: few, many, one, other\)"):
        load_content(content_copy)
