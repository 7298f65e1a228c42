"""departures: the kab/kota areas a governor election's supporter has left

A supporter of a province's governor election is read by the KPU kab/kota it
lives in (``records.area``). When the province moves it to another kab/kota, the
old one's desktops could no longer read it and so never learnt that it was gone:
they kept its personal data. ``departures`` holds, per record, the areas it left
(and has not come back to), at the feed position of the move; the old area's feed
brings each once as a tombstone with no fields (``sync.server.feed``).

Moves made before this revision are not recorded (the records hold only their
current area).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "departures",
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("area", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", "area", name="departures_pkey"),
    )
    op.create_index("ix_departures_area_seq", "departures", ["area", "seq"])


def downgrade() -> None:
    op.drop_index("ix_departures_area_seq", table_name="departures")
    op.drop_table("departures")
