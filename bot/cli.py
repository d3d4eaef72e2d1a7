"""`reflexbot chat | match | content check`: argument parsing and wiring only."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.logs import configure as configure_logs
from bot.logs import log_file

if TYPE_CHECKING:
    from bot.config import ConfigError

# Only what parsing arguments needs is imported here: each command imports its own (`match` must not pay for
# the configuration, the engine, SQLAlchemy or APScheduler; `serve` for twilio when WhatsApp is off).


class _Version(argparse.Action):
    """`--version`, read from the package metadata only when asked (importlib.metadata costs every other
    command a few tens of milliseconds)."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kwargs: object) -> None:
        from bot.version import version

        print(f"reflexbot {version()}")  # to stdout, as argparse's own version action
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reflexbot", description="Foot-reflexology self-care companion.")
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    commands = parser.add_subparsers(dest="command", required=True)

    chat = commands.add_parser("chat", help="chat in the terminal")
    chat.add_argument("--jsonl", action="store_true", help="scripted: JSON lines in and out, virtual clock")
    chat.add_argument("--user", default="local", help="who is chatting (default: local)")
    chat.add_argument("--db", help="SQLite file (created if missing) or database URL")
    chat.add_argument("--start", help="virtual clock start, ISO 8601 (default: now)")
    chat.add_argument("--tz", help="the person's time zone (default from config)")
    chat.add_argument("--config", help="path to config.toml")

    match = commands.add_parser("match", help="what the bot understands in a text (JSON)")
    match.add_argument("--lang", help="language code (detected when not given)")
    match.add_argument("text", help="the text, or - to read one text per line from stdin")

    serve = commands.add_parser("serve", help="run the messaging server (Telegram webhook or polling)")
    serve.add_argument("--config", help="path to config.toml")
    serve.add_argument("--host", help="interface to listen on (default from config)")
    serve.add_argument("--port", type=int, help="port (default from config)")
    serve.add_argument("--workers", type=int, help="worker processes (default from config, 1); >1 needs PostgreSQL")

    telegram = commands.add_parser("telegram", help="Telegram set-up")
    telegram.add_argument("action", choices=["set-webhook", "delete-webhook", "info"])
    telegram.add_argument("--config", help="path to config.toml")

    config = commands.add_parser("config", help="configuration tools")
    config_commands = config.add_subparsers(dest="config_command", required=True)
    check = config_commands.add_parser("check", help="validate config.toml and the REFLEXBOT_* environment")
    check.add_argument("--config", help="path to config.toml")

    database = commands.add_parser("db", help="database tools")
    db_commands = database.add_subparsers(dest="db_command", required=True)
    db_upgrade = db_commands.add_parser("upgrade", help="bring the database to the newest schema revision")
    db_upgrade.add_argument("--config", help="path to config.toml")

    desk = commands.add_parser("desk", help="the clinic staff's desk: accounts")
    desk_commands = desk.add_subparsers(dest="desk_command", required=True)
    add_user = desk_commands.add_parser(
        "add-user", help="create a desk account (the password is asked twice, or read as two lines from stdin)"
    )
    add_user.add_argument("name", help="the account's name (letters, digits, . _ -)")
    add_user.add_argument("--role", choices=["admin", "staff"], default="staff", help="admins see every branch")
    add_user.add_argument(
        "--branch", action="append", default=[], metavar="ID", help="a branch this account serves (repeatable)"
    )
    add_user.add_argument("--config", help="path to config.toml")
    list_users = desk_commands.add_parser("list-users", help="every desk account")
    list_users.add_argument("--config", help="path to config.toml")
    disable_user = desk_commands.add_parser("disable-user", help="disable a desk account (its sessions end)")
    disable_user.add_argument("name")
    disable_user.add_argument("--config", help="path to config.toml")

    content = commands.add_parser("content", help="content tools")
    content_commands = content.add_subparsers(dest="content_command", required=True)
    content_commands.add_parser("check", help="validate content and cross-references")
    pictures = content_commands.add_parser("pictures", help="draw every point's and zone's pictures into a folder")
    pictures.add_argument("--out", default="pictures", help="the folder (default: ./pictures)")
    return parser


def _reader_gone() -> int:
    """The reader of our output has gone (`reflexbot match - | head -1`): end quietly, with nothing left to
    flush into the closed pipe at exit."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `reflexbot` console script."""
    args = _parser().parse_args(argv)
    configure_logs(
        os.environ.get("REFLEXBOT_LOG_LEVEL", "WARNING"),
        os.environ.get("REFLEXBOT_LOG_FORMAT", "text"),
        log_file(interactive=args.command == "chat" and not args.jsonl),  # the terminal is the chat
    )
    if args.command == "match":  # the matcher alone: a fraction of a second to the first answer
        from bot.match_command import run_match

        try:
            return run_match(args.text, args.lang, sys.stdin, sys.stdout)
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            return _reader_gone()
    from bot.config import ConfigError, load_settings

    try:
        if args.command == "content" and args.content_command == "pictures":
            return _content_pictures(Path(args.out))
        if args.command == "content":
            return _content_check()
        if args.command == "config":
            return _config_check(args.config)
        if args.command == "db":
            import asyncio

            return asyncio.run(_db_upgrade(args.config))
        if args.command == "desk":
            from bot.desk.accounts import run_desk_command

            return run_desk_command(args, load_settings(args.config), sys.stdin, sys.stdout, sys.stderr)
        if args.command in ("serve", "telegram"):
            import asyncio

            from bot.serve import event_loop, serve, serve_workers, telegram_admin

            if args.config:  # worker processes read the same file
                os.environ["REFLEXBOT_CONFIG"] = os.path.abspath(args.config)
            settings = load_settings(args.config)
            if args.command == "telegram":
                return asyncio.run(telegram_admin(settings, args.action))
            host, port = args.host or settings.server.host, args.port or settings.server.port
            workers = args.workers or settings.server.workers
            if workers > 1:
                return serve_workers(settings, host, port, workers)
            with asyncio.Runner(loop_factory=event_loop()) as runner:
                return runner.run(serve(settings, host, port))
        return _chat(args)
    except ConfigError as error:
        _print_problems(error)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _reader_gone()


def _print_problems(error: ConfigError) -> None:
    if len(error.problems) == 1:
        print(f"reflexbot: {error.problems[0]}", file=sys.stderr)
        return
    print(f"reflexbot: {len(error.problems)} problems in the configuration:", file=sys.stderr)
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)


def _content_pictures(folder: Path) -> int:
    """`reflexbot content pictures`: every picture as <item>.<foot>.png, to look at or to review."""
    from bot.pictures.library import Pictures
    from content.loader import default_content

    pictures = Pictures(default_content())
    folder.mkdir(parents=True, exist_ok=True)
    for name in pictures.names():
        (folder / f"{name.replace(':', '-')}.png").write_bytes(pictures.png(name))
    print(f"{len(pictures.names())} pictures in {folder}")
    return 0


def _config_check(path: str | None) -> int:
    """`reflexbot config check`: the whole configuration read as `serve` would read it."""
    from bot.config import load_settings

    settings = load_settings(path)
    print(f"config ok: {settings.source or '(no file: defaults and environment)'}")
    return 0


async def _db_upgrade(path: str | None) -> int:
    """`reflexbot db upgrade`: migrate (several at once are safe: PostgreSQL migrates under a lock)."""
    from bot.config import load_settings
    from bot.store import SqlStore
    from bot.store.migrate import current_revision

    settings = load_settings(path)
    store = await SqlStore.open(settings.storage_url)  # opening a store upgrades it
    try:
        revision = await store.run(current_revision)
    finally:
        await store.close()
    print(f"database at revision {revision}")
    return 0


def _chat(args: argparse.Namespace) -> int:
    import asyncio

    from bot.channels.console.app import run_interactive, run_jsonl
    from bot.config import load_settings

    settings = load_settings(args.config, db=args.db, tz=args.tz)
    if not args.jsonl:
        return asyncio.run(run_interactive(settings, args.user))
    start = _parse_start(args.start, settings.policy.default_tz)
    return asyncio.run(run_jsonl(settings, args.user, start, sys.stdin, sys.stdout))


def _parse_start(raw: str | None, tz_name: str) -> datetime:
    from bot.config import ConfigError
    from bot.engine.clock_math import zone

    if not raw:
        return datetime.now(UTC)  # the real clock (scheduler.utc_now), without importing the scheduler
    try:
        start = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as error:
        raise ConfigError(f"--start is not an ISO 8601 time: {raw}") from error
    # A start without an offset is read in the person's time zone.
    return start if start.tzinfo is not None else start.replace(tzinfo=zone(tz_name, "UTC"))


def _content_check() -> int:
    from bot.engine.choices import all_choice_ids
    from content.lint import check
    from content.loader import default_content

    content = default_content()
    problems = check(content, all_choice_ids(content))
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(
        f"content ok: {len(content.points)} points, {len(content.zones)} zones, "
        f"{len(content.symptoms)} symptoms, {len(content.red_flags)} red flags, {len(content.faqs)} FAQ"
    )
    return 0
