from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import event, text

from silon_desktop.storage import db as db_module
from silon_desktop.storage.db import HEAD_REVISION, Database, open_database
from silon_desktop.storage.errors import CorruptDatabase, DatabaseLocked, StorageUnavailable
from silon_desktop.storage.models import SyncState
from tests.sqlite_errors import sqlite_error


def test_every_connection_is_durable(db: Database) -> None:
    with db.session() as session:
        pragma = {
            name: session.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 10000,
    }


def test_new_file_is_at_head(tmp_path: Path) -> None:
    # made here, not by the `db` fixture (a copy of a file made once per test process)
    db = open_database(tmp_path / "silon.db")
    try:
        assert db.schema_revision() == HEAD_REVISION
    finally:
        db.close()


def test_head_revision_constant_matches_migrations() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(db_module.alembic_config())
    assert script.get_current_head() == HEAD_REVISION


def test_session_commits_and_rolls_back(db: Database) -> None:
    with db.session() as session:
        session.add(SyncState(key="cursor", value="5"))
    with pytest.raises(RuntimeError), db.session() as session:
        session.add(SyncState(key="other", value="x"))
        session.flush()
        raise RuntimeError("boom")
    with db.session(readonly=True) as session:
        assert {s.key for s in session.query(SyncState)} == {"cursor"}


def test_foreign_keys_are_enforced(db: Database) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), db.session() as session:
        session.execute(
            text(
                "INSERT INTO pair (id, scope, version, deleted, updated_at, election_id, route,"
                " head_name, deputy_name, status) VALUES ('p', '32', 0, 0, '2024-01-01',"
                " 'missing', 'x', '', '', 'draft')"
            )
        )


def test_not_a_database_is_an_environment_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(CorruptDatabase):
        open_database(path)


def test_a_folder_that_cannot_be_made_is_an_environment_error(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(StorageUnavailable) as caught:
        open_database(blocker / "silon.db")
    assert "data" in caught.value.detail


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE something (x)")
    with pytest.raises(CorruptDatabase):
        open_database(path)


def test_lock_held_elsewhere_is_an_environment_error(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 50)
    quick = open_database(db.path)
    blocker = sqlite3.connect(db.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseLocked) as caught, quick.session() as session:
            session.add(SyncState(key="k", value="v"))
        assert "proses lain" in caught.value.message
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        quick.close()


def test_sessions_in_threads_do_not_lose_writes(db: Database) -> None:
    def work(n: int) -> None:
        for _ in range(20):
            with db.session() as session:
                row = session.get(SyncState, "counter")
                if row is None:
                    session.add(SyncState(key="counter", value="1"))
                else:
                    row.value = str(int(row.value) + 1)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with db.session(readonly=True) as session:
        row = session.get(SyncState, "counter")
        assert row is not None and row.value == "80"


@pytest.mark.parametrize(
    ("text", "code", "kind"),
    [
        ("database is locked", 5, "DatabaseLocked"),  # SQLITE_BUSY
        ("database table is locked", 6, "DatabaseLocked"),  # SQLITE_LOCKED
        ("database table is locked", 262, "DatabaseLocked"),  # SQLITE_LOCKED_SHAREDCACHE
        ("database or disk is full", 13, "DiskFull"),
        ("database disk image is malformed", 11, "CorruptDatabase"),
        ("file is not a database", 26, "CorruptDatabase"),
        ("disk I/O error", 10, "StorageUnavailable"),
        ("disk I/O error", 3850, "StorageUnavailable"),  # SQLITE_IOERR_LOCK
        ("attempt to write a readonly database", 8, "StorageUnavailable"),
        ("unable to open database file", 14, "StorageUnavailable"),
    ],
)
def test_environment_errors_are_told_apart_from_bugs(text: str, code: int, kind: str) -> None:
    from sqlalchemy.exc import OperationalError

    from silon_desktop.storage.errors import environment_error

    problem = environment_error(OperationalError("INSERT ...", {}, sqlite_error(text, code)))
    assert problem is not None and type(problem).__name__ == kind and problem.message
    assert environment_error(sqlite_error("no such column: x", 1)) is None  # a bug
    # The code decides, not the words: a bug whose text mentions a lock is still a bug.
    assert environment_error(sqlite_error("database is locked", 1)) is None
    assert environment_error(sqlite3.OperationalError("database is locked")) is None  # no code
    assert environment_error(ValueError("database is locked")) is None


def test_real_sqlite_failures_are_environment_errors_and_misuse_is_a_bug(tmp_path: Path) -> None:
    from silon_desktop.storage.errors import environment_error

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all " * 100)
    with pytest.raises(sqlite3.DatabaseError) as notadb:
        sqlite3.connect(junk).execute("SELECT * FROM sqlite_master")
    assert isinstance(environment_error(notadb.value), CorruptDatabase)

    held = tmp_path / "held.db"
    owner = sqlite3.connect(held, isolation_level=None)
    owner.execute("CREATE TABLE t (x)")
    owner.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(held, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as busy:
        other.execute("INSERT INTO t VALUES (1)")
    assert isinstance(environment_error(busy.value), DatabaseLocked)
    owner.execute("ROLLBACK")
    owner.close()

    readonly = sqlite3.connect(f"file:{held}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as refused:
        readonly.execute("INSERT INTO t VALUES (1)")
    assert isinstance(environment_error(refused.value), StorageUnavailable)

    with pytest.raises(sqlite3.OperationalError) as bug:
        other.execute("SELECT no_such_column FROM t")
    assert environment_error(bug.value) is None
    for conn in (other, readonly):
        conn.close()


def test_disk_full_during_a_write_rolls_back(db: Database) -> None:
    """A database capped at its current size behaves like a full disk."""
    from silon_desktop.storage.errors import DiskFull

    with db.session() as session:
        pages = session.execute(text("PRAGMA page_count")).scalar()
    capped = open_database(db.path)
    capped.engine.dispose()

    def _cap(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(capped.engine, "connect", _cap)
    with pytest.raises(DiskFull), capped.session() as session:
        session.add_all(SyncState(key=f"k{i}", value="x" * 4000) for i in range(200))
    with db.session(readonly=True) as session:
        assert session.query(SyncState).count() == 0
    capped.close()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc/self/fd (Linux)")
def test_an_index_build_on_a_plain_file_writes_no_temporary_file(tmp_path: Path) -> None:
    """SQLite's sorter spills a large index build to temporary files, by default in the
    system's temp folder (unlinked, so no directory scan sees them, but on disk).
    While supporters' NIKs and names are sorted into an index, every file the process
    has open is the database's own (its folder) or was open before."""
    import os

    def open_files() -> set[str]:
        found = set()
        for fd in os.listdir("/proc/self/fd"):
            try:
                found.add(os.readlink(f"/proc/self/fd/{fd}"))
            except OSError:
                pass  # closed meanwhile (the listing's own descriptor)
        return found

    database = open_database(tmp_path / "data" / "silon.db")
    before = open_files()
    seen: set[str] = set()
    try:
        with database.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            # A tiny cache: the sorter's memory limit, so that any spill happens early.
            raw.execute("PRAGMA cache_size = 10")
            with conn.begin():
                conn.exec_driver_sql("CREATE TABLE t (nik TEXT, name TEXT)")
                conn.exec_driver_sql(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                    " WHERE i < 20000) INSERT INTO t SELECT printf('3214%012d', i * 7919"
                    " % 20000), 'Nama Pendukung ' || i FROM n"
                )

                def look() -> int:
                    seen.update(open_files())
                    return 0

                raw.set_progress_handler(look, 2000)
                conn.exec_driver_sql("CREATE INDEX ix_t ON t (nik, name)")
                raw.set_progress_handler(None, 0)
    finally:
        database.close()
    assert seen, "the progress handler never ran"
    data = str(tmp_path / "data")
    outside = {f for f in seen - before if f.startswith("/") and not f.startswith(data)}
    assert not outside, outside
