"""Supporter flag ``public_objection``: a citizen filed "Saya tidak mendukung".

The server sets it (a server-owned field, delivered through the feed) while an
objection filed on the public pages is open; the supporters page filters and
counts it ("ada tanggapan masyarakat").

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ALTER TABLE ADD COLUMN: no rebuild of a million-row table.
    op.add_column(
        "supporter",
        sa.Column("public_objection", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    # The supporters page counts and filters flagged live rows of a pair from the index.
    op.create_index(
        "ix_supporter_pair_objection",
        "supporter",
        ["pair_id", "deleted", "public_objection"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_supporter_pair_objection", table_name="supporter")
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.drop_column("public_objection")
