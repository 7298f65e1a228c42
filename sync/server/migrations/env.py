"""Alembic environment of the server schema (run through sync.server.db.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from sync.server.schema import metadata

MIGRATION_LOCK = 823_740  # advisory lock id: one migrating process at a time on PostgreSQL


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    from sqlalchemy import create_engine

    engine = create_engine(
        context.config.get_main_option("sqlalchemy.url") or "", hide_parameters=True
    )
    with engine.connect() as conn:
        _run(conn)
else:
    _run(connection)
