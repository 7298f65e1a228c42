"""Engines, migrations and the write transaction of the server.

SQLite (one server process, the default) or PostgreSQL (several processes).
Every write that touches the change feed or the audit chain runs in
:func:`write_tx`: on SQLite ``BEGIN IMMEDIATE`` (the database write lock), on
PostgreSQL a transaction-scoped advisory lock. Either way writers are serialised
and the lock is held until commit, so feed sequence numbers and audit ids are
assigned in commit order: a reader never sees sequence 6 before 5 is visible.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, create_engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from sync.privacy import private_folder

log = logging.getLogger(__name__)

WRITE_LOCK = 823_741
SQLITE_NAME = "server.sqlite3"


def database_url(data_dir: Path | None, url: str | None) -> str:
    """The SQLAlchemy URL from ``--database-url`` or ``--data-dir``."""
    if url:
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    if data_dir is None:
        raise ValueError("give --data-dir or --database-url")
    private_folder(data_dir)
    return f"sqlite:///{(data_dir / SQLITE_NAME).resolve()}"


def make_engine(url: str) -> Engine:
    """An engine with the pragmas and begin behaviour the server relies on.

    Bound parameters are hidden from error messages: a failed statement is logged
    (the 503 handler), and its parameters may be password hashes or NIKs.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 60},
            hide_parameters=True,
        )
        _sqlite_setup(engine)
        return engine
    return create_engine(url, pool_size=8, max_overflow=8, pool_pre_ping=True, hide_parameters=True)


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event decide how transactions start.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.execute("PRAGMA cache_size=-32768")  # 32 MiB per connection
        # Checkpoint less often: pages dirtied by many commits are copied back once.
        cur.execute("PRAGMA wal_autocheckpoint=16000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("write_lock"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


_commits = [0]


def commits() -> int:
    """How many :func:`write_tx` transactions this process has committed (a cache
    of anything written may be trusted while this number stays the same)."""
    return _commits[0]


@contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """A transaction holding the server-wide write lock until it commits."""
    with engine.connect() as raw:
        conn = raw.execution_options(write_lock=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})
            yield conn
    _commits[0] += 1


@contextmanager
def read_tx(engine: Engine) -> Iterator[Connection]:
    """A read transaction (one consistent snapshot)."""
    with engine.connect() as conn, conn.begin():
        yield conn


def migrate(url: str) -> None:
    """Upgrade the server schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    script_location = str(resources.files("sync.server") / "migrations")
    cfg = Config()
    cfg.set_main_option("script_location", script_location)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    engine = create_engine(url, poolclass=NullPool, hide_parameters=True)
    if url.startswith("sqlite"):
        _sqlite_setup(engine)
    try:
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
    finally:
        engine.dispose()


def bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows with one DB-API ``executemany`` and no per-row SQLAlchemy work.

    The statement is still built by SQLAlchemy (compiled for the dialect); only the
    parameter handling is skipped, which dominates for thousands of rows.
    """
    if not rows:
        return
    keys = list(rows[0])
    compiled = table.insert().compile(dialect=conn.dialect, column_keys=keys)
    if compiled.positional:
        order = compiled.positiontup or keys
        params: list[Any] = [tuple(r[k] for k in order) for r in rows]
    else:
        params = rows
    conn.exec_driver_sql(str(compiled), params)
