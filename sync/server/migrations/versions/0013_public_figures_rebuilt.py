"""public figures and copies rebuilt: decree figures, external duplicates

The public copy of an election now holds ``official_threshold`` and
``official_spread`` (the KPU decree's figures, published over the computation),
and a verified supporter whose NIK backs another pair counts as the rule set
classes DUPLICATE_EXTERNAL (BMS), no longer MS. Both tables are recomputed from
``records`` so an upgraded server publishes the same as a new one. No schema
change; downgrade leaves the tables as they are (an older server reads them).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 10:00:00

"""

import time
from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from sync.server.public.figures import rebuild

    rebuild(op.get_bind(), time.time())


def downgrade() -> None:
    pass
