"""applied_mutations: a push's batch id and username once, in ``applied_batches``

Every applied mutation repeated its push's ``batch_id`` (a UUID) and ``username``
(about 45 bytes a mutation, issue 19); each row now holds ``batch``, the integer
id of one ``applied_batches`` row per push. The stored answers (``result``) and
the lookups by mutation id are unchanged. SQLite copies the table (it stays one
B-tree keyed by the mutation id, WITHOUT ROWID); PostgreSQL alters it. The
downgrade writes each batch id and username back into its mutations.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 14:45:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _copy(columns: list[sa.Column[object]], select: str) -> None:
    """SQLite: applied_mutations rebuilt with ``columns`` between its mutation id and
    record id, filled by ``select`` (the old table as ``m``, the batches as ``b``)."""
    op.create_table(
        "applied_mutations_new",
        sa.Column("mutation_id", sa.String(length=64), nullable=False),
        *columns,
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("applied_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("mutation_id"),
        sqlite_with_rowid=False,
    )
    op.execute(f"INSERT INTO applied_mutations_new {select}")  # noqa: S608
    op.drop_table("applied_mutations")
    op.rename_table("applied_mutations_new", "applied_mutations")


def upgrade() -> None:
    op.create_table(
        "applied_batches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute(
        "INSERT INTO applied_batches (batch_id, username)"
        " SELECT batch_id, username FROM applied_mutations"
        " GROUP BY batch_id, username ORDER BY min(applied_at), batch_id, username"
    )
    if op.get_bind().dialect.name != "sqlite":
        op.execute("ALTER TABLE applied_mutations ADD COLUMN batch integer")
        op.execute(
            "UPDATE applied_mutations AS m SET batch = b.id FROM applied_batches AS b"
            " WHERE b.batch_id = m.batch_id AND b.username = m.username"
        )
        op.execute(
            "ALTER TABLE applied_mutations ALTER COLUMN batch SET NOT NULL,"
            " DROP COLUMN batch_id, DROP COLUMN username"
        )
        return
    _copy(
        [sa.Column("batch", sa.Integer(), nullable=False)],
        "SELECT m.mutation_id, b.id, m.record_id, m.result, m.applied_at"
        " FROM applied_mutations AS m JOIN applied_batches AS b"
        " ON b.batch_id = m.batch_id AND b.username = m.username",
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute(
            "ALTER TABLE applied_mutations ADD COLUMN batch_id varchar(64),"
            " ADD COLUMN username varchar(64)"
        )
        op.execute(
            "UPDATE applied_mutations AS m SET batch_id = b.batch_id, username = b.username"
            " FROM applied_batches AS b WHERE b.id = m.batch"
        )
        op.execute(
            "ALTER TABLE applied_mutations ALTER COLUMN batch_id SET NOT NULL,"
            " ALTER COLUMN username SET NOT NULL, DROP COLUMN batch"
        )
    else:
        _copy(
            [
                sa.Column("batch_id", sa.String(length=64), nullable=False),
                sa.Column("username", sa.String(length=64), nullable=False),
            ],
            "SELECT m.mutation_id, b.batch_id, b.username, m.record_id, m.result, m.applied_at"
            " FROM applied_mutations AS m JOIN applied_batches AS b ON b.id = m.batch",
        )
    op.drop_table("applied_batches")
