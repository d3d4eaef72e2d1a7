"""Inbound delivery ids remember whose they were, so erasing a person erases them too.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add inbound.key (existing rows: unknown, pruned after three days as before) and its index."""
    op.add_column("inbound", sa.Column("key", sa.String(200), nullable=True))
    op.create_index("ix_inbound_key", "inbound", ["key"])


def downgrade() -> None:
    """Drop inbound.key."""
    op.drop_index("ix_inbound_key", table_name="inbound")
    with op.batch_alter_table("inbound") as batch:
        batch.drop_column("key")
