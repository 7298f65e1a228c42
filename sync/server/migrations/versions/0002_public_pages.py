"""public pages: figures, public records, state, objections, check limits

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05 02:20:00

"""

import time
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_nik_index_nik", "nik_index", ["nik"], unique=False)
    op.create_table(
        "public_figures",
        sa.Column("pair_id", sa.String(length=64), nullable=False),
        sa.Column("round", sa.String(length=16), nullable=False),
        sa.Column("subregion", sa.String(length=16), nullable=False),
        sa.Column("submitted", sa.Integer(), nullable=False),
        sa.Column("ms", sa.Integer(), nullable=False),
        sa.Column("bms", sa.Integer(), nullable=False),
        sa.Column("tms", sa.Integer(), nullable=False),
        sa.Column("pending", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("pair_id", "round", "subregion"),
    )
    op.create_table(
        "public_records",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "public_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("structure", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "public_objections",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("pair_id", sa.String(length=64), nullable=False),
        sa.Column("filed_at", sa.Float(), nullable=False),
        sa.Column("contact", sa.String(length=256), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("outcome_reasons", sa.Text(), nullable=False),
        sa.Column("resolved_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_public_objections_record_id", "public_objections", ["record_id"])
    op.create_index("ix_public_objections_pair_id", "public_objections", ["pair_id"])
    op.create_table(
        "public_limits",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("window_start", sa.Float(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    # Figures of the records already stored (an upgraded server starts current).
    from sync.server.public.figures import rebuild

    rebuild(op.get_bind(), time.time())


def downgrade() -> None:
    op.drop_table("public_limits")
    op.drop_index("ix_public_objections_pair_id", table_name="public_objections")
    op.drop_index("ix_public_objections_record_id", table_name="public_objections")
    op.drop_table("public_objections")
    op.drop_table("public_state")
    op.drop_table("public_records")
    op.drop_table("public_figures")
    op.drop_index("ix_nik_index_nik", table_name="nik_index")
