"""Persistence behind one small interface: SQLite by default, PostgreSQL by URL."""

from bot.store.operations import DueTimer, InboxItem, OutboxItem
from bot.store.sql import SqlStore, database_url

__all__ = ["DueTimer", "InboxItem", "OutboxItem", "SqlStore", "database_url"]
