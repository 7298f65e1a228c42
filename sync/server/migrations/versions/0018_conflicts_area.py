"""conflicts.area: the kab/kota area a conflict was made in

A kab/kota read the conflicts of its province's governor election by the record's
current area: a supporter moved from 32.14 to 32.15 took 32.14's losing proposal
(its values, user name and device) to 32.15's operators, through
``GET /v1/conflicts`` and a feed bundle's answers. Each conflict now keeps the
record's area when it was made, and both reads filter by it.

The conflicts made before get the area their record had then where the audit log
tells it: the ``kabkota_code`` before the record's first move after the conflict
(each conflict has its audit entry, in the same order); a record not moved since
keeps its current area (``records.area``). A conflict on any other record has no
area (""), as ``records.area``.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 23:30:00

"""

from collections.abc import Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CONFLICTS = sa.table(
    "conflicts",
    sa.column("id", sa.Integer),
    sa.column("entity", sa.String),
    sa.column("record_id", sa.String),
    sa.column("scope", sa.String),
    sa.column("area", sa.String),
)
_RECORDS = sa.table("records", sa.column("id", sa.String), sa.column("area", sa.String))
_AUDIT = sa.table(
    "audit",
    sa.column("id", sa.Integer),
    sa.column("entity", sa.String),
    sa.column("record_id", sa.String),
    sa.column("action", sa.String),
    sa.column("before", sa.Text),
)
#: The area of a governor election's supporter with no kab/kota of its province
#: (``sync.server.roles.NO_AREA``, as of this revision).
_NO_AREA = "-"


def upgrade() -> None:
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("area", sa.String(length=16), nullable=False, server_default="")
        )
    conn = op.get_bind()
    # Conflicts on a province scope's supporters: the only records with an area.
    found = conn.execute(
        sa.select(_CONFLICTS.c.id, _CONFLICTS.c.record_id, _CONFLICTS.c.scope, _RECORDS.c.area)
        .select_from(_CONFLICTS.outerjoin(_RECORDS, _RECORDS.c.id == _CONFLICTS.c.record_id))
        .where(_CONFLICTS.c.entity == "supporter", ~_CONFLICTS.c.scope.contains("."))
        .order_by(_CONFLICTS.c.id)
    ).all()
    if not found:
        return
    areas = _areas_then(conn, found)
    conn.execute(
        sa.update(_CONFLICTS)
        .where(_CONFLICTS.c.id == sa.bindparam("b_id"))
        .values(area=sa.bindparam("b_area")),
        [{"b_id": conflict_id, "b_area": area} for conflict_id, area in areas.items()],
    )


def _areas_then(conn: sa.Connection, found: Sequence[Any]) -> dict[int, str]:
    """Each conflict's area when it was made: its record's ``kabkota_code`` before the
    first move after the conflict's audit entry, else the record's current area."""
    by_record: dict[str, list[Any]] = {}
    for row in found:
        by_record.setdefault(str(row.record_id), []).append(row)
    # Per record: its conflicts' audit entries (in order), and its moves after them.
    entries = conn.execute(
        sa.select(_AUDIT.c.record_id, _AUDIT.c.action, _AUDIT.c.before)
        .where(
            _AUDIT.c.entity == "supporter",
            _AUDIT.c.action.in_(("conflict", "update", "merge")),
        )
        .order_by(_AUDIT.c.id)
        .execution_options(stream_results=True, yield_per=5000)
    )
    seen: dict[str, int] = {}  # conflicts of the record met so far in the audit log
    areas: dict[int, str] = {}
    for entry in entries:
        rows = by_record.get(str(entry.record_id))
        if rows is None:
            continue
        met = seen.get(entry.record_id, 0)
        if entry.action == "conflict":
            seen[entry.record_id] = met + 1
            continue
        before = orjson.loads(entry.before) if entry.before else None
        if not isinstance(before, dict) or "kabkota_code" not in before:
            continue
        for row in rows[:met]:  # made before this move: where the record was moved from
            areas.setdefault(int(row.id), _area(str(row.scope), before["kabkota_code"]))
    for rows in by_record.values():
        for row in rows:
            areas.setdefault(int(row.id), str(row.area or ""))
    return areas


def _area(scope: str, code: Any) -> str:
    """The area of a province scope's supporter with this ``kabkota_code``
    (``sync.server.roles.area_of``, as of this revision)."""
    if isinstance(code, str) and len(code) == 5 and code.startswith(scope + "."):
        return code
    return _NO_AREA


def downgrade() -> None:
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.drop_column("area")
