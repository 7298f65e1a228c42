"""Supporter list indexes on (pair_id, deleted, column): live rows read from the index.

The supporters table hides tombstones (``deleted = 1``). With indexes on
(pair_id, column) that condition had to read every table row of a pair (about
2 s on a million rows); with ``deleted`` as the second column the table's first
page, its end, a NIK prefix and a sort read index entries only. The kecamatan
and desa indexes end in ``nik`` (SQLite appends the rowid, the paging
tie-breaker), so a list filtered by either is read in the default NIK order
from the index: without it every page of a kecamatan sorted its rows in a
temporary B-tree (0.5-1.9 s on a million rows). Composite
indexes rather than partial ones (``WHERE deleted = 0``): SQLite uses a partial
index only when a query repeats its condition word for word, and queries on
``pair_id`` alone (an import's "any rows yet?") keep an index.

Rebuilding five indexes takes a few seconds on a million supporters.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: index name -> the columns after (pair_id, deleted); at 0002 (pair_id, first of them)
_INDEXES = {
    "ix_supporter_pair_nik": ["nik"],
    "ix_supporter_pair_status": ["effective_status"],
    "ix_supporter_pair_name": ["name"],
    "ix_supporter_pair_kecamatan": ["kecamatan_code", "nik"],
    "ix_supporter_pair_desa": ["desa_code", "nik"],
}


def upgrade() -> None:
    for name, columns in _INDEXES.items():
        op.drop_index(name, table_name="supporter")
        op.create_index(name, "supporter", ["pair_id", "deleted", *columns], unique=False)


def downgrade() -> None:
    for name, columns in _INDEXES.items():
        op.drop_index(name, table_name="supporter")
        op.create_index(name, "supporter", ["pair_id", columns[0]], unique=False)
