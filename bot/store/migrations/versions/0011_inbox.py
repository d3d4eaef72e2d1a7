"""The durable inbox: an inbound delivery is saved with its payload before it is answered, and processed
from there (after a crash too).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.schema import UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add inbound.payload, processed_at (existing rows: processed when they arrived) and claimed_until."""
    op.add_column("inbound", sa.Column("payload", sa.Text, nullable=True))
    op.add_column("inbound", sa.Column("processed_at", UtcDateTime, nullable=True))
    op.add_column("inbound", sa.Column("claimed_until", UtcDateTime, nullable=True))
    op.execute("UPDATE inbound SET processed_at = created_at")
    op.create_index("ix_inbound_waiting", "inbound", ["processed_at", "claimed_until"])


def downgrade() -> None:
    """Drop the inbox columns (waiting updates are lost: drain before downgrading)."""
    op.drop_index("ix_inbound_waiting", table_name="inbound")
    with op.batch_alter_table("inbound") as batch:
        batch.drop_column("claimed_until")
        batch.drop_column("processed_at")
        batch.drop_column("payload")
