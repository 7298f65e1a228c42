"""The server engine: failed statements never carry their parameters into messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from sync.server import db
from sync.server.db import SQLITE_NAME, database_url, make_engine
from tests.postgres import scratch_database


def test_a_failed_statement_does_not_show_its_parameters(tmp_path: Path) -> None:
    engine = make_engine(database_url(tmp_path, None))
    try:
        with engine.connect() as conn, pytest.raises(DBAPIError) as caught:
            conn.execute(
                text("INSERT INTO no_such_table (secret) VALUES (:s)"),
                {"s": "argon2-hash-of-a-password"},
            )
    finally:
        engine.dispose()
    message = str(caught.value)
    assert "no_such_table" in message  # the statement is still named
    assert "argon2-hash-of-a-password" not in message


def test_a_write_ahead_log_grown_past_the_limit_is_cut_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader held the WAL while 2 MB were written (no checkpoint could restart it):
    once the log restarts, its file is cut back to the limit, not kept at its peak."""
    monkeypatch.setattr(db, "WAL_LIMIT_BYTES", 64 * 1024)
    engine = make_engine(database_url(tmp_path, None))
    wal = tmp_path / (SQLITE_NAME + "-wal")
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (v BLOB)"))
        with engine.connect() as reader:
            reader.execute(text("SELECT count(*) FROM t")).scalar_one()  # holds its snapshot
            for _ in range(32):
                with engine.begin() as conn:
                    conn.execute(text("INSERT INTO t VALUES (randomblob(65536))"))
        assert wal.stat().st_size > 2 * 1024 * 1024
        with engine.begin() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(PASSIVE)"))
        with engine.begin() as conn:  # the log restarts here
            conn.execute(text("INSERT INTO t VALUES (1)"))
        assert wal.stat().st_size <= 64 * 1024
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 33
    finally:
        engine.dispose()


def test_bools_bytes_and_memoryviews_are_stored_as_before_through_the_adapters(
    tmp_path: Path,
) -> None:
    """The server's SQLite engine registers sqlite3 adapters for the parameter types
    that otherwise went through the slow adaptation protocol: the stored values are
    those sqlite3 stored without them (a bool as the integer, bytes as the blob)."""
    import sqlite3

    engine = make_engine(database_url(tmp_path, None))
    for kind, _adapter in db.SQLITE_ADAPTERS:
        assert (kind, sqlite3.PrepareProtocol) in sqlite3.adapters
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (a, b, c, d)")
            conn.exec_driver_sql(
                "INSERT INTO t VALUES (?, ?, ?, ?)",
                [(True, b"\x01\x02", memoryview(b"\x03"), False)],
            )
            row = conn.exec_driver_sql(
                "SELECT typeof(a), a, typeof(b), b, typeof(c), c, typeof(d), d FROM t"
            ).one()
    finally:
        engine.dispose()
    assert tuple(row) == ("integer", 1, "blob", b"\x01\x02", "blob", b"\x03", "integer", 0)


def test_sorts_and_temporary_tables_stay_in_memory(tmp_path: Path) -> None:
    """SQLite's temporary files (a large sort's runs, a temporary table) would lie in
    the system's temporary folder, outside the server's data folder: every connection
    keeps them in memory, with the supporters' fields they may hold."""
    engine = make_engine(database_url(tmp_path, None))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA temp_store")).scalar() == 2  # MEMORY
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgresql_connections_probe_a_silent_network_with_tcp_keepalives() -> None:
    """A dropped network (a cable, a firewall forgetting the flow) leaves no packet to
    answer: without keepalives a pooled connection, or a request waiting on it, hung
    until the kernel's two hours. Every connection of the server's engine asks libpq
    for keepalives, as the connection actually made shows."""
    with scratch_database() as scratch:
        engine = make_engine(database_url(None, scratch))
        try:
            with engine.connect() as conn:
                pgconn = conn.connection.dbapi_connection.pgconn  # type: ignore[union-attr]
                options = {o.keyword.decode(): o.val for o in pgconn.info}
        finally:
            engine.dispose()
    assert options["keepalives"] == b"1"
    idle, interval, count = (
        int(options[k] or 0) for k in ("keepalives_idle", "keepalives_interval", "keepalives_count")
    )
    assert 0 < idle <= 60 and 0 < interval <= 30 and count > 0
    assert 0 < int(options["tcp_user_timeout"] or 0) <= 120_000
