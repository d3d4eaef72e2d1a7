"""config.toml and the environment: strict, typed, and every mistake named with its file and key."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from bot.assembly import newcomer
from bot.cli import main
from bot.config import REPO_CONFIG, SECTIONS, ConfigError, TemplateSettings, load_settings

README = Path(__file__).resolve().parents[1] / "README.md"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path, env: dict[str, str] | None = None, **kwargs: object) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(str(path), environ=env or {}, **kwargs)  # type: ignore[arg-type]
    return str(caught.value)


def test_the_repository_config_reads_with_every_section() -> None:
    settings = load_settings(str(REPO_CONFIG), environ={})
    assert settings.source == REPO_CONFIG
    assert settings.bot.default_timezone == "Asia/Dubai" and settings.bot.default_language == "en"
    assert settings.policy.reask_days == 30 and settings.policy.snooze_minutes == 15
    assert [b.id for b in settings.clinic.branches] == ["main", "dhcc"]
    assert settings.clinic.as_clinic().branch("main") is not None
    assert settings.whatsapp.sender == "whatsapp:+14155238886" and settings.whatsapp.session_pacing == "per-round"
    assert settings.telegram.mode == "webhook" and settings.server.port == 8080


def test_an_empty_file_means_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(str(write(tmp_path, "")), environ={})
    assert settings.policy.acute_valid_minutes == 30 and settings.policy.idle_session_minutes == 30
    assert settings.server.claim_seconds == 120.0 and settings.telegram.per_second == 30.0
    assert settings.storage_url.startswith("sqlite:///") and settings.clinic.branches == ()
    assert settings.policy.retain_days == 365


def test_how_long_data_are_kept_is_configured_and_bounded(tmp_path: Path) -> None:
    path = write(tmp_path, "[privacy]\nretain_days = 90\n")
    assert load_settings(str(path), environ={}).policy.retain_days == 90
    env = {"REFLEXBOT_PRIVACY_RETAIN_DAYS": "30"}
    assert load_settings(str(path), environ=env).policy.retain_days == 30
    # The notice goes a week before: a shorter time could not give it.
    assert "privacy.retain_days: must be at least 8, got 7" in problems(write(tmp_path, "[privacy]\nretain_days = 7\n"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[sesion]\nsnooze_minutes = 5\n", "[sesion]: unknown section (did you mean session?)"),
        ("[telegram]\nenabeld = true\n", "telegram.enabeld: unknown key (did you mean enabled?)"),
        ('[safety]\nreask_days = "thirty"\n', "safety.reask_days: expected an integer, got string 'thirty'"),
        ("[session]\nsnooze_minutes = 1.5\n", "session.snooze_minutes: expected an integer, got number 1.5"),
        ("[telegram]\nenabled = 1\n", "telegram.enabled: expected true or false, got integer 1"),
        ('[bot]\ndefault_timezone = "Asia/Dubia"\n', "bot.default_timezone: unknown time zone 'Asia/Dubia'"),
        ('[bot]\ndefault_language = "xx"\n', "bot.default_language: 'xx' is not a content language"),
        ('[telegram]\nmode = "poll"\n', "telegram.mode: expected one of 'webhook', 'polling', got string 'poll'"),
        ("[server]\nport = 0\n", "server.port: must be at least 1, got 0"),
        (
            "[session]\nmin_rest_seconds = 40\n",
            "session.min_rest_seconds: 40 is more than session.max_rest_seconds (30)",
        ),
        ('[server]\npublic_url = "bot.example.com"\n', "server.public_url: expected an http(s):// URL"),
        ('session = "x"\n', "session: expected a table [session], got string 'x'"),
        (
            '[[clinic.branches]]\nid = "a"\nname = "A"\nwhatsapp = "https://wa.me/1"\n',
            "clinic.branches[1].phone: missing",
        ),
        (
            '[[clinic.branches]]\nid = "a"\nname = "A"\nphone = "1"\nwhatsapp = "https://wa.me/1"\ntimezone = "X"\n',
            "clinic.branches[1].timezone: unknown time zone 'X'",
        ),
        (
            '[[clinic.branches]]\nid = "a"\nname = "A"\nphone = "1"\nwhatsapp = "http://x"\n',
            "clinic.branches[1].whatsapp: must be a https://wa.me/ link",
        ),
        ('[whatsapp.templates.reminder]\ncontent_sd = "HX1"\n', "whatsapp.templates.reminder.content_sd: unknown key"),
        ('[whatsapp.choice_templates]\n"a,b" = 3\n', 'whatsapp.choice_templates."a,b": expected a string'),
        ("[storage\n", "not valid TOML"),
    ],
)
def test_a_mistake_names_the_file_the_key_and_the_problem(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    message = problems(path)
    assert message.startswith(f"{path}: ") and expected in message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, '[sesion]\n[bot]\ndefault_timezone = "Mars/Olympus"\n[server]\nworkers = "two"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(str(path), environ={})
    assert len(caught.value.problems) == 3


def test_a_flag_overrides_the_time_zone_and_is_checked_too(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    assert load_settings(str(path), tz="Europe/Moscow", environ={}).policy.default_tz == "Europe/Moscow"
    assert problems(path, tz="Moscow").startswith("--tz: unknown time zone 'Moscow'")


def test_the_environment_overrides_any_key_with_its_type(tmp_path: Path) -> None:
    path = write(tmp_path, "[session]\nsnooze_minutes = 15\n[server]\nport = 8080\n")
    env = {
        "REFLEXBOT_SESSION_SNOOZE_MINUTES": "5",
        "REFLEXBOT_SERVER_PORT": "9000",
        "REFLEXBOT_TELEGRAM_ENABLED": "yes",
        "REFLEXBOT_TELEGRAM_PER_SECOND": "12.5",
        "REFLEXBOT_WHATSAPP_FROM": "whatsapp:+15550001",
        "REFLEXBOT_WHATSAPP_TEMPLATES": '{ reminder = { content_sid = "HX1", content_variables = { "1" = "now" } } }',
        "REFLEXBOT_CONFIG": str(path),
        "REFLEXBOT_LOG_LEVEL": "INFO",  # not a section: left alone
    }
    settings = load_settings(str(path), environ=env)
    assert settings.policy.snooze_minutes == 5 and settings.server.port == 9000
    assert settings.telegram.enabled is True and settings.telegram.per_second == 12.5
    assert settings.whatsapp.sender == "whatsapp:+15550001"
    assert settings.whatsapp.templates["reminder"] == TemplateSettings("HX1", {"1": "now"})


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("REFLEXBOT_SESSION_SNOOZE_MINUTES", "five", "session.snooze_minutes: expected an integer, got 'five'"),
        (
            "REFLEXBOT_SESSION_SNOOZE_MINUTE",
            "5",
            "session.snooze_minute: unknown key (did you mean REFLEXBOT_SESSION_SNOOZE_MINUTES?)",
        ),
        ("REFLEXBOT_SERVER_PORT", "70000", "server.port: must be at most 65535"),
        ("REFLEXBOT_TELEGRAM_ENABLED", "maybe", "telegram.enabled: expected true or false"),
        ("REFLEXBOT_TELEGRAM_MODE", "push", "telegram.mode: expected one of"),
        ("REFLEXBOT_BOT_DEFAULT_TIMEZONE", "Asia/Dubia", "bot.default_timezone: unknown time zone"),
        ("REFLEXBOT_CLINIC_BRANCHES", "main", "clinic.branches: expected a TOML inline value"),
        ("REFLEXBOT_CLINIC_BRANCHES", '[{ id = "a" }]', "clinic.branches[1].name: missing"),
        ("REFLEXBOT_SERVER_PUBLIC_URL", "example.com", "server.public_url: expected an http(s):// URL"),
    ],
)
def test_a_bad_environment_value_names_the_variable(tmp_path: Path, variable: str, value: str, expected: str) -> None:
    assert f"${variable}: {expected}" in problems(write(tmp_path, ""), {variable: value})


def test_database_and_redis_urls_from_the_environment_win(tmp_path: Path) -> None:
    path = write(tmp_path, '[storage]\nurl = "sqlite:///x.db"\n[server]\nredis_url = "redis://file:6379/0"\n')
    env = {"REFLEXBOT_DATABASE_URL": "postgresql://bot:secret@db/bot", "REFLEXBOT_REDIS_URL": "redis://env:6379/1"}
    settings = load_settings(str(path), environ=env)
    assert (
        settings.storage_url == "postgresql://bot:secret@db/bot" and settings.server.redis_url == "redis://env:6379/1"
    )
    assert load_settings(str(path), environ={}).server.redis_url == "redis://file:6379/0"
    assert load_settings(str(path), db=str(tmp_path / "c.sqlite3"), environ=env).storage_url.endswith("c.sqlite3")


def test_a_named_file_must_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    assert "config file not found (named by --config)" in problems(missing)
    with pytest.raises(ConfigError, match=r"named by \$REFLEXBOT_CONFIG"):
        load_settings(environ={"REFLEXBOT_CONFIG": str(missing)})


def test_the_default_language_is_where_new_people_start(tmp_path: Path) -> None:
    path = write(tmp_path, '[bot]\ndefault_language = "ar"\ndefault_timezone = "Asia/Riyadh"\n')
    assert "'ar' is not a content language (one of: en)" in problems(path, languages=("en",))
    settings = load_settings(str(path), environ={}, languages=("en", "ar"))
    first = newcomer(settings)
    assert first("telegram:1").lang == "ar" and first("telegram:1").tz == "Asia/Riyadh"
    whatsapp = first("whatsapp:+971501234567")
    assert whatsapp.lang == "ar" and whatsapp.tz == "Asia/Dubai" and whatsapp.per_round and whatsapp.window_hours == 24


def test_config_check_says_ok_or_lists_the_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in [v for v in os.environ if v.startswith("REFLEXBOT_")]:
        monkeypatch.delenv(variable)
    good = write(tmp_path, "[session]\nsnooze_minutes = 10\n")
    assert main(["config", "check", "--config", str(good)]) == 0
    assert capsys.readouterr().out == f"config ok: {good}\n"
    bad = tmp_path / "bad.toml"
    bad.write_text('[sesion]\n[safety]\nreask_days = "thirty"\n')
    assert main(["config", "check", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("reflexbot: 2 problems in the configuration:\n")
    assert f"  {bad}: [sesion]: unknown section" in err and f"  {bad}: safety.reask_days: expected an integer" in err
    assert main(["chat", "--jsonl", "--config", str(tmp_path / "missing.toml")]) == 2
    assert "missing.toml: config file not found" in capsys.readouterr().err


def test_the_cli_exits_2_without_a_traceback(tmp_path: Path) -> None:
    bad = write(tmp_path, '[bot]\ndefault_timezone = "Asia/Dubia"\n')
    done = subprocess.run(
        [sys.executable, "-m", "bot", "config", "check", "--config", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        f"reflexbot: {bad}: bot.default_timezone: unknown time zone 'Asia/Dubia' (an IANA name like 'Asia/Dubai')\n"
    )


def test_every_key_is_documented_in_the_readme() -> None:
    section = README.read_text(encoding="utf-8").split("## Configuration", 1)[1].split("\n## ", 1)[0]
    for name, cls in SECTIONS.items():
        assert f"[{name}]" in section, name
        for f in fields(cls):
            key = str(f.metadata.get("toml") or f.name)
            assert re.search(rf"\b{key}\b", section), f"{name}.{key} is not in README's Configuration section"
