"""The schema is versioned with Alembic: every store brings its database to the newest revision on start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, inspect

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST_RELEASE = "0001"


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
    config = alembic_config(conn)
    tables = set(inspect(conn).get_table_names())
    if "alembic_version" not in tables and "conversations" in tables:
        command.stamp(config, FIRST_RELEASE)
    command.upgrade(config, revision)
