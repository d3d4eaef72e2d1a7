"""config.toml (plus the environment, for secrets) -> frozen Settings."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from bot.engine.knowledge import Branch, Clinic, Policy

REPO_CONFIG = Path(__file__).resolve().parents[1] / "config.toml"


class ConfigError(ValueError):
    """config.toml is missing something or has a wrong value."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable, read once at start."""

    storage_url: str
    clinic: Clinic
    policy: Policy
    default_language: str = "en"
    public_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8080
    raw: dict[str, Any] = field(default_factory=dict)  # the channel sections, for the channel adapters


def default_storage_url() -> str:
    """A SQLite file in the user data directory."""
    return f"sqlite:///{Path(user_data_dir('reflexbot', appauthor=False)) / 'reflexbot.sqlite3'}"


def find_config(explicit: str | None) -> Path | None:
    """--config, then $REFLEXBOT_CONFIG, then ./config.toml, then the repository's config.toml."""
    for candidate in (explicit, os.environ.get("REFLEXBOT_CONFIG"), "config.toml", str(REPO_CONFIG)):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    if explicit:
        raise ConfigError(f"config file not found: {explicit}")
    return None


def load_settings(path: str | None = None, *, db: str | None = None, tz: str | None = None) -> Settings:
    """Read config.toml; `db` (a path or URL) and `tz` override it, as the CLI flags do."""
    found = find_config(path)
    data: dict[str, Any] = tomllib.loads(found.read_text(encoding="utf-8")) if found else {}
    bot, safety, session = data.get("bot", {}), data.get("safety", {}), data.get("session", {})
    policy = Policy(
        default_tz=tz or str(bot.get("default_timezone", "Asia/Dubai")),
        reask_days=int(safety.get("reask_days", 30)),
        stale_step_seconds=int(safety.get("stale_step_seconds", 120)),
        reminder_grace_minutes=int(safety.get("reminder_grace_minutes", 120)),
        snooze_minutes=int(session.get("snooze_minutes", 15)),
        later_minutes=int(session.get("later_minutes", 60)),
        max_points_offered=int(session.get("max_points_offered", 3)),
    )
    # A server's URL carries a password: $REFLEXBOT_DATABASE_URL keeps it out of the file.
    url = (
        os.environ.get("REFLEXBOT_DATABASE_URL")
        or str(data.get("storage", {}).get("url") or "")
        or default_storage_url()
    )
    if db:
        url = db if "://" in db else f"sqlite:///{Path(db).expanduser().resolve()}"
    server = data.get("server", {})
    return Settings(
        storage_url=url,
        clinic=_clinic(data.get("clinic", {})),
        policy=policy,
        default_language=str(bot.get("default_language", "en")),
        public_url=str(server.get("public_url", "")),
        host=str(server.get("host", "127.0.0.1")),
        port=int(server.get("port", 8080)),
        raw=data,
    )


def _clinic(section: dict[str, Any]) -> Clinic:
    branches = []
    for number, b in enumerate(section.get("branches", []), start=1):
        missing = [k for k in ("id", "name", "phone", "whatsapp") if not b.get(k)]
        if missing:
            raise ConfigError(f"[[clinic.branches]] #{number}: missing {', '.join(missing)}")
        if not str(b["whatsapp"]).startswith("https://wa.me/"):
            raise ConfigError(f"[[clinic.branches]] #{number}: whatsapp must be a https://wa.me/ link")
        branches.append(
            Branch(
                id=str(b["id"]),
                name=str(b["name"]),
                address=str(b.get("address", "")),
                phone=str(b["phone"]),
                whatsapp=str(b["whatsapp"]),
                map_url=str(b.get("map", "")),
                hours=str(b.get("hours", "")),
            )
        )
    return Clinic(name=str(section.get("name", "the clinic")), branches=tuple(branches))
