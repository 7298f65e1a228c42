"""public figures rebuilt: counted as the desktop's recap counts; no draft pair

A supporter met in the field (MS) whose NIK also backs another pair (the server's
DUPLICATE_EXTERNAL flag, which the rule set makes BMS) was stored in its round's
cell as BMS, mixed with the round's real BMS, while the desktop's dashboard,
B.2-KWK and berita acara count it TMS (field verification ends in MS or TMS:
``silon_desktop.domain.supporters.counted_choices``), and the NIK check already
said "tms". The figures now store the counted verdict
(``sync.server.public.figures.counted_verdict``). A pair still in preparation
(``draft``, or no status) has no public copy any more: KPU has not received its
nomination (``sync.server.public.figures.published``). Both tables are recomputed
from ``records`` so an upgraded server publishes the same as a new one. No schema
change; downgrade leaves the tables as they are.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 23:30:00

"""

import time
from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from sync.server.public.figures import rebuild

    rebuild(op.get_bind(), time.time())


def downgrade() -> None:
    pass
