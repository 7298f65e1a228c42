"""An election's last DPRD election totals: ``dprd_seats`` and ``dprd_valid_votes``
(a party coalition's threshold is computed from them; after MK 60/2024 a share of
the valid votes by the DPT tiers).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_COLUMNS = ("dprd_seats", "dprd_valid_votes")


def upgrade() -> None:
    with op.batch_alter_table("election", schema=None) as batch_op:
        for name in _COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("election", schema=None) as batch_op:
        for name in reversed(_COLUMNS):
            batch_op.drop_column(name)
