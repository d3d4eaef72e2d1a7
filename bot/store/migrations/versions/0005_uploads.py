"""Files a platform keeps for us (pictures uploaded once to Telegram), sent again by their id.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create uploads."""
    op.create_table(
        "uploads",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("file_id", sa.Text, nullable=False),
    )


def downgrade() -> None:
    """Drop uploads."""
    op.drop_table("uploads")
