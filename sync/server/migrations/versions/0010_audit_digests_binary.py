"""audit ``hash`` and ``state`` as their 32 bytes instead of 64 hex characters

The chain is unchanged: every hash is still computed over the hex text of the
hash before and of the state (sync.server.audit), which the column type reads
back. SQLite copies the table (with a function that turns hex into bytes: the
SQLite of Python 3.11 has no ``unhex``); PostgreSQL changes the columns' types.
The downgrade turns the bytes back into lower-case hex text.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 14:05:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEPT = "id, at, username, device_id, action, entity, record_id, before, after"


def _unhex(text: str | None) -> bytes | None:
    return None if text is None else bytes.fromhex(text)


def _copy(digest: sa.types.TypeEngine[object], convert: str, default: str) -> None:
    """SQLite: the audit table rebuilt with ``digest`` columns, each digest converted by
    the SQL expression ``convert`` (``{}`` stands for the column)."""
    op.create_table(
        "audit_new",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("hash", digest, nullable=False),
        sa.Column("state", digest, nullable=False, server_default=sa.text(default)),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute(
        f"INSERT INTO audit_new ({_KEPT}, hash, state)"  # noqa: S608
        f" SELECT {_KEPT}, {convert.format('hash')}, {convert.format('state')} FROM audit"
    )
    op.drop_table("audit")
    op.rename_table("audit_new", "audit")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute(
            "ALTER TABLE audit ALTER COLUMN hash TYPE bytea USING decode(hash, 'hex'),"
            " ALTER COLUMN state DROP DEFAULT,"
            " ALTER COLUMN state TYPE bytea USING decode(state, 'hex'),"
            " ALTER COLUMN state SET DEFAULT ''::bytea"
        )
        return
    dbapi = op.get_bind().connection.dbapi_connection
    assert dbapi is not None
    dbapi.create_function("silon_unhex", 1, _unhex, deterministic=True)
    _copy(sa.LargeBinary(), "silon_unhex({})", "x''")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute(
            "ALTER TABLE audit ALTER COLUMN hash TYPE varchar(64) USING encode(hash, 'hex'),"
            " ALTER COLUMN state DROP DEFAULT,"
            " ALTER COLUMN state TYPE varchar(64) USING encode(state, 'hex'),"
            " ALTER COLUMN state SET DEFAULT ''"
        )
        return
    _copy(sa.String(length=64), "lower(hex({}))", "''")
