"""An idle SQLite server folds its write-ahead log in (sync.server.idlefold): only
after its idle time, never while a reader needs the log, and the app's lifespan
runs the thread (none for PostgreSQL)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from sync.server.app import _lifespan, create_app
from sync.server.config import ServerConfig
from sync.server.db import SQLITE_NAME, database_url, make_engine
from sync.server.idlefold import IdleFolder, fold_if_idle
from tests.unit.server.support import migrated


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A server database whose WAL holds 40 rows' pages; the engine stays open (its
    last connection closing would fold the log in itself)."""
    engine = make_engine(database_url(tmp_path, None))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (v BLOB)"))
    for _ in range(40):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (randomblob(4096))"))
    try:
        yield engine
    finally:
        engine.dispose()


def _written(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / SQLITE_NAME, tmp_path / (SQLITE_NAME + "-wal")


def _rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM t")).scalar_one())


def test_a_log_idle_long_enough_is_folded_in_and_truncated(tmp_path: Path, engine: Engine) -> None:
    database, wal = _written(tmp_path)
    assert wal.stat().st_size > 40 * 4096
    written_at = wal.stat().st_mtime
    assert not fold_if_idle(database, idle_s=30, now=written_at + 29)
    assert wal.stat().st_size > 40 * 4096
    assert fold_if_idle(database, idle_s=30, now=written_at + 31)
    assert wal.stat().st_size == 0
    assert _rows(engine) == 40
    assert not fold_if_idle(database, idle_s=30, now=written_at + 60)  # nothing to fold


def test_a_log_a_reader_needs_is_left_for_the_next_round(tmp_path: Path, engine: Engine) -> None:
    database, wal = _written(tmp_path)
    with engine.connect() as reader:
        reader.execute(text("SELECT count(*) FROM t")).scalar_one()  # holds its snapshot
        size = wal.stat().st_size
        assert not fold_if_idle(database, idle_s=0, now=wal.stat().st_mtime + 1)
        assert wal.stat().st_size == size
        assert reader.execute(text("SELECT count(*) FROM t")).scalar_one() == 40
    assert _rows(engine) == 40


def test_the_thread_folds_an_idle_log_and_stops(tmp_path: Path, engine: Engine) -> None:
    _database, wal = _written(tmp_path)
    assert wal.stat().st_size > 0
    folder = IdleFolder(engine, idle_s=0.3)
    try:
        assert folder.running
        folded = threading.Event()
        while not folded.wait(0.1):  # the thread's rounds come every 0.1 s
            if wal.stat().st_size == 0:
                folded.set()
    finally:
        folder.stop()
    assert not folder.running
    assert _rows(engine) == 40


def test_no_thread_for_postgresql() -> None:
    engine = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/none")
    folder = IdleFolder(engine)
    assert not folder.running
    folder.stop()


def test_the_app_runs_the_thread_while_it_serves(tmp_path: Path) -> None:
    url = migrated(database_url(tmp_path, None))  # a copy of the migrated template
    app = create_app(ServerConfig(database_url=url))

    async def serve() -> bool:
        async with _lifespan(app):
            running = bool(app.state.wal_folder.running)
        return running and not app.state.wal_folder.running

    try:
        assert asyncio.run(serve())
    finally:
        app.state.server.engine.dispose()
