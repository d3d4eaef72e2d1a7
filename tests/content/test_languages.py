"""Language files (content/languages/<lang>.toml): loaded strictly, linted, and enough to add a language."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.nlu import Matcher, When
from bot.nlu.words import STEMMERS
from content.lint import check
from content.loader import STEMMERS as LOADER_STEMMERS
from content.loader import ContentError, default_content, load_content
from tests.content.conftest import edit

SPANISH = Path(__file__).resolve().parent / "languages" / "es.toml"


def test_english_words_load() -> None:
    words = default_content().words("en")
    assert words.stems.stemmer == "english-light"
    assert "no" in words.negation.cues and "please" in words.intents.padding_after
    assert "expecting" in words.safety.pregnant and "maybe" in words.safety.hedges
    assert words.when.recurring_days["weekends"] == (5, 6)
    assert words.when.numbers["a couple of"] == 2


def test_unknown_language_falls_back_to_english() -> None:
    content = default_content()
    assert content.words("xx") is content.words("en")


def test_loader_knows_every_stemmer() -> None:
    assert set(LOADER_STEMMERS) == set(STEMMERS)


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ("[negation]\n", "[negation]\ncue = []\n", "languages/en.toml: negation.cue: unknown key"),
        (
            'keep_order = ["cannot", "never", "no", "none", "nor", "not", "without"]',
            'keep_order = "no"',
            "languages/en.toml: matching.keep_order: expected a list of strings, got str",
        ),
        ('stemmer = "english-light"', 'stemmer = "porter"', "languages/en.toml: stemmer: 'porter' is not one of"),
        ("[safety]\n", "[safety]\nhedges_extra = []\n", "languages/en.toml: safety.hedges_extra: unknown key"),
        ("monday = 0", "monday = 7", "languages/en.toml: when.days.monday: a weekday is 0 (Monday) to 6"),
        ("weekends = [5, 6]", 'weekends = ["sat"]', "languages/en.toml: when.recurring_days.weekends: item 1"),
        ('feet = "foot"', "feet = 1", "languages/en.toml: stems.irregular.feet: expected a string, got int"),
        ('verb_subjects = ["a", "had", "has", "having"]', "", "languages/en.toml: red_flags.verb_subjects: missing"),
    ],
)
def test_bad_language_file(content_copy: Path, old: str, new: str, error: str) -> None:
    edit(content_copy / "languages" / "en.toml", old, new)
    with pytest.raises(ContentError) as raised:
        load_content(content_copy)
    assert error in str(raised.value)


def test_english_is_required(content_copy: Path) -> None:
    (content_copy / "languages" / "en.toml").unlink()
    with pytest.raises(ContentError, match=r"languages/en\.toml: file is missing"):
        load_content(content_copy)


def test_file_name_is_a_language_code(content_copy: Path) -> None:
    shutil.copy(content_copy / "languages" / "en.toml", content_copy / "languages" / "English.toml")
    with pytest.raises(ContentError, match=r"languages/English\.toml: \(file name\): not a language code"):
        load_content(content_copy)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            'cues = ["free", "neither"',
            'cues = ["free", "no", "neither"',
            "languages/en.toml: negation.cues: 'no' is listed twice",
        ),
        ('cues = ["free",', 'cues = ["Free", "free",', "languages/en.toml: negation.cues: 'Free' is never seen"),
        (
            '"sure", "think"',
            '"sure", "dont", "think"',
            "safety.hedges: 'dont' is never seen: the normaliser makes it 'do not'",
        ),
        ("padding_after = [", 'padding_after = ["can\'t", ', 'intents.padding_after: "can\'t" is never seen'),
    ],
)
def test_lint_catches_bad_words(content_copy: Path, old: str, new: str, problem: str) -> None:
    edit(content_copy / "languages" / "en.toml", old, new)
    problems = check(load_content(content_copy))
    assert any(problem in line for line in problems), problems


def test_lint_wants_a_file_per_language(content_copy: Path) -> None:
    edit(content_copy / "intents.toml", "[help.text.en]", '[help.text.de]\nphrases = ["hilfe"]\n\n[help.text.en]')
    problems = check(load_content(content_copy))
    assert "languages/de.toml: file is missing (content has text in 'de')" in problems


def test_a_language_is_added_with_files_only(content_copy: Path) -> None:
    shutil.copy(SPANISH, content_copy / "languages" / "es.toml")
    edit(
        content_copy / "symptoms.toml",
        "[headache.text.en]",
        '[headache.text.es]\nlabel = "dolor de cabeza"\nphrases = ["dolor de cabeza", "migraña"]\n\n[headache.text.en]',
    )
    edit(content_copy / "intents.toml", "[help.text.en]", '[help.text.es]\nphrases = ["ayuda"]\n\n[help.text.en]')
    content = load_content(content_copy)
    assert "es" in content.languages
    assert content.words("es").stems.stemmer == "none"
    assert not [line for line in check(content) if line.startswith("languages/")]
    matcher = Matcher(content)
    denied = matcher.understand("no tengo dolor de cabeza", "es")
    assert denied.negated == ("headache",) and not denied.symptoms
    assert [s.id for s in matcher.understand("tengo dolores de cabeza", "es").symptoms] == ["headache"]
    assert matcher.understand("ayuda por favor", "es").intent == "help"
    assert matcher.understand("recuérdame cada noche a las 9", "es").when == When(True, 21, 0, None)
    assert matcher.understand("entre semana a las 10", "es").when == When(True, 22, 0, None, (0, 1, 2, 3, 4))
    assert matcher.understand("no headache", "en").negated == ("headache",)  # English is untouched


def test_snowball_stemmers_join_word_forms_and_pickle() -> None:
    import pickle

    russian = STEMMERS["snowball-russian"]({})
    assert russian("головная") == russian("головной") and russian("боль") == russian("боли")
    arabic = STEMMERS["snowball-arabic"]({"ولد": "ولد"})
    assert arabic("الصداع") == arabic("صداع") and arabic("ولد") == "ولد"  # irregular forms win
    assert pickle.loads(pickle.dumps(russian))("болела") == russian("болела")


def test_translation_files_set_texts_in_and_say_if_reviewed(content_copy: Path) -> None:
    folder = content_copy / "text" / "es"
    folder.mkdir(parents=True)
    (folder / "symptoms.toml").write_text(
        'reviewed = false\n[headache]\nlabel = "dolor de cabeza"\nphrases = ["dolor de cabeza"]\n'
    )
    (content_copy / "messages" / "es.toml").write_text(
        'reviewed = true\nreviewed_by = "Dra. Ruiz, 2026-11"\nmenu = "¿Qué tal?"\n'
    )
    content = load_content(content_copy)
    assert content.symptoms["headache"].text["es"].label == "dolor de cabeza"
    assert {(t.file, t.reviewed, t.reviewed_by) for t in content.translations} >= {
        ("text/es/symptoms.toml", False, ""),
        ("messages/es.toml", True, "Dra. Ruiz, 2026-11"),
    }
    assert content.message("es", "menu") == "¿Qué tal?"
    assert content.message("es-Latn", "menu") == "¿Qué tal?"  # a script variant falls back to its language
    assert content.message("es", "thanks") == content.message("en", "thanks")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('[headache]\nlabel = "x"\nphrases = ["x"]\n', r"text/es/symptoms\.toml: reviewed: missing"),
        (
            'reviewed = false\n[no-such]\nlabel = "x"\nphrases = ["x"]\n',
            r"text/es/symptoms\.toml: no-such: no such entry",
        ),
        ('reviewed = false\n[headache]\nlabel = "x"\n', r"text/es/symptoms\.toml: headache\.phrases: missing"),
    ],
)
def test_translation_errors_name_the_translation_file(content_copy: Path, text: str, error: str) -> None:
    folder = content_copy / "text" / "es"
    folder.mkdir(parents=True)
    (folder / "symptoms.toml").write_text(text)
    with pytest.raises(ContentError, match=error):
        load_content(content_copy)
