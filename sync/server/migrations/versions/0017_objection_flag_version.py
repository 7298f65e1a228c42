"""public_objections.flag_version: the supporter's version that set the objection's flag

A pushed verdict resolves a citizen's objection only when it was made on that
version or later (the operator's copy showed the flag). Additive: an objection
filed before this revision keeps null there, and the push then asks for the
version the record had before the push (``sync.server.public.objections``).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 17:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("public_objections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flag_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("public_objections", schema=None) as batch_op:
        batch_op.drop_column("flag_version")
