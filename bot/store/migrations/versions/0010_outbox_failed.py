"""Replies given up for good stay in the outbox, marked failed (outbox.failed_at).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.schema import UtcDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add outbox.failed_at (every existing reply is still to be delivered)."""
    op.add_column("outbox", sa.Column("failed_at", UtcDateTime, nullable=True))


def downgrade() -> None:
    """Drop outbox.failed_at, and with it the replies given up."""
    op.execute("DELETE FROM outbox WHERE failed_at IS NOT NULL")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("failed_at")
