"""Timers carry a priority: a session step someone waits for is taken before a night's reminders.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add timers.priority (existing rows: 1, a session step pending now: 0) and its index."""
    op.add_column("timers", sa.Column("priority", sa.SmallInteger(), nullable=False, server_default="1"))
    rows = sa.table("timers", sa.column("timer_id", sa.String), sa.column("priority", sa.SmallInteger))
    steps = sa.and_(rows.c.timer_id.like("session:%"), sa.not_(rows.c.timer_id.like("%:idle")))
    op.execute(rows.update().where(steps).values(priority=0))
    op.create_index("ix_timers_priority", "timers", ["status", "priority", "due_at"])


def downgrade() -> None:
    """Drop the priority (timers are taken by due time alone again)."""
    op.drop_index("ix_timers_priority", table_name="timers")
    with op.batch_alter_table("timers") as batch:
        batch.drop_column("priority")
