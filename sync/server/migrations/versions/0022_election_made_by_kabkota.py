"""elections: the server-owned field made_by_kabkota, set on every stored election

A KPU kab/kota fills the empty administered fields (DPT, threshold, dates, rule set
...) of an election it entered itself, never of one the province or KPU RI made
(``sync.server.rules.check_rights``, from ``kabkota_elections``: revision 0019). The
desktop did not know which, so it saved such a fill and the server refused it at the
next sync. The server now sets ``made_by_kabkota`` on each election it creates; this
sets it on the elections stored before (``sync.server.batch.mark_election_makers``):
each is a new version by the server, in the feed and the audit log like a push's
(``sync.server.push.write_repair``), so the PCs that hold them learn it. No schema
change; downgrade leaves the data as it is.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-08 03:10:00

"""

import uuid
from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from sync.server.batch import Batch, mark_election_makers
    from sync.server.config import Clock
    from sync.server.push import write_repair
    from sync.server.roles import Actor, Role

    conn = op.get_bind()
    clock = Clock()
    batch = Batch(
        actor=Actor("server", Role.KPU_RI, "", "admin-cli"),
        batch_id=str(uuid.uuid4()),
        now=clock.time(),
        iso=clock.iso(),
        today=clock.today_wib(),
    )
    if mark_election_makers(conn, batch):
        write_repair(conn, batch)


def downgrade() -> None:
    pass
