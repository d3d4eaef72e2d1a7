"""Alembic's environment: migrations run on the connection the store hands over (see migrate.py)."""

from __future__ import annotations

from alembic import context

from bot.store.schema import metadata

connection = context.config.attributes["connection"]
# Batch mode lets SQLite alter tables (it copies them), and is a no-op elsewhere.
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
