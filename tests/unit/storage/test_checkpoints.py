"""A bulk commit leaves the WAL's checkpoint to a background thread (storage.checkpoints)."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from silon_desktop.importers.store import import_file
from silon_desktop.storage import checkpoints
from silon_desktop.storage.cipher import PAGE_SIZE
from silon_desktop.storage.db import Database, open_database
from sync.client.apply import apply_connection
from tests.fixtures import seed_election
from tests.unit.importers.sheets import supporter_rows, write_xlsx

#: Rows of 4 KiB written by a bulk transaction: about 10 MB, well over MIN_WAL_BYTES.
ROWS = 2500


def _bulk_write(conn: Connection, rows: int = ROWS) -> None:
    conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS scratch (b BLOB)")
    conn.exec_driver_sql(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
        " INSERT INTO scratch SELECT randomblob(4000) FROM n",
        (rows,),
    )


def _count(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute("SELECT count(*) FROM scratch").fetchone()[0])
    finally:
        con.close()


def _wal(db: Database) -> Path:
    return db.path.with_name(db.path.name + "-wal")


@pytest.fixture(autouse=True)
def short_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    """The log is truncated 50 ms after the last bulk commit (1 s in the program)."""
    monkeypatch.setattr(checkpoints, "QUIET_S", 0.05)


@pytest.fixture
def held(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The checkpointer's ``soon`` recorded, not run (the WAL stays as the commit left it)."""
    calls: list[int] = []
    monkeypatch.setattr(db.checkpointer, "soon", lambda: calls.append(1))
    return calls


def test_a_bulk_commit_returns_before_its_pages_are_copied(db: Database, held: list[int]) -> None:
    before = db.path.stat().st_size
    with db.bulk_connection() as conn, conn.begin():
        _bulk_write(conn)
    # Committed (another connection reads every row) and asked for in the background,
    # but nothing copied into the file by the commit: SQLite's own checkpoint would
    # have grown it by the 10 MB at this commit.
    assert _count(db.path) == ROWS
    assert held == [1]
    assert _wal(db).stat().st_size > ROWS * 4000
    assert db.path.stat().st_size < before + 1_000_000


def test_the_connection_gets_sqlites_own_checkpoint_back(db: Database, held: list[int]) -> None:
    with db.bulk_connection() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        assert raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        with conn.begin():
            _bulk_write(conn, 10)
    with db.engine.connect() as conn:  # the pool's one connection, the same one
        value = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    assert value == checkpoints.AUTOCHECKPOINT_PAGES


def test_an_ordinary_commit_still_copies_at_sqlites_threshold(db: Database) -> None:
    before = db.path.stat().st_size
    # SQLite's threshold is in pages: 1,000 of a new file's 8 KiB, about 8 MB
    rows = checkpoints.AUTOCHECKPOINT_PAGES * PAGE_SIZE // 4000 + 500
    with db.engine.begin() as conn:
        _bulk_write(conn, rows)
    assert db.path.stat().st_size > before + rows * 4000  # copied within the commit
    assert db.checkpointer.runs == 0


def test_a_failed_bulk_transaction_keeps_nothing_and_asks_for_no_checkpoint(
    db: Database, held: list[int]
) -> None:
    with pytest.raises(RuntimeError), db.bulk_connection() as conn, conn.begin():
        _bulk_write(conn)
        raise RuntimeError("cancelled")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
        found = conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name = 'scratch'"
        ).scalar()
    assert found == 0
    assert held == []


def test_the_background_checkpoint_copies_everything_and_shrinks_the_log(db: Database) -> None:
    before = db.path.stat().st_size
    with db.bulk_connection() as conn, conn.begin():
        _bulk_write(conn)
    assert db.checkpointer.wait_idle(30)
    assert db.checkpointer.runs == 1
    assert db.path.stat().st_size > before + ROWS * 4000
    assert _wal(db).stat().st_size == 0  # truncated: no 10 MB log kept beside the file
    assert _count(db.path) == ROWS


def test_a_small_bulk_commit_starts_no_thread(db: Database) -> None:
    with db.bulk_connection() as conn, conn.begin():
        _bulk_write(conn, 3)
    assert db.checkpointer.wait_idle(0)
    assert db.checkpointer.runs == 0


def test_the_checkpoint_never_waits_for_a_reader(db: Database) -> None:
    reader = sqlite3.connect(db.path)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM sync_state").fetchone() is not None
        with db.bulk_connection() as conn, conn.begin():
            _bulk_write(conn)
        # The reader's snapshot predates the commit: nothing can be copied past it,
        # and the thread neither waits for it nor truncates the log under it.
        assert db.checkpointer.wait_idle(30)
        assert db.checkpointer.runs == 1
        assert _wal(db).stat().st_size > ROWS * 4000
        reader.execute("ROLLBACK")
    finally:
        reader.close()
    assert _count(db.path) == ROWS


def test_a_failing_checkpoint_is_logged_and_raises_nothing(
    db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def full_disk() -> None:
        raise sqlite3.OperationalError("database or disk is full")

    with db.bulk_connection() as conn, conn.begin():
        _bulk_write(conn)
    db.checkpointer.wait_idle(30)
    with db.bulk_connection() as conn, conn.begin():
        _bulk_write(conn)
        monkeypatch.setattr(db.checkpointer, "_connect", full_disk)
    with caplog.at_level(logging.WARNING, logger="silon_desktop.storage.checkpoints"):
        assert db.checkpointer.wait_idle(30)
    assert "WAL checkpoint skipped: OperationalError" in caplog.text
    monkeypatch.undo()
    assert _count(db.path) == 2 * ROWS


def test_after_close_no_checkpoint_starts(tmp_path: Path) -> None:
    db = open_database(tmp_path / "silon.db")
    with db.bulk_connection() as conn, conn.begin():
        _bulk_write(conn)
    db.close()  # waits for the one under way, then the last connection copies the rest
    assert not _wal(db).exists() or _wal(db).stat().st_size == 0
    db.checkpointer.soon()
    assert db.checkpointer.wait_idle(0)
    assert _count(db.path) == ROWS


def test_a_snapshot_install_and_an_import_take_the_bulk_path_feed_pages_do_not(
    db: Database, tmp_path: Path, held: list[int]
) -> None:
    with apply_connection(db) as conn:  # a feed page: SQLite's own checkpoint
        _bulk_write(conn)
    assert held == []
    with apply_connection(db, one_large_commit=True) as conn:  # a snapshot's install
        _bulk_write(conn)
    assert held == [1]
    seed_election(db, name="Pemilihan Bupati Purwakarta 2024", head_name="A", deputy_name="B")
    path = write_xlsx(tmp_path / "a.xlsx", supporter_rows(2000))
    import_file(db, path, "p1", assume_id_scan=True)
    assert held == [1, 1]
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM supporter")).scalar() == 2000


KILLED_WRITER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from silon_desktop.storage.db import open_database
    db = open_database({path!r})
    with db.bulk_connection() as conn, conn.begin():
        conn.exec_driver_sql("CREATE TABLE scratch (b BLOB)")
        conn.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})"
            " INSERT INTO scratch SELECT randomblob(4000) FROM n"
        )
    print("K", flush=True)  # committed; the checkpoint runs in the background
    time.sleep(60)
    """
)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_kill_during_the_background_checkpoint_loses_no_commit(tmp_path: Path) -> None:
    root = str(Path(__file__).resolve().parents[3])
    for attempt in range(3):
        path = tmp_path / f"silon-{attempt}.db"
        open_database(path).close()
        script = KILLED_WRITER.format(root=root, path=str(path), rows=ROWS * 4)
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "K"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        proc.stdout.close()
        db = open_database(path)  # recovers from the log, copies at its next checkpoint
        db.close()
        assert _count(path) == ROWS * 4


def test_the_checkpoint_has_a_connection_of_its_own(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Taken from the engine's pool, it took the writer's connection (its large page
    cache) and left the writer a cold one at every feed page."""
    with db.bulk_connection() as conn, conn.begin():
        _bulk_write(conn)

        def no_pool() -> None:
            raise AssertionError("the checkpoint took a pooled connection")

        monkeypatch.setattr(db.engine, "raw_connection", no_pool)
    assert db.checkpointer.wait_idle(30)
    assert db.checkpointer.runs >= 1
    assert _wal(db).stat().st_size == 0


def test_the_log_is_truncated_only_once_bulk_commits_pause(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Truncating the log under a writer still busy made it drop its page cache."""
    monkeypatch.setattr(db.checkpointer, "quiet_s", 0.6)
    with db.bulk_connection() as conn, conn.begin():
        _bulk_write(conn)
    time.sleep(0.2)
    with db.bulk_connection() as conn, conn.begin():  # the next page, 0.2 s later
        _bulk_write(conn)
    time.sleep(0.2)
    assert _wal(db).stat().st_size > ROWS * 4000  # copied maybe, not truncated
    assert db.checkpointer.wait_idle(30)
    assert _wal(db).stat().st_size == 0
    assert _count(db.path) == 2 * ROWS
