"""kabkota_elections: the elections a KPU kab/kota entered itself

An election's administered fields (stage dates, DPT, decree figures ...) are set by
the level that administers it; a kab/kota fills them while empty when it enters its
own election. The server did not record who made an election, so a kab/kota also
filled the empty fields of one KPU RI made. The elections a kab/kota account made
are now listed; on any other a kab/kota writes none of those fields, set or not.

The elections made before take their maker from the audit log: an election whose
``create`` entry names an account that is a kab/kota's now is listed. One made by
KPU RI, a province, a trainer, the command line, or an account no longer there is
not: its fields stay the level above's (a kab/kota asks KPU RI, as for a set one).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 23:45:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_AUDIT = sa.table(
    "audit",
    sa.column("entity", sa.String),
    sa.column("record_id", sa.String),
    sa.column("action", sa.String),
    sa.column("username", sa.String),
)
_USERS = sa.table("users", sa.column("username", sa.String), sa.column("role", sa.String))


def upgrade() -> None:
    table = op.create_table(
        "kabkota_elections",
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name="kabkota_elections_pkey"),
    )
    conn = op.get_bind()
    made = conn.execute(
        sa.select(_AUDIT.c.record_id, _AUDIT.c.username)
        .select_from(_AUDIT.join(_USERS, _USERS.c.username == _AUDIT.c.username))
        .where(
            _AUDIT.c.entity == "election",
            _AUDIT.c.action == "create",
            _USERS.c.role == "kabkota",
        )
    ).all()
    rows = {str(r.record_id): str(r.username) for r in made}  # one create per record
    if rows:
        op.bulk_insert(table, [{"record_id": k, "username": v} for k, v in rows.items()])


def downgrade() -> None:
    op.drop_table("kabkota_elections")
