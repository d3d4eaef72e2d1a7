"""The schema is versioned with Alembic: every store brings its database to the newest revision on start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, inspect, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST_RELEASE = "0001"
MIGRATION_LOCK = 7_207_110_001  # the advisory lock held while a PostgreSQL database is migrated


def alembic_config(conn: Connection) -> Config:
    """Alembic's configuration, working on an open connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def upgrade(conn: Connection, revision: str = "head") -> None:
    """Upgrade the database in place to the newest revision (creating it when empty).

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
    config = alembic_config(conn)
    tables = set(inspect(conn).get_table_names())
    if "alembic_version" not in tables and "conversations" in tables:
        command.stamp(config, FIRST_RELEASE)
    command.upgrade(config, revision)


def current_revision(conn: Connection) -> str:
    """The revision the database is at ("" when it has none)."""
    return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar() or "")
