"""records.origin as the 8 bytes of its digest instead of text

``origin`` names the device's sync run that already holds a record's version
(sync.server.batch.origin_of); it was 16 base64 characters of a 96-bit digest
and is now a 64-bit digest stored as its 8 bytes (read back as 16 hex
characters, schema.Digest). An origin only matters to the sync run that wrote
it, and a digest of the old form never equals one of the new, so every stored
origin becomes empty both ways (a run that spanned the upgrade gets its own rows
from its feed again, as an older client always does). SQLite copies the table
(batch mode, its indexes made again); PostgreSQL changes the column's type.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 14:50:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _retype(kind: sa.types.TypeEngine[object], empty: str) -> None:
    """SQLite: every origin made ``empty`` (an SQL literal), then the column ``kind``."""
    op.execute(f"UPDATE records SET origin = {empty}")  # noqa: S608
    with op.batch_alter_table("records", recreate="always") as batch:
        batch.alter_column(
            "origin", type_=kind, existing_nullable=False, server_default=sa.text(empty)
        )


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute(
            "ALTER TABLE records ALTER COLUMN origin DROP DEFAULT,"
            " ALTER COLUMN origin TYPE bytea USING ''::bytea,"
            " ALTER COLUMN origin SET DEFAULT ''::bytea"
        )
        return
    _retype(sa.LargeBinary(), "x''")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute(
            "ALTER TABLE records ALTER COLUMN origin DROP DEFAULT,"
            " ALTER COLUMN origin TYPE varchar(160) USING '',"
            " ALTER COLUMN origin SET DEFAULT ''"
        )
        return
    _retype(sa.String(length=160), "''")
