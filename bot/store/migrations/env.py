"""Alembic's environment.

reflexbot migrates on the connection the store hands over (see migrate.py). Run by the `alembic` command
(alembic.ini at the top of the repository), the commands that need a database (`revision --autogenerate`,
`upgrade`, `current`) connect to $REFLEXBOT_DATABASE_URL, or to `-x url=...`, through the store's own drivers
(SQLite's standard one, asyncpg for PostgreSQL); `--sql` writes the SQL for that URL's dialect instead.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import URL, Connection, create_engine
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store.schema import UtcDateTime, metadata
from bot.store.sql import database_url

URL_VARIABLE = "REFLEXBOT_DATABASE_URL"


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Autogenerate writes the store's UTC column type as the migrations import it."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        autogen_context.imports.add("from bot.store.schema import UtcDateTime")
        return "UtcDateTime"
    return False


def number_the_revision(migration: Any, revision: Any, directives: list[Any]) -> None:
    """A new revision is numbered after the newest one (0007 -> 0008), as the existing files are, unless
    `--rev-id` chose its id."""
    script = directives[0] if directives else None
    if script is None or getattr(migration.config.cmd_opts, "rev_id", None):
        return
    heads = [head for head in migration.script.get_heads() if head.isdigit()]
    if heads:
        script.rev_id = f"{max(int(head) for head in heads) + 1:04d}"


def run(connection: Connection) -> None:
    """Run the migrations (or compare for autogenerate) on an open connection."""
    # Batch mode lets SQLite alter tables (it copies them), and is a no-op elsewhere.
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        render_item=render_item,
        process_revision_directives=number_the_revision,
    )
    with context.begin_transaction():
        context.run_migrations()


def command_line_url() -> URL:
    """The database the `alembic` command works on."""
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ.get(URL_VARIABLE, "")
    if not url:
        raise SystemExit(f"alembic: set {URL_VARIABLE} (or pass -x url=...) to the database to work on")
    return database_url(url)


async def run_on_server(url: URL) -> None:
    """PostgreSQL through asyncpg, as the store connects."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run)
            await connection.commit()
    finally:
        await engine.dispose()


def writing_a_plain_revision() -> bool:
    """`alembic revision` without --autogenerate needs no database: alembic.ini runs this file for it only
    to number the new file (an in-memory SQLite stands in)."""
    options = context.config.cmd_opts
    command = getattr(options, "cmd", None)  # (the alembic.command function, its arguments...)
    return command is not None and command[0].__name__ == "revision" and not getattr(options, "autogenerate", False)


def run_from_command_line() -> None:
    """`alembic ...` from a shell: connect to the URL, or write SQL for it (--sql)."""
    url = URL.create("sqlite") if writing_a_plain_revision() else command_line_url()  # in memory
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    elif url.get_backend_name() == "sqlite":
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                run(connection)
                connection.commit()
        finally:
            engine.dispose()
    else:
        asyncio.run(run_on_server(url))


if "connection" in context.config.attributes:
    run(context.config.attributes["connection"])
else:
    run_from_command_line()
