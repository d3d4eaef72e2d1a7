"""config.toml plus the environment -> frozen, typed Settings; anything unknown or wrong is a ConfigError.

Each section is a frozen dataclass whose fields are the section's keys (`from` is `sender`, `map` is
`map_url`). Reading is strict: an unknown section or key, a value of the wrong type, an unknown time
zone or language is refused with the file, the key and what is wrong. Every key can be overridden from
the environment as `REFLEXBOT_<SECTION>_<KEY>` (tables and arrays as a TOML inline value).
"""

from __future__ import annotations

import difflib
import os
import tomllib
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_data_dir

from bot.engine.knowledge import Branch, Clinic, Policy

REPO_CONFIG = Path(__file__).resolve().parents[1] / "config.toml"
ENV_PREFIX = "REFLEXBOT_"
TELEGRAM_API = "https://api.telegram.org/bot"


class ConfigError(ValueError):
    """config.toml (or the environment, or a flag) is missing something or has a wrong value."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _key(default: Any = MISSING, *, toml: str = "", minimum: float | None = None, maximum: float | None = None) -> Any:
    """A section key: its default (none = required), its TOML name if not the field's, its bounds."""
    metadata = {"toml": toml, "minimum": minimum, "maximum": maximum}
    if isinstance(default, Mapping):
        return field(default_factory=lambda: types.MappingProxyType(dict(default)), metadata=metadata)
    if isinstance(default, tuple):
        return field(default=default, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True, slots=True)
class StorageSettings:
    """[storage]: where people's conversations are kept."""

    url: str = _key("")  # "" = a SQLite file in the user data directory


@dataclass(frozen=True, slots=True)
class BotSettings:
    """[bot]: how a new person starts."""

    default_timezone: str = _key("Asia/Dubai")
    default_language: str = _key("en")


@dataclass(frozen=True, slots=True)
class SafetySettings:
    """[safety]: how long safety answers hold, and what is too late after a restart."""

    reask_days: int = _key(30, minimum=1)
    stale_step_seconds: int = _key(120, minimum=1)
    reminder_grace_minutes: int = _key(120, minimum=0)


@dataclass(frozen=True, slots=True)
class SessionSettings:
    """[session]: offers, snoozes and how long a session or an acute answer stays valid."""

    snooze_minutes: int = _key(15, minimum=1)
    later_minutes: int = _key(60, minimum=1)
    max_points_offered: int = _key(3, minimum=1)
    acute_valid_minutes: int = _key(30, minimum=1)
    idle_session_minutes: int = _key(30, minimum=1)
    min_rest_seconds: int = _key(2, minimum=1)
    max_rest_seconds: int = _key(30, minimum=1)


@dataclass(frozen=True, slots=True)
class PrivacySettings:
    """[privacy]: how long a person's data are kept after their last message (told a week before)."""

    retain_days: int = _key(365, minimum=8)


@dataclass(frozen=True, slots=True)
class BranchSettings:
    """[[clinic.branches]]: one branch."""

    id: str = _key()
    name: str = _key()
    phone: str = _key()
    whatsapp: str = _key()  # a https://wa.me/ link
    address: str = _key("")
    map_url: str = _key("", toml="map")
    hours: str = _key("")
    timezone: str = _key("")  # the zone of the times staff confirm there; "" = [bot] default_timezone
    names: Mapping[str, str] = _key({})  # the name people see in their language ("ar" -> "...", "ru" -> "...")


@dataclass(frozen=True, slots=True)
class ClinicSettings:
    """[clinic]: the clinic, its branches, and where booking requests go."""

    name: str = _key("the clinic")
    telegram_staff_chat_id: int = _key(0)
    whatsapp_staff_number: str = _key("")
    branches: tuple[BranchSettings, ...] = _key(())

    def as_clinic(self) -> Clinic:
        """The engine's view of the clinic."""
        return Clinic(
            name=self.name,
            branches=tuple(
                Branch(
                    b.id,
                    b.name,
                    b.address,
                    b.phone,
                    b.whatsapp,
                    map_url=b.map_url,
                    hours=b.hours,
                    names=tuple(sorted(b.names.items())),
                )
                for b in self.branches
            ),
        )


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """[server]: the webhook server, its workers and the shared send budget."""

    public_url: str = _key("")
    host: str = _key("127.0.0.1")
    port: int = _key(8080, minimum=1, maximum=65535)
    workers: int = _key(1, minimum=1)
    redis_url: str = _key("")  # $REFLEXBOT_REDIS_URL wins
    redis_prefix: str = _key("reflexbot")
    parallel_timers: int = _key(16, minimum=1)
    claim_seconds: float = _key(120.0, minimum=1)
    max_body_bytes: int = _key(131072, minimum=1024)  # a webhook body larger than this gets 413, unread
    max_form_fields: int = _key(100, minimum=1)  # a form with more fields gets 400 (Twilio sends ~40)
    body_timeout_seconds: float = _key(10.0, minimum=0.1)  # a body still arriving after this gets 408
    # The durable inbox: updates saved and not yet processed that one process may hold, of one person, and
    # people's updates processed at once; past a bound a webhook gets 503 and the platform retries.
    inbox_size: int = _key(1000, minimum=1)
    inbox_per_person: int = _key(20, minimum=1)
    parallel_updates: int = _key(64, minimum=1)


@dataclass(frozen=True, slots=True)
class TelegramSettings:
    """[telegram]: the Telegram channel (the token comes from $TELEGRAM_BOT_TOKEN only)."""

    enabled: bool = _key(False)
    mode: Literal["webhook", "polling"] = _key("webhook")
    api_base_url: str = _key(TELEGRAM_API)
    per_second: float = _key(30.0, minimum=0.001)
    per_chat_seconds: float = _key(1.0, minimum=0)
    timeout_seconds: float = _key(10.0, minimum=0.001)
    # Open HTTP connections to the Bot API at most (PTB's default is 256; httpcore's pool bookkeeping grows
    # with the square of the connections open, and the pace keeps sends far fewer than that anyway).
    connections: int = _key(16, minimum=1)


@dataclass(frozen=True, slots=True)
class TemplateSettings:
    """[whatsapp.templates.NAME]: an approved Content template used outside the 24-hour window."""

    content_sid: str = _key()
    content_variables: Mapping[str, str] = _key({})


@dataclass(frozen=True, slots=True)
class WhatsAppSettings:
    """[whatsapp]: the WhatsApp channel through Twilio (credentials from the environment only)."""

    enabled: bool = _key(False)
    sender: str = _key("", toml="from")  # "whatsapp:+14155238886"
    api_base_url: str = _key("")  # "" = Twilio itself
    session_pacing: Literal["per-round", "per-step"] = _key("per-round")
    per_second: float = _key(10.0, minimum=0.001)
    templates: Mapping[str, TemplateSettings] = _key({})
    choice_templates: Mapping[str, str] = _key({})  # "feel:better,feel:same,feel:worse" -> "HX..."


@dataclass(frozen=True, slots=True)
class DeskSettings:
    """[desk]: the clinic staff's web desk at /desk (its secret comes from $REFLEXBOT_DESK_SECRET only)."""

    enabled: bool = _key(False)
    session_minutes: int = _key(30, minimum=1, maximum=720)  # a session unused this long must log in again
    poll_seconds: int = _key(10, minimum=1, maximum=600)  # an open request page looks for changes this often


@dataclass(frozen=True, slots=True)
class MetricsSettings:
    """[metrics]: where GET /metrics is served (its bearer token comes from $REFLEXBOT_METRICS_TOKEN only)."""

    port: int = _key(0, minimum=0, maximum=65535)  # 0: on the public port; else only on this port, same host


SECTIONS: dict[str, type[Any]] = {
    "storage": StorageSettings,
    "bot": BotSettings,
    "safety": SafetySettings,
    "session": SessionSettings,
    "privacy": PrivacySettings,
    "clinic": ClinicSettings,
    "server": ServerSettings,
    "telegram": TelegramSettings,
    "whatsapp": WhatsAppSettings,
    "desk": DeskSettings,
    "metrics": MetricsSettings,
}
SECRET_VARIABLES = frozenset({"REFLEXBOT_DESK_SECRET", "REFLEXBOT_METRICS_TOKEN"})
"""Environment variables with a section's prefix that are secrets read where they are used, not keys."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable, read once at start: one typed value per section."""

    storage_url: str  # resolved: --db, $REFLEXBOT_DATABASE_URL, [storage] url, or the default file
    storage: StorageSettings = field(default_factory=StorageSettings)
    bot: BotSettings = field(default_factory=BotSettings)
    safety: SafetySettings = field(default_factory=SafetySettings)
    session: SessionSettings = field(default_factory=SessionSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    clinic: ClinicSettings = field(default_factory=ClinicSettings)
    server: ServerSettings = field(default_factory=ServerSettings)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    whatsapp: WhatsAppSettings = field(default_factory=WhatsAppSettings)
    desk: DeskSettings = field(default_factory=DeskSettings)
    metrics: MetricsSettings = field(default_factory=MetricsSettings)
    source: Path | None = None  # the file read, if any

    @property
    def policy(self) -> Policy:
        """The engine's tunable rules."""
        return Policy(
            default_tz=self.bot.default_timezone,
            reask_days=self.safety.reask_days,
            acute_valid_minutes=self.session.acute_valid_minutes,
            stale_step_seconds=self.safety.stale_step_seconds,
            idle_session_minutes=self.session.idle_session_minutes,
            reminder_grace_minutes=self.safety.reminder_grace_minutes,
            snooze_minutes=self.session.snooze_minutes,
            later_minutes=self.session.later_minutes,
            max_points_offered=self.session.max_points_offered,
            min_rest_seconds=self.session.min_rest_seconds,
            max_rest_seconds=self.session.max_rest_seconds,
            retain_days=self.privacy.retain_days,
        )


def default_storage_url() -> str:
    """A SQLite file in the user data directory."""
    return f"sqlite:///{Path(user_data_dir('reflexbot', appauthor=False)) / 'reflexbot.sqlite3'}"


def find_config(explicit: str | None, environ: Mapping[str, str] | None = None) -> Path | None:
    """--config, else $REFLEXBOT_CONFIG (each must exist), else ./config.toml, else the repository's."""
    named = (os.environ if environ is None else environ).get("REFLEXBOT_CONFIG")
    for given, what in ((explicit, "--config"), (named, "$REFLEXBOT_CONFIG")):
        if given:
            if not Path(given).is_file():
                raise ConfigError(f"{given}: config file not found (named by {what})")
            return Path(given)
    for candidate in (Path("config.toml"), REPO_CONFIG):
        if candidate.is_file():
            return candidate
    return None


def load_settings(
    path: str | None = None,
    *,
    db: str | None = None,
    tz: str | None = None,
    environ: Mapping[str, str] | None = None,
    languages: Iterable[str] | None = None,
) -> Settings:
    """Read config.toml and the environment strictly; `db` (a path or URL) and `tz` override both, as the
    CLI flags do. `languages` are those the content has (default: the shipped content's)."""
    env = os.environ if environ is None else environ
    found = find_config(path, env)
    name = str(found) if found is not None else "(no config file)"
    data: dict[str, Any] = {}
    if found is not None:
        try:
            data = tomllib.loads(found.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{name}: not valid TOML: {error}") from error
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{name}: cannot be read: {error}") from error
    problems: list[str] = []
    sections: dict[str, Any] = {}
    for section in data:
        if section not in SECTIONS:
            problems.append(f"{name}: [{section}]: unknown section{_did_you_mean(section, SECTIONS)}")
    overrides = _environment(env, problems)
    for section, cls in SECTIONS.items():
        table = data.get(section, {})
        if not isinstance(table, dict):
            problems.append(f"{name}: {section}: expected a table [{section}], got {_shown(table)}")
            table = {}
        sections[section] = _build(cls, table, overrides.get(section, {}), section, name, problems)
    if tz:
        sections["bot"] = _replace(sections["bot"], default_timezone=tz)

    def where(dotted: str) -> str:
        """The place a key's value came from, and the key: `$VARIABLE: key` or `file: key`."""
        section, _, key = dotted.partition(".")
        variable = overrides.get(section, {}).get(key.partition("[")[0])
        return f"${variable[0]}: {dotted}" if variable else f"{name}: {dotted}"

    _check(sections, where, problems, tz, languages)
    if problems:
        raise ConfigError(*problems)
    # A server's URL carries a password: $REFLEXBOT_DATABASE_URL keeps it out of the file.
    url = env.get("REFLEXBOT_DATABASE_URL") or sections["storage"].url or default_storage_url()
    if db:
        url = db if "://" in db else f"sqlite:///{Path(db).expanduser().resolve()}"
    redis = env.get("REFLEXBOT_REDIS_URL")
    if redis:
        sections["server"] = _replace(sections["server"], redis_url=redis)
    return Settings(storage_url=url, source=found, **sections)


def _check(
    sections: dict[str, Any],
    where: Callable[[str], str],
    problems: list[str],
    tz: str | None,
    languages: Iterable[str] | None,
) -> None:
    """What types alone cannot say: time zones, languages, links, the clinic's branches."""
    bot: BotSettings = sections["bot"]
    if not _is_time_zone(bot.default_timezone):
        at = "--tz" if tz else where("bot.default_timezone")
        problems.append(f"{at}: unknown time zone {bot.default_timezone!r} (an IANA name like 'Asia/Dubai')")
    if languages is None:
        from content.loader import default_content

        languages = default_content().languages
    known = tuple(languages)
    if bot.default_language not in known:
        problems.append(
            f"{where('bot.default_language')}: {bot.default_language!r} is not a content language "
            f"(one of: {', '.join(known)})"
        )
    session: SessionSettings = sections["session"]
    if session.min_rest_seconds > session.max_rest_seconds:
        problems.append(
            f"{where('session.min_rest_seconds')}: {session.min_rest_seconds} is more than "
            f"session.max_rest_seconds ({session.max_rest_seconds})"
        )
    metrics: MetricsSettings = sections["metrics"]
    if metrics.port and metrics.port == sections["server"].port:
        problems.append(f"{where('metrics.port')}: {metrics.port} is the public port (server.port): use another")
    clinic: ClinicSettings = sections["clinic"]
    seen: set[str] = set()
    for number, branch in enumerate(clinic.branches, start=1):
        at = where(f"clinic.branches[{number}]")
        if branch is None:  # a required key was missing: already noted
            continue
        for key in ("id", "name", "phone", "whatsapp"):
            if not getattr(branch, key).strip():
                problems.append(f"{at}.{key}: must not be empty")
        if branch.whatsapp and not branch.whatsapp.startswith("https://wa.me/"):
            problems.append(f"{at}.whatsapp: must be a https://wa.me/ link, got {branch.whatsapp!r}")
        if branch.timezone and not _is_time_zone(branch.timezone):
            problems.append(f"{at}.timezone: unknown time zone {branch.timezone!r} (an IANA name like 'Asia/Dubai')")
        if branch.id in seen:
            problems.append(f"{at}.id: {branch.id!r} is used by another branch")
        seen.add(branch.id)
    for key, value in (
        ("storage.url", sections["storage"].url),
        ("server.redis_url", sections["server"].redis_url),
    ):
        if value and "://" not in value:
            problems.append(f"{where(key)}: expected a URL like scheme://..., got {value!r}")
    for key, value in (
        ("server.public_url", sections["server"].public_url),
        ("telegram.api_base_url", sections["telegram"].api_base_url),
        ("whatsapp.api_base_url", sections["whatsapp"].api_base_url),
    ):
        if value and not value.startswith(("https://", "http://")):
            problems.append(f"{where(key)}: expected an http(s):// URL, got {value!r}")


def _is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _environment(env: Mapping[str, str], problems: list[str]) -> dict[str, dict[str, tuple[str, str]]]:
    """REFLEXBOT_<SECTION>_<KEY> variables by section and key: (variable, raw value)."""
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for variable in sorted(env):
        if not variable.startswith(ENV_PREFIX) or variable in SECRET_VARIABLES:
            continue
        rest = variable.removeprefix(ENV_PREFIX).lower()
        section = next((s for s in SECTIONS if rest.startswith(s + "_")), None)
        if section is None:
            continue  # REFLEXBOT_CONFIG, REFLEXBOT_DATABASE_URL, REFLEXBOT_LOG_LEVEL ... are not sections
        key = rest.removeprefix(section + "_")
        names = {_toml_name(f): f.name for f in fields(SECTIONS[section])}
        if key not in names:
            choices = {n.upper(): None for n in names}
            hint = _did_you_mean(key.upper(), choices, f"{ENV_PREFIX}{section.upper()}_")
            problems.append(f"${variable}: {section}.{key}: unknown key{hint}")
            continue
        found.setdefault(section, {})[key] = (variable, env[variable])
    return found


def _toml_name(f: Any) -> str:
    return str(f.metadata.get("toml") or f.name)


def _build(
    cls: type[Any],
    table: Mapping[str, Any],
    overrides: Mapping[str, tuple[str, str]],
    where: str,
    name: str,
    problems: list[str],
) -> Any:
    """One dataclass from a TOML table (and environment overrides), every problem noted."""
    hints = typing.get_type_hints(cls)
    known = {_toml_name(f): f for f in fields(cls)}
    for key in table:
        if key not in known:
            problems.append(f"{name}: {where}.{key}: unknown key{_did_you_mean(key, known)}")
    values: dict[str, Any] = {}
    for key, f in known.items():
        dotted = f"{where}.{key}"
        if key in overrides:
            variable, raw = overrides[key]
            try:
                value = _from_environment(raw, hints[f.name])
            except ValueError as error:
                problems.append(f"${variable}: {dotted}: {error}")
                continue
            origin = f"${variable}"
        elif key in table:
            value, origin = table[key], name
        elif f.default is MISSING and f.default_factory is MISSING:
            problems.append(f"{name}: {dotted}: missing (required)")
            continue
        else:
            continue
        before = len(problems)
        converted = _convert(value, hints[f.name], dotted, origin, name, problems)
        if len(problems) == before:
            _bounds(converted, f, dotted, origin, problems)
            values[f.name] = converted
    try:
        return cls(**values)
    except TypeError:  # a required key was missing: already noted
        return None


def _convert(value: Any, hint: Any, dotted: str, origin: str, name: str, problems: list[str]) -> Any:
    """`value` as the type `hint`, or a problem noted (and None returned)."""
    origin_type = typing.get_origin(hint)
    if hint is bool:
        if isinstance(value, bool):
            return value
        return _wrong(value, "true or false", dotted, origin, problems)
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return _wrong(value, "an integer", dotted, origin, problems)
    if hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return _wrong(value, "a number", dotted, origin, problems)
    if hint is str:
        if isinstance(value, str):
            return value
        return _wrong(value, "a string", dotted, origin, problems)
    if origin_type is Literal:
        allowed = typing.get_args(hint)
        if value in allowed:
            return value
        return _wrong(value, "one of " + ", ".join(repr(a) for a in allowed), dotted, origin, problems)
    if origin_type is tuple:  # an array of tables, as [[clinic.branches]]
        item = typing.get_args(hint)[0]
        if not isinstance(value, list):
            return _wrong(value, "an array of tables", dotted, origin, problems)
        items = []
        for number, element in enumerate(value, start=1):
            at = f"{dotted}[{number}]"
            if not isinstance(element, dict):
                _wrong(element, "a table", at, origin, problems)
                continue
            items.append(_build(item, element, {}, at, origin, problems))
        return tuple(items)
    if origin_type is Mapping:  # a table of strings, or of tables
        item = typing.get_args(hint)[1]
        if not isinstance(value, dict):
            return _wrong(value, "a table", dotted, origin, problems)
        entries: dict[str, Any] = {}
        for key, element in value.items():
            at = f"{dotted}.{key}" if key.replace("_", "").replace("-", "").isalnum() else f'{dotted}."{key}"'
            if isinstance(item, type) and is_dataclass(item):
                if not isinstance(element, dict):
                    _wrong(element, "a table", at, origin, problems)
                    continue
                entries[key] = _build(item, element, {}, at, origin, problems)
            else:
                entries[key] = _convert(element, item, at, origin, name, problems)
        return types.MappingProxyType(entries)
    raise TypeError(f"config: no reader for {hint!r}")  # a programmer error in this module


def _wrong(value: Any, expected: str, dotted: str, origin: str, problems: list[str]) -> None:
    problems.append(f"{origin}: {dotted}: expected {expected}, got {_shown(value)}")


def _shown(value: Any) -> str:
    kind = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "table"}
    return f"{kind.get(type(value), type(value).__name__)} {value!r}"


def _bounds(value: Any, f: Any, dotted: str, origin: str, problems: list[str]) -> None:
    low, high = f.metadata.get("minimum"), f.metadata.get("maximum")
    if low is not None and value < low:
        problems.append(f"{origin}: {dotted}: must be at least {low:g}, got {value!r}")
    if high is not None and value > high:
        problems.append(f"{origin}: {dotted}: must be at most {high:g}, got {value!r}")


def _from_environment(raw: str, hint: Any) -> Any:
    """An environment variable's text as the key's type (tables and arrays as a TOML inline value)."""
    if hint is str or typing.get_origin(hint) is Literal:
        return raw
    text = raw.strip()
    if hint is bool:
        if text.lower() in ("true", "1", "yes", "on"):
            return True
        if text.lower() in ("false", "0", "no", "off"):
            return False
        raise ValueError(f"expected true or false, got {raw!r}")
    if hint is int:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"expected an integer, got {raw!r}") from None
    if hint is float:
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"expected a number, got {raw!r}") from None
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        raise ValueError(f"expected a TOML inline value (a table {{...}} or an array [...]), got {raw!r}") from None


def _did_you_mean(given: str, known: Iterable[str], prefix: str = "") -> str:
    close = difflib.get_close_matches(given, list(known), n=1, cutoff=0.6)
    return f" (did you mean {prefix}{close[0]}?)" if close else ""


def _replace(section: Any, **changes: Any) -> Any:
    values = {f.name: getattr(section, f.name) for f in fields(section)}
    return type(section)(**{**values, **changes})
