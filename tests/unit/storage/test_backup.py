from __future__ import annotations

import argparse
import datetime as dt
import errno
import sqlite3
from pathlib import Path

import pytest

from silon_desktop.commands import backup_cmd
from silon_desktop.storage import backup
from silon_desktop.storage.db import Database, open_database
from silon_desktop.storage.errors import (
    CorruptDatabase,
    DatabaseLocked,
    DiskFull,
    StorageUnavailable,
)
from silon_desktop.storage.models import SyncState
from tests.sqlite_errors import SQLITE_FULL, sqlite_error


def _put(db: Database, key: str) -> None:
    with db.session() as session:
        session.add(SyncState(key=key, value="v"))


def _keys(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT key FROM sync_state")}


def test_backup_is_a_verified_consistent_copy_while_open(db: Database, tmp_path: Path) -> None:
    _put(db, "before")
    made = backup.make_backup(db.path, tmp_path / "backups", 5)
    _put(db, "after")
    assert made.path.name.startswith("silon-") and made.reason == "auto"
    assert backup.verify(made.path)
    assert _keys(made.path) == {"before"}  # WAL content included, later writes not
    assert not list((tmp_path / "backups").glob("*.partial"))


def test_an_unusable_backups_folder_is_an_environment_error(db: Database, tmp_path: Path) -> None:
    blocker = tmp_path / "backups"
    blocker.write_text("a file where the backups folder should be")
    with pytest.raises(StorageUnavailable):
        backup.make_backup(db.path, blocker, 5)
    with pytest.raises(StorageUnavailable):
        backup.make_backup(db.path, blocker / "nested", 5)


def test_rotation_keeps_the_newest(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    made = [backup.make_backup(db.path, folder, 3, reason="manual") for _ in range(5)]
    kept = backup.list_backups(folder)
    assert [b.path for b in kept] == [m.path for m in reversed(made[-3:])]
    (folder / "notes.txt").write_text("not a backup")
    assert len(backup.list_backups(folder)) == 3


def test_backup_if_due_respects_the_interval(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    assert backup.backup_if_due(db.path, folder, 3) is not None
    assert backup.backup_if_due(db.path, folder, 3) is None
    assert backup.backup_if_due(db.path, folder, 3, interval=dt.timedelta(0)) is not None


def test_restore_refuses_while_open_then_restores(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    _put(db, "old")
    made = backup.make_backup(db.path, folder, 5)
    _put(db, "new")
    with pytest.raises(DatabaseLocked):
        backup.restore(made.path, db.path, folder)
    db.close()
    previous = backup.restore(made.path, db.path, folder)
    assert previous is not None and previous.reason == "before-restore"
    assert _keys(previous.path) == {"old", "new"}  # the replaced state is kept
    reopened = open_database(db.path)
    with reopened.session(readonly=True) as session:
        assert {s.key for s in session.query(SyncState)} == {"old"}
    reopened.close()


def test_damaged_backup_is_refused_and_nothing_changes(db: Database, tmp_path: Path) -> None:
    _put(db, "live")
    db.close()
    bad = tmp_path / "silon-20240101-000000-000000-manual.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    before = db.path.read_bytes()
    with pytest.raises(CorruptDatabase):
        backup.restore(bad, db.path, tmp_path)
    assert db.path.read_bytes() == before


@pytest.mark.parametrize("failure", ["sqlite", "os"])
def test_a_disk_full_during_a_restore_is_said_and_the_database_stays(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    folder = tmp_path / "backups"
    _put(db, "old")
    made = backup.make_backup(db.path, folder, 5)
    _put(db, "new")
    db.close()
    copy = backup._copy

    def fills_up(source: Path, destination: Path, key: bytes | None = None) -> None:
        if "restoring" not in destination.name:
            return copy(source, destination, key)  # the backup of the current file
        if failure == "os":
            raise OSError(errno.ENOSPC, "No space left on device", str(destination))
        raise sqlite_error("database or disk is full", SQLITE_FULL)

    monkeypatch.setattr(backup, "_copy", fills_up)
    with pytest.raises(DiskFull) as refused:
        backup.restore(made.path, db.path, folder)
    # The operator's words, and the right ones: the database was not replaced (the
    # store's "data belum disimpan" would say the work was lost).
    assert "tidak dipulihkan" in refused.value.message
    assert "belum disimpan" not in refused.value.message
    assert _keys(db.path) == {"old", "new"}
    assert not list(tmp_path.glob("*restoring*"))


def test_a_disk_full_during_a_backup_says_the_data_is_safe(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The automatic backup on a full disk: the status bar's tooltip and the start's
    message said the store's "data belum disimpan" (the data was not saved), when
    the operator's data is saved and only the backup was not made."""

    def fills_up(*_a: object, **_k: object) -> None:
        raise sqlite_error("database or disk is full", SQLITE_FULL)

    _put(db, "kept")
    monkeypatch.setattr(backup, "_copy", fills_up)
    with pytest.raises(DiskFull) as refused:
        backup.make_backup(db.path, tmp_path / "backups", 5)
    assert "cadangan" in refused.value.message and "tetap utuh" in refused.value.message
    assert "belum disimpan" not in refused.value.message
    failure = backup.last_failure(db.path)
    assert failure is not None and failure.message == refused.value.message


def test_damaged_live_file_is_kept_before_restore(tmp_path: Path) -> None:
    good_db = open_database(tmp_path / "good.db")
    _put(good_db, "good")
    good_db.close()
    made = backup.make_backup(tmp_path / "good.db", tmp_path / "backups", 5)
    live = tmp_path / "silon.db"
    live.write_bytes(b"garbage" * 1000)
    previous = backup.restore(made.path, live, tmp_path / "backups")
    assert previous is not None and previous.reason == "damaged"
    assert previous.path.read_bytes() == b"garbage" * 1000
    assert _keys(live) == {"good"}


def _args(data_dir: Path, **kw: object) -> argparse.Namespace:
    return argparse.Namespace(data_dir=str(data_dir), list=False, restore=None, **kw)


def test_backup_command(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert backup_cmd.run(_args(data_dir)) == 1  # no database yet
    db = open_database(data_dir / "silon.db")
    _put(db, "k")
    db.close()
    assert backup_cmd.run(_args(data_dir)) == 0
    (made,) = backup.list_backups(data_dir / "backups")
    capsys.readouterr()
    assert backup_cmd.run(argparse.Namespace(data_dir=str(data_dir), list=True, restore=None)) == 0
    assert made.path.name in capsys.readouterr().out
    restore = argparse.Namespace(data_dir=str(data_dir), list=False, restore=made.path.name)
    assert backup_cmd.run(restore) == 0
    assert "dipulihkan" in capsys.readouterr().out
    missing = argparse.Namespace(data_dir=str(data_dir), list=False, restore="nope.db")
    assert backup_cmd.run(missing) == 1


_REAL_DATETIME = dt.datetime


class _Clock(dt.datetime):
    """``datetime`` whose ``now`` is off by ``offset`` (a PC clock set wrong)."""

    offset = dt.timedelta(0)

    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> _Clock:  # type: ignore[override]
        return cls.fromtimestamp((_REAL_DATETIME.now(tz) + cls.offset).timestamp(), tz)


def test_a_clock_set_back_a_year_neither_rotates_the_new_backup_away_nor_stops_backups(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "backups"
    made = [backup.make_backup(db.path, folder, 3, reason="manual") for _ in range(3)]
    assert [b.number for b in made] == [1, 2, 3]

    from types import SimpleNamespace

    clock = SimpleNamespace(datetime=_Clock, UTC=dt.UTC, timedelta=dt.timedelta)
    monkeypatch.setattr(backup, "dt", clock)  # the backup module's clock only
    _Clock.offset = -dt.timedelta(days=365)
    # the newest backup looks a year "in the future": an automatic one is due, not a year away
    due = backup.backup_if_due(db.path, folder, 3)
    assert due is not None and due.number == 4
    _put(db, "a year back")
    newest = backup.make_backup(db.path, folder, 3, reason="manual")  # crashed before
    assert newest.path.is_file() and newest.number == 5
    assert newest.created < made[0].created  # its name carries the wrong clock
    kept = backup.list_backups(folder)
    assert [b.number for b in kept] == [5, 4, 3]  # the oldest by number went, not the new one
    assert _keys(kept[0].path) == {"a year back"}
    assert backup.backup_if_due(db.path, folder, 3) is None  # and the interval holds again


def test_backups_named_by_older_programs_come_before_numbered_ones(
    db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    old = folder / "silon-20991231-000000-000000-manual.db"  # a far "future" stamp, no number
    backup.make_backup(db.path, folder, None)
    (folder / backup.list_backups(folder)[0].path.name).rename(old)
    made = backup.make_backup(db.path, folder, 1)
    assert [b.path for b in backup.list_backups(folder)] == [made.path]
    assert not old.exists()


def test_left_over_partial_backups_are_removed_and_one_in_progress_is_left(
    db: Database, tmp_path: Path
) -> None:
    import os
    import time

    folder = tmp_path / "backups"
    folder.mkdir()
    stale = folder / "silon-000007-20240101-000000-000000-auto.partial"
    stale.write_bytes(b"half a backup of a killed program")
    old = time.time() - 2 * backup.PARTIAL_STALE_S
    os.utime(stale, (old, old))
    busy = folder / "silon-000008-20240101-000001-000000-auto.partial"
    busy.write_bytes(b"another process writing right now")
    backup.make_backup(db.path, folder, 5)
    assert not stale.exists()
    assert busy.exists()
    assert backup.clean_partials(folder) == []  # busy is still fresh


def test_the_start_removes_left_over_partial_backups_even_when_none_is_due(data_dir: Path) -> None:
    import os
    import time

    from silon_desktop import paths
    from tests.gui.sample_data import open_backend

    app_paths = paths.resolve(data_dir).ensure()
    backend = open_backend(app_paths)
    try:
        backup.make_backup(backend.db.path, app_paths.backups, 5)  # the next is not due
        stale = app_paths.backups / "silon-000009-20240101-000000-000000-auto.partial"
        stale.write_bytes(b"half a backup of a killed program")
        old = time.time() - 2 * backup.PARTIAL_STALE_S
        os.utime(stale, (old, old))
        backend.start_checks()
        assert not stale.exists()
        assert len(backup.list_backups(app_paths.backups)) == 1  # no new backup was due
    finally:
        backend.db.close()
