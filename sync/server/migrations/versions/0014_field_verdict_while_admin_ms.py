"""public figures rebuilt: a field verdict counts only while the row is admin MS

A supporter whose administrative verdict was changed away from MS after its field
verification counted its field verdict (``effective_status`` took it first): the
public figures counted a supporter re-checked TMS as MS. The rule is now the
domain's (``silon_desktop.domain.supporters.field_verdict_counts``); the public
figures are recomputed from ``records`` so an upgraded server publishes the same
as a new one. No schema change; downgrade leaves the tables as they are.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 09:00:00

"""

import time
from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from sync.server.public.figures import rebuild

    rebuild(op.get_bind(), time.time())


def downgrade() -> None:
    pass
