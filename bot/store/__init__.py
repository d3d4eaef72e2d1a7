"""Persistence behind one small interface: SQLite by default, PostgreSQL by URL."""

from bot.store.operations import DueTimer, OutboxItem
from bot.store.sql import SqlStore, database_url

__all__ = ["DueTimer", "OutboxItem", "SqlStore", "database_url"]
