"""An election's server-owned ``made_by_kabkota``: whether a KPU kab/kota entered it
itself (it fills its empty administered fields) or the province or KPU RI made it
(those fields are theirs, set or empty: the server refuses a kab/kota's fill, and the
desktop now refuses it before saving). Null: not known yet (the next pull brings it).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("election", schema=None) as batch_op:
        batch_op.add_column(sa.Column("made_by_kabkota", sa.Boolean(), nullable=True))


def downgrade() -> None:
    # SQLite's own DROP COLUMN (3.35+): a batch copy of the table drops ``election``,
    # which the pairs' foreign keys refuse while they are enforced.
    op.execute(sa.text("ALTER TABLE election DROP COLUMN made_by_kabkota"))
