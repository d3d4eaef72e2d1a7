"""Persistence behind one small interface: SQLite by default, PostgreSQL by URL."""

from bot.store.sql import DueTimer, OutboxItem, SqlStore, async_url

__all__ = ["DueTimer", "OutboxItem", "SqlStore", "async_url"]
