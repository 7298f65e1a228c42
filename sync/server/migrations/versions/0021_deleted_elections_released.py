"""deleted elections' supporters out of their NIK groups; their flags cleared

A server before ``rules.check_delete`` deleted an election that still had live
pairs: their supporters stayed in its NIK groups (``nik_index``) and kept the
DUPLICATE_EXTERNAL flag those groups gave them, counted BMS, while only a pair's
delete or move took a supporter out (``sync.server.duplicates._regroup_pairs``).
Such a delete is refused now; this takes what the old ones left out of the
groups, as deleting each pair would have
(``sync.server.duplicates.release_deleted_elections``): every flag cleared is a
new version by the server, in the feed and the audit log like a push's
(``sync.server.push.write_repair``). The pairs themselves stay as they were. No
schema change; downgrade leaves the data as it is.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 23:45:00

"""

import uuid
from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from sync.server.batch import Batch
    from sync.server.config import Clock
    from sync.server.duplicates import release_deleted_elections
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
    if release_deleted_elections(conn, batch):
        write_repair(conn, batch)


def downgrade() -> None:
    pass
