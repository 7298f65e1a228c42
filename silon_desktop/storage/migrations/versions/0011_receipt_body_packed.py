"""A receipt's body stored zlib-compressed (``storage.types.PackedJSON``; issue 19):
the signed list of a 2,000-mutation batch's ids and results is 112 KB of JSON text,
about 56 bytes per pushed supporter kept for good; compressed 28 KB (about 14).
The body reads back as the same dict, so a receipt verifies as before.

The table is small (one row per push batch): it is copied with the column's new
type, then every body is compressed.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from silon_desktop.storage.types import PACKED_V1, pack_json, unpack_json

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_receipt = sa.table("receipt", sa.column("batch_id", sa.String), sa.column("body", sa.LargeBinary))


def _rewrite(packed: bool) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(_receipt.c.batch_id, _receipt.c.body)).all()
    changed: list[tuple[str, Any]] = []
    for batch_id, stored in rows:
        if stored is None:
            continue
        is_packed = not isinstance(stored, str) and bytes(stored)[:1] == PACKED_V1
        if is_packed != packed:
            value = unpack_json(stored)
            new = pack_json(value) if packed else sa.literal(json.dumps(value), sa.Text())
            changed.append((batch_id, new))
    for batch_id, new in changed:
        conn.execute(sa.update(_receipt).where(_receipt.c.batch_id == batch_id).values(body=new))


def upgrade() -> None:
    with op.batch_alter_table("receipt", schema=None) as batch_op:
        batch_op.alter_column("body", existing_type=sa.JSON(), type_=sa.LargeBinary())
    _rewrite(packed=True)


def downgrade() -> None:
    _rewrite(packed=False)
    with op.batch_alter_table("receipt", schema=None) as batch_op:
        batch_op.alter_column("body", existing_type=sa.LargeBinary(), type_=sa.JSON())
