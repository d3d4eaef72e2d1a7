"""The first release's schema: conversations, timers, outbox, records, inbound, menus.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.schema import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create every table of the first release."""
    op.create_table(
        "conversations",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "timers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("timer_id", sa.String(100), nullable=False),
        sa.Column("due_at", UtcDateTime, nullable=False),
        sa.Column("payload", sa.String(200), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
    )
    op.create_index("ix_timers_due", "timers", ["status", "due_at"])
    op.create_index("ix_timers_key", "timers", ["key", "timer_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("timer_row", sa.Integer, nullable=True),
        sa.Column("reply", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_outbox_key", "outbox", ["key", "id"])
    op.create_table(
        "records",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("ref", sa.String(40), nullable=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_records_key", "records", ["key"])
    op.create_table(
        "inbound",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("message_id", sa.String(64), primary_key=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "menus",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("choices", sa.Text, nullable=False),
    )


def downgrade() -> None:
    """Drop everything (a fresh start)."""
    for table in ("menus", "inbound", "records", "outbox", "timers", "conversations"):
        op.drop_table(table)
