"""A person's waiting updates found by an index: accepting an update counts them, and the old index on the
key alone walked every delivery the person ever sent (kept for dedupe).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """(key, processed_at) instead of (key): it serves erasure by key as well."""
    op.create_index("ix_inbound_key_waiting", "inbound", ["key", "processed_at"])
    op.drop_index("ix_inbound_key", table_name="inbound")


def downgrade() -> None:
    """Back to the index on the key alone."""
    op.create_index("ix_inbound_key", "inbound", ["key"])
    op.drop_index("ix_inbound_key_waiting", table_name="inbound")
