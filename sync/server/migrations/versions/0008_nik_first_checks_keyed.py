"""nik_index keyed by (nik, election_id, record_id), its index on the NIK gone;
supporter_checks in one B-tree keyed by the record (SQLite)

The push's lookups (``election_id = ? AND nik IN (...)``, and one entry by all three)
and the public NIK check (``nik = ?``) all use the key's leading columns, so the
second B-tree on the NIK (about 110 bytes per supporter) goes. On SQLite
``supporter_checks`` becomes a WITHOUT ROWID table (its rowid and the separate
index on ``record_id``, about 50 bytes per supporter, go); a PostgreSQL table
is a heap either way.

SQLite tables cannot change their key in place: each is copied into a new table.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 11:05:00

"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NIK_COLUMNS = "election_id, nik, record_id, pair_id, flagged"
_CHECK_COLUMNS = "record_id, scope, area, status, reasons, client_status, disagrees, checked_at"


def _nik_table(name: str, key: list[str]) -> None:
    op.create_table(
        name,
        sa.Column("election_id", sa.String(length=64), nullable=False),
        sa.Column("nik", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("pair_id", sa.String(length=64), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint(*key),
        sqlite_with_rowid=False,
    )


def _checks_table(name: str, *, rowid: bool) -> None:
    op.create_table(
        name,
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("area", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=3), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("client_status", sa.String(length=3), nullable=False),
        sa.Column("disagrees", sa.Boolean(), nullable=False),
        sa.Column("checked_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("record_id"),
        sqlite_with_rowid=rowid,
    )


def _copy(table: str, columns: str, make: Callable[[str], None]) -> None:
    """SQLite: ``table`` rebuilt by ``make(name)`` and its rows copied over."""
    make(f"{table}_new")
    op.execute(f"INSERT INTO {table}_new ({columns}) SELECT {columns} FROM {table}")  # noqa: S608
    op.drop_table(table)
    op.rename_table(f"{table}_new", table)


def upgrade() -> None:
    op.drop_index("ix_nik_index_nik", table_name="nik_index")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE nik_index DROP CONSTRAINT nik_index_pkey,"
            " ADD CONSTRAINT nik_index_pkey PRIMARY KEY (nik, election_id, record_id)"
        )
        return
    _copy("nik_index", _NIK_COLUMNS, lambda n: _nik_table(n, ["nik", "election_id", "record_id"]))
    op.drop_index("ix_supporter_checks_scope", table_name="supporter_checks")
    _copy("supporter_checks", _CHECK_COLUMNS, lambda n: _checks_table(n, rowid=False))
    op.create_index("ix_supporter_checks_scope", "supporter_checks", ["scope", "record_id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE nik_index DROP CONSTRAINT nik_index_pkey,"
            " ADD CONSTRAINT nik_index_pkey PRIMARY KEY (election_id, nik, record_id)"
        )
    else:
        _copy(
            "nik_index", _NIK_COLUMNS, lambda n: _nik_table(n, ["election_id", "nik", "record_id"])
        )
        op.drop_index("ix_supporter_checks_scope", table_name="supporter_checks")
        _copy("supporter_checks", _CHECK_COLUMNS, lambda n: _checks_table(n, rowid=True))
        op.create_index("ix_supporter_checks_scope", "supporter_checks", ["scope", "record_id"])
    op.create_index("ix_nik_index_nik", "nik_index", ["nik"], unique=False)
