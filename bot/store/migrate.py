"""The schema is versioned with Alembic: every store brings its database to the newest revision on start."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Column, Connection, MetaData, PrimaryKeyConstraint, String, Table, inspect, text

from bot.store.schema import metadata

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic's version table as Alembic makes it (alembic.runtime.migration: version_num, 32 characters, the key)
ALEMBIC_VERSION = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST_RELEASE = "0001"
MIGRATION_LOCK = 7_207_110_001  # the advisory lock held while a PostgreSQL database is migrated


def alembic_config(conn: Connection) -> Config:
    """Alembic's configuration, working on an open connection."""
    from alembic.config import Config  # Alembic is imported only when there is something to migrate

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def upgrade(conn: Connection, revision: str = "head") -> None:
    """Upgrade the database in place to the newest revision (creating it when empty: see below).

    A database made before migrations existed (the first release created its tables directly) is
    recognised by its tables and stamped as the first revision, then upgraded like any other.
    """
    # Processes starting together migrate once: the others wait here, then find the newest revision.
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    elif conn.dialect.name == "sqlite" and not conn.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        # The driver starts a transaction only before a data change: take the write lock first, so the
        # schema is read and created by one process at a time (the busy timeout makes the others wait).
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    tables = set(inspect(conn).get_table_names())
    if revision == "head" and "alembic_version" in tables and current_revision(conn) == newest_revision():
        return  # the usual start: nothing to migrate, and Alembic not even imported
    if revision == "head" and not tables:
        # A new database is made from the schema at once and marked as the newest revision, as Alembic
        # advises, rather than by every migration in turn (a test holds the two to the same tables). The mark
        # is Alembic's own version table, written here: loading Alembic and its scripts to write one row
        # took most of a new server's start.
        metadata.create_all(conn)
        ALEMBIC_VERSION.create(conn)
        conn.execute(ALEMBIC_VERSION.insert().values(version_num=newest_revision()))
        return
    from alembic import command

    config = alembic_config(conn)
    if "alembic_version" not in tables and "conversations" in tables:
        command.stamp(config, FIRST_RELEASE)
    command.upgrade(config, revision)


def newest_revision() -> str:
    """The head revision, read from the names of the migration files (numbered, one after another: a test
    holds this to Alembic's own head)."""
    return max(path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def current_revision(conn: Connection) -> str:
    """The revision the database is at ("" when it has none)."""
    return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar() or "")
