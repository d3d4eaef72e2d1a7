"""Keep only what is needed: when each person last wrote (and was told of the erase ahead), and what the
desk keeps of an erased person's booking request.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.schema import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add conversations.seen_at (existing people: their row's last change, which is no earlier than their
    last message, so nobody is erased sooner than promised) and notice_at; create booking_tombstones."""
    op.add_column("conversations", sa.Column("seen_at", UtcDateTime, nullable=True))
    op.add_column("conversations", sa.Column("notice_at", UtcDateTime, nullable=True))
    op.execute("UPDATE conversations SET seen_at = updated_at")
    op.create_index("ix_conversations_seen", "conversations", ["seen_at"])
    op.create_table(
        "booking_tombstones",
        sa.Column("ref", sa.String(40), primary_key=True),
        sa.Column("branch", sa.String(40), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("erased_at", UtcDateTime, nullable=False),
        sa.Column("reason", sa.String(12), nullable=False),
    )


def downgrade() -> None:
    """Drop booking_tombstones and the two columns."""
    op.drop_table("booking_tombstones")
    op.drop_index("ix_conversations_seen", table_name="conversations")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("notice_at")
        batch.drop_column("seen_at")
