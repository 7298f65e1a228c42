"""A supporter names its pair by a small local number (issue 19): the pair's
36-character UUID was stored in the row and again in each of the five list indexes
(``ix_supporter_pair_*``), about 210 bytes per supporter; the number takes one byte.

- table ``pair_key`` (key INTEGER PRIMARY KEY, pair_id UUID UNIQUE): a number for
  every pair already here and every pair a supporter names, then for each pair
  inserted (trigger ``pair_key_for_pair``);
- ``supporter.pair_id`` holds that number (INTEGER, foreign key to
  ``pair_key.key``); the models' :class:`~silon_desktop.storage.models.PairRef`
  translates, so statements still name pairs by UUID.

The list indexes are dropped first and made again with the same statements (their
columns keep their names); the table is copied once (batch mode) with the column's
new type. Downgrade: the UUIDs back, the column a VARCHAR(36) referencing ``pair``.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: as in the models (``PAIR_KEY_TRIGGER``), spelled out: a migration does not change
_TRIGGER = (
    "CREATE TRIGGER pair_key_for_pair AFTER INSERT ON pair BEGIN"
    " INSERT OR IGNORE INTO pair_key (pair_id) VALUES (NEW.id); END"
)


def _drop_supporter_indexes() -> list[str]:
    """Drop the supporter table's indexes; their CREATE statements, to make them again."""
    found = (
        op.get_bind()
        .exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
            " AND tbl_name = 'supporter' AND sql IS NOT NULL ORDER BY name"
        )
        .all()
    )
    for name, _sql in found:
        op.drop_index(name, table_name="supporter")
    return [str(sql) for _name, sql in found]


def upgrade() -> None:
    # the column changes meaning before the table is copied: checked at the commit
    # (``migrate`` turns foreign keys off anyway; a downgrade by hand may not)
    op.execute("PRAGMA defer_foreign_keys = ON")
    op.create_table(
        "pair_key",
        sa.Column("key", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_pair_key")),
        sa.UniqueConstraint("pair_id", name=op.f("uq_pair_key_pair_id")),
    )
    op.execute("INSERT OR IGNORE INTO pair_key (pair_id) SELECT id FROM pair ORDER BY rowid")
    op.execute("INSERT OR IGNORE INTO pair_key (pair_id) SELECT DISTINCT pair_id FROM supporter")
    op.execute(_TRIGGER)
    indexes = _drop_supporter_indexes()
    op.execute(
        "UPDATE supporter SET pair_id ="
        " (SELECT key FROM pair_key WHERE pair_key.pair_id = supporter.pair_id)"
    )
    with op.batch_alter_table("supporter", recreate="always") as batch_op:
        batch_op.drop_constraint("fk_supporter_pair_id_pair", type_="foreignkey")
        batch_op.alter_column(
            "pair_id", existing_type=sa.String(length=36), type_=sa.Integer(), nullable=False
        )
        batch_op.create_foreign_key(
            op.f("fk_supporter_pair_id_pair_key"), "pair_key", ["pair_id"], ["key"]
        )
    for sql in indexes:
        op.execute(sql)


def downgrade() -> None:
    op.execute("PRAGMA defer_foreign_keys = ON")
    indexes = _drop_supporter_indexes()
    op.execute(
        "UPDATE supporter SET pair_id ="
        " (SELECT pair_key.pair_id FROM pair_key WHERE pair_key.key = supporter.pair_id)"
    )
    with op.batch_alter_table("supporter", recreate="always") as batch_op:
        batch_op.drop_constraint("fk_supporter_pair_id_pair_key", type_="foreignkey")
        batch_op.alter_column(
            "pair_id", existing_type=sa.Integer(), type_=sa.String(length=36), nullable=False
        )
        batch_op.create_foreign_key(op.f("fk_supporter_pair_id_pair"), "pair", ["pair_id"], ["id"])
    for sql in indexes:
        op.execute(sql)
    op.execute("DROP TRIGGER pair_key_for_pair")
    op.drop_table("pair_key")
