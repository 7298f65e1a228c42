"""Server rules and levels: the server's supporter checks, the kab/kota area of a
record, device keys per (user, device), user names unique without regard to case

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 02:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supporter_checks",
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("area", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=3), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("client_status", sa.String(length=3), nullable=False),
        sa.Column("disagrees", sa.Boolean(), nullable=False),
        sa.Column("checked_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("record_id"),
    )
    with op.batch_alter_table("supporter_checks", schema=None) as batch_op:
        batch_op.create_index("ix_supporter_checks_scope", ["scope", "record_id"], unique=False)
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("area", sa.String(length=16), nullable=False, server_default="")
        )
    _fill_areas()
    op.create_index("ix_users_username_lower", "users", [sa.text("lower(username)")], unique=True)
    op.create_table(
        "device_keys",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=True),
        sa.Column("registered_at", sa.Float(), nullable=False),
        sa.Column("last_seen", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("username", "device_id"),
    )
    op.execute(
        "INSERT INTO device_keys (username, device_id, public_key, registered_at, last_seen) "
        "SELECT username, device_id, public_key, registered_at, last_seen FROM devices"
    )
    op.drop_table("devices")


def _fill_areas() -> None:
    """The area of stored supporters of governor elections (their kab/kota)."""
    import json

    records = sa.table(
        "records",
        sa.column("id", sa.String),
        sa.column("entity", sa.String),
        sa.column("scope", sa.String),
        sa.column("fields", sa.Text),
        sa.column("area", sa.String),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(records.c.id, records.c.scope, records.c.fields).where(
            records.c.entity == "supporter", ~records.c.scope.contains(".")
        )
    ).all()
    for rid, scope, fields in rows:
        code = json.loads(fields).get("kabkota_code")
        ok = isinstance(code, str) and len(code) == 5 and code.startswith(scope + ".")
        conn.execute(sa.update(records).where(records.c.id == rid).values(area=code if ok else "-"))


def downgrade() -> None:
    op.create_table(
        "devices",
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=True),
        sa.Column("registered_at", sa.Float(), nullable=False),
        sa.Column("last_seen", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("device_id"),
    )
    op.drop_table("device_keys")
    op.drop_index("ix_users_username_lower", table_name="users")
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_column("area")
    op.drop_table("supporter_checks")
