"""Claims with a lease on timers and outbox rows, so several workers share one database.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.schema import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add claim and claimed_until to timers and outbox (nullable: existing rows are unclaimed)."""
    for table in ("timers", "outbox"):
        op.add_column(table, sa.Column("claim", sa.String(32), nullable=True))
        op.add_column(table, sa.Column("claimed_until", UtcDateTime, nullable=True))


def downgrade() -> None:
    """Drop the claims (one worker only again)."""
    for table in ("timers", "outbox"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("claimed_until")
            batch.drop_column("claim")
