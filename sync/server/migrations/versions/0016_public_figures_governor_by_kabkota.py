"""public figures rebuilt: a governor election's supporter counts in its kab/kota code

A supporter of a province's scope (a governor election, whose spread is over
kab/kota) counted in the kab/kota of its kecamatan code, while the KPU kab/kota
that verifies it (its area) and the desktop's recap (the B.2-KWK) take its
``kabkota_code``: a row whose codes disagree (or without a kab/kota code) was in
another kab/kota, or in one, on the public pages. The public figures are
recomputed from ``records`` (``sync.server.public.figures.subregion``) so an
upgraded server publishes the same as a new one. No schema change; downgrade
leaves the tables as they are.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 12:00:00

"""

import time
from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from sync.server.public.figures import rebuild

    rebuild(op.get_bind(), time.time())


def downgrade() -> None:
    pass
