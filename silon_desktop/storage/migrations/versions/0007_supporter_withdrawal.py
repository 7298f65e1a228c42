"""Supporter withdrawal: why, a note, who, when, and the row a duplicate was
merged into, kept on the tombstone.

A supporter is withdrawn (ditarik) by a delete whose mutation carries these
fields (``sync.protocol.WITHDRAWAL_FIELDS``); the row stays as a tombstone with
its history. Existing rows are not withdrawn: blank values.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TEXT = (
    ("withdrawn_reason", 20),
    ("withdrawn_note", 500),
    ("withdrawn_by", 64),
    ("duplicate_of", 36),
)


def upgrade() -> None:
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        for name, length in _TEXT:
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default="")
            )
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
        for name, _length in reversed(_TEXT):
            batch_op.drop_column(name)
