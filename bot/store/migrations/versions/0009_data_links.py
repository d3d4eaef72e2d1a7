"""Links to a person's data file (WhatsApp): a random token, whose file it opens, until when.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.schema import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create data_links."""
    op.create_table(
        "data_links",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_data_links_key", "data_links", ["key"])


def downgrade() -> None:
    """Drop data_links."""
    op.drop_table("data_links")
