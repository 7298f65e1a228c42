"""audit without ``prev_hash`` (the hash of the entry before, which the chain
already holds: 65 bytes per entry); on SQLite ``audit.id`` is the table's rowid
(an INTEGER PRIMARY KEY: the separate key B-tree, about 12 bytes per entry, goes)

SQLite copies the table into its new shape; PostgreSQL drops the column. The
downgrade puts each entry's ``prev_hash`` back from the entry before it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 11:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEPT = "id, at, username, device_id, action, entity, record_id, before, after, hash, state"
GENESIS = "0" * 64


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_column("audit", "prev_hash")
        return
    op.create_table(
        "audit_new",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=64), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute(f"INSERT INTO audit_new ({_KEPT}) SELECT {_KEPT} FROM audit")  # noqa: S608
    op.drop_table("audit")
    op.rename_table("audit_new", "audit")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.create_table(
            "audit_old",
            sa.Column("id", sa.BigInteger(), nullable=False, autoincrement=False),
            sa.Column("at", sa.String(length=32), nullable=False),
            sa.Column("username", sa.String(length=64), nullable=False),
            sa.Column("device_id", sa.String(length=64), nullable=False),
            sa.Column("action", sa.String(length=32), nullable=False),
            sa.Column("entity", sa.String(length=32), nullable=False),
            sa.Column("record_id", sa.String(length=64), nullable=False),
            sa.Column("before", sa.Text(), nullable=False),
            sa.Column("after", sa.Text(), nullable=False),
            sa.Column("prev_hash", sa.String(length=64), nullable=False, server_default=""),
            sa.Column("hash", sa.String(length=64), nullable=False),
            sa.Column("state", sa.String(length=64), nullable=False, server_default=""),
            sa.PrimaryKeyConstraint("id"),
        )
        op.execute(f"INSERT INTO audit_old ({_KEPT}) SELECT {_KEPT} FROM audit")  # noqa: S608
        op.drop_table("audit")
        op.rename_table("audit_old", "audit")
    else:
        op.add_column(
            "audit",
            sa.Column("prev_hash", sa.String(length=64), nullable=False, server_default=""),
        )
    op.get_bind().execute(
        sa.text(
            "UPDATE audit SET prev_hash = coalesce((SELECT b.hash FROM audit b"
            " WHERE b.id = audit.id - 1), :genesis)"
        ),
        {"genesis": GENESIS},
    )
