"""A field verdict counts only while the row is MS in the administrative verification.

Field verification is for supporters MS in the administrative verification. A row
whose administrative verdict was changed away from MS after its field verification
kept counting the field verdict (``effective_status`` took it first): a supporter
found TMS on re-checking the documents still counted MS. The rule is now the
domain's (:func:`silon_desktop.domain.supporters.field_verdict_counts`); the
stored ``effective_status`` / ``effective_reasons`` of such rows are computed
again. Downgrade leaves them as they are (an older program recomputes a row when
it is next written).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

import orjson
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_AFFECTED = sa.text(
    "SELECT s.id, s.check_status, s.check_reasons, s.admin_status, s.admin_reasons,"
    " s.field_status, s.field_reasons, s.external_duplicate, e.rule_set"
    " FROM supporter s JOIN pair_key k ON k.key = s.pair_id"
    " LEFT JOIN pair p ON p.id = k.pair_id LEFT JOIN election e ON e.id = p.election_id"
    " WHERE s.field_status != '' AND s.admin_status != 'MS'"
)


def _codes(text: str | None) -> list[str]:
    return list(orjson.loads(text)) if text else []


def upgrade() -> None:
    from silon_desktop.storage.derived import supporter_effective

    conn = op.get_bind()
    rows = []
    for row in conn.execute(_AFFECTED).mappings():
        values = {
            **row,
            "check_reasons": _codes(row["check_reasons"]),
            "admin_reasons": _codes(row["admin_reasons"]),
            "field_reasons": _codes(row["field_reasons"]),
        }
        status, reasons = supporter_effective(values, row["rule_set"] or None)
        rows.append({"id": row["id"], "status": status, "reasons": reasons})
    if rows:
        conn.execute(
            sa.text(
                "UPDATE supporter SET effective_status = :status, effective_reasons = :reasons"
                " WHERE id = :id"
            ),
            rows,
        )


def downgrade() -> None:
    pass
