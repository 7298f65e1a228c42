"""The outbox's index on ``batch_id`` goes: no statement looks outbox rows up by
their batch (EXPLAIN QUERY PLAN of every outbox statement, issue 19; the receipts
are found from an outbox row, by the receipt's own key). It took about 50 bytes
per sent mutation.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_outbox_batch_id", table_name="outbox")


def downgrade() -> None:
    op.create_index("ix_outbox_batch_id", "outbox", ["batch_id"], unique=False)
