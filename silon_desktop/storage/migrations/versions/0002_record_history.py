"""Record history: a local journal of every edit made on this device.

The outbox coalesces edits and may be purged once the server acknowledged
them; the journal keeps each edit as made. Existing outbox rows are copied into
the journal so an upgraded database starts with the edits it already holds.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_history",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("user", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("mutation_id", sa.String(length=36), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_record_history")),
    )
    with op.batch_alter_table("record_history", schema=None) as batch_op:
        batch_op.create_index("ix_record_history_record", ["entity", "record_id"], unique=False)
    op.execute(
        sa.text(
            "INSERT INTO record_history "
            "(entity, record_id, action, changes, user, device_id, mutation_id, at) "
            "SELECT entity, record_id, "
            "CASE WHEN op = 'delete' THEN 'delete' "
            "WHEN base_version = 0 THEN 'create' ELSE 'update' END, "
            "changes, '', '', mutation_id, created_at FROM outbox ORDER BY seq"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("record_history", schema=None) as batch_op:
        batch_op.drop_index("ix_record_history_record")
    op.drop_table("record_history")
