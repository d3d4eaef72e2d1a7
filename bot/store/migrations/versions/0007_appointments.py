"""Confirmed appointments: the time staff set for a booking request, and the calendar file's token.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.schema import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create appointments."""
    op.create_table(
        "appointments",
        sa.Column("ref", sa.String(40), primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("starts_at", UtcDateTime, nullable=False),
        sa.Column("branch", sa.String(40), nullable=False),
        sa.Column("confirmed_by", sa.String(64), nullable=False),
        sa.Column("confirmed_at", UtcDateTime, nullable=False),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
    )
    op.create_index("ix_appointments_key", "appointments", ["key"])


def downgrade() -> None:
    """Drop appointments."""
    op.drop_table("appointments")
