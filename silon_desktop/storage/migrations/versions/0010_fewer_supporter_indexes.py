"""Indexes only where a query needs them (issue 19, checked with EXPLAIN QUERY PLAN in
tests/unit/storage/test_supporter_indexes.py and tests/gui/test_supporter_queries.py):

- the ``scope`` index of every synced table goes: no statement looks synced rows up
  by scope (the sync finds them by id, the pages by pair or election); the
  supporter's took about 13 bytes per row;
- ``ix_supporter_pair_objection`` holds only the rows with a citizen's objection
  (``WHERE public_objection IS 1``, the condition its filter and count repeat):
  it was an entry for every supporter (about 47 bytes each) to find a handful.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_SYNCED = ("election", "pair", "candidate", "document", "party", "supporter")


def upgrade() -> None:
    for table in _SYNCED:
        op.drop_index(f"ix_{table}_scope", table_name=table)
    op.drop_index("ix_supporter_pair_objection", table_name="supporter")
    op.create_index(
        "ix_supporter_pair_objection",
        "supporter",
        ["pair_id", "deleted", "public_objection"],
        unique=False,
        sqlite_where=sa.text("public_objection IS 1"),
    )


def downgrade() -> None:
    op.drop_index("ix_supporter_pair_objection", table_name="supporter")
    op.create_index(
        "ix_supporter_pair_objection",
        "supporter",
        ["pair_id", "deleted", "public_objection"],
        unique=False,
    )
    for table in _SYNCED:
        op.create_index(f"ix_{table}_scope", table, ["scope"], unique=False)
