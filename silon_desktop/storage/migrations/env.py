"""Alembic environment of the local store.

Run programmatically by ``silon_desktop.storage.db.migrate`` with an open
connection in ``config.attributes["connection"]`` (already inside a transaction,
so a whole upgrade commits or rolls back as one). ``render_as_batch`` lets later
revisions alter SQLite tables by copy-and-move.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from silon_desktop.storage.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from silon_desktop.storage.db import create_sqlite_engine

    url = context.config.get_main_option("sqlalchemy.url") or ""
    engine = create_sqlite_engine(url.removeprefix("sqlite:///"))
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
