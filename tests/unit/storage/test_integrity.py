"""Integrity told, never hidden: damage, index damage, a lost WAL, failed backups."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from silon_desktop import cli, paths
from silon_desktop.importers.store import import_file
from silon_desktop.storage import backup, integrity
from silon_desktop.storage.db import open_database
from silon_desktop.storage.errors import CorruptDatabase
from silon_desktop.storage.repository import Repository
from tests.gui.sample_data import open_backend, seed_small
from tests.integrity_helpers import corrupt_pages, damage_index, edits_then_killed
from tests.unit.importers.sheets import supporter_rows, write_csv
from tests.unit.storage.samples import make_tree

SUPPORTERS = 3_500


@pytest.fixture
def office(data_dir: Path) -> dict[str, Any]:
    """3,500 supporters of one pair, one good backup, the program closed."""
    app_paths = paths.resolve(data_dir).ensure()
    backend = open_backend(app_paths)
    ids = seed_small(backend, supporters=0)
    sheet = write_csv(app_paths.data / "in.csv", supporter_rows(SUPPORTERS))
    import_file(backend.db, sheet, ids["pair"], assume_id_scan=True)
    sheet.unlink()
    backend.db.close()
    good = backup.make_backup(app_paths.database, app_paths.backups, 10, reason="manual")
    return {"paths": app_paths, "pair": ids["pair"], "backup": good}


def _supporters(database: Path) -> int:
    con = sqlite3.connect(database)
    try:
        return int(con.execute("SELECT count(*) FROM supporter").fetchone()[0])
    finally:
        con.close()


def test_forty_damaged_pages_are_found_at_start_and_every_export_refuses(
    office: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app_paths = office["paths"]
    assert integrity.check(app_paths.database).ok
    corrupt_pages(app_paths.database, 40)

    assert not integrity.check(app_paths.database).ok  # the quick check at start
    backend = open_backend(app_paths)
    try:
        health = backend.start_checks()
        assert health.damaged and health.restore_advised
        assert health.backups == [office["backup"].path.name]  # the restore offered
        with pytest.raises(CorruptDatabase):
            backend.export_b11(office["pair"], tmp_path / "gui-b11.xlsx")
        with pytest.raises(CorruptDatabase):
            backend.export_b2(office["pair"], tmp_path / "gui-b2.xlsx")
        with pytest.raises(CorruptDatabase):
            backend.recap(office["pair"])  # the recap and berita acara PDFs
    finally:
        backend.db.engine.dispose()
    assert not (tmp_path / "gui-b11.xlsx").exists() and not (tmp_path / "gui-b2.xlsx").exists()

    b11, b2 = tmp_path / "b11.xlsx", tmp_path / "b2.xlsx"
    argv = ["--data-dir", str(app_paths.data), "export", "--pair", office["pair"]]
    code = cli.main([*argv, "--b11", str(b11), "--b2", str(b2)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Ekspor ditolak, tidak ada berkas yang ditulis" in err
    assert "Berkas basis data rusak" in err and "backup --restore" in err
    assert not b11.exists() and not b2.exists()

    # the offered restore brings every supporter back, and the export counts them all
    restore = ["--data-dir", str(app_paths.data), "backup", "--restore"]
    assert cli.main([*restore, office["backup"].path.name]) == 0
    assert _supporters(app_paths.database) == SUPPORTERS
    assert cli.main([*argv, "--b11", str(b11)]) == 0
    assert "(3.500 pendukung)" in capsys.readouterr().out


def test_a_damaged_index_fails_backups_and_the_self_check(
    office: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    app_paths = office["paths"]
    damage_index(app_paths.database)
    assert integrity.check(app_paths.database).ok  # what quick_check alone said
    assert not integrity.check(app_paths.database, full=True).ok

    with pytest.raises(CorruptDatabase):
        backup.make_backup(app_paths.database, app_paths.backups, 10)
    failure = backup.last_failure(app_paths.database)
    assert failure is not None and "rusak" in failure.message

    backend = open_backend(app_paths)
    try:
        health = backend.start_checks()  # the start: the automatic backup's failure is told
        assert health.backup_failed == failure.message
    finally:
        backend.db.engine.dispose()

    code = cli.main(
        ["--data-dir", str(app_paths.data), "--self-check", "--server", "http://127.0.0.1:9"]
    )
    out = capsys.readouterr().out
    assert code == 1, out
    verdict = out.strip().splitlines()[-1]
    assert verdict.startswith("HASIL: TIDAK SIAP")
    assert "rusak" in verdict and "Cadangan terakhir gagal" in verdict


def test_a_backup_that_succeeds_again_clears_the_failure(data_dir: Path) -> None:
    app_paths = paths.resolve(data_dir).ensure()
    open_database(app_paths.database).close()
    app_paths.backups.rmdir()
    app_paths.backups.write_text("not a folder")  # the backups folder cannot be made
    with pytest.raises(Exception):  # noqa: B017,PT011 (the environment error of the OS)
        backup.make_backup(app_paths.database, app_paths.backups, 3)
    assert backup.last_failure(app_paths.database) is not None
    app_paths.backups.unlink()
    backup.make_backup(app_paths.database, app_paths.backups, 3)
    assert backup.last_failure(app_paths.database) is None
    assert backup.status_path(app_paths.database).stat().st_mode & 0o077 == 0  # owner only


def test_a_lost_wal_after_a_crash_is_reported(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app_paths = paths.resolve(data_dir).ensure()
    database = app_paths.database
    record = edits_then_killed(database, edits=50)
    wal = database.with_name(database.name + "-wal")
    assert wal.stat().st_size > 0  # the 50 edits are only there
    wal.unlink()

    lost = integrity.lost_changes(database)
    assert lost is not None and lost.missing >= 1
    assert integrity.marker_path(database).stat().st_mode & 0o077 == 0  # owner only
    assert lost.expected["journal"] - lost.found["journal"] == 50  # one journal line per edit

    backend = open_backend(app_paths)
    try:
        assert not backend.get("supporter", record)["address"].startswith("Jl. Baru")  # all lost
        health = backend.start_checks(backend.lost_changes())
        assert health.lost >= 1 and health.restore_advised
    finally:
        backend.db.engine.dispose()

    code = cli.main(
        ["--data-dir", str(app_paths.data), "--self-check", "--server", "http://127.0.0.1:9"]
    )
    out = capsys.readouterr().out
    assert code == 1, out
    assert "Perubahan terakhir hilang" in out.strip().splitlines()[-1]


def test_a_crash_with_the_wal_kept_loses_nothing_and_is_not_reported(data_dir: Path) -> None:
    app_paths = paths.resolve(data_dir).ensure()
    record = edits_then_killed(app_paths.database, edits=5)
    assert integrity.lost_changes(app_paths.database) is None
    db = open_database(app_paths.database)
    try:
        with db.engine.connect() as conn:
            row = conn.exec_driver_sql(
                "SELECT address FROM supporter WHERE id = ?", (record,)
            ).fetchone()
        assert row[0] == "Jl. Baru 4"
    finally:
        db.close()
    assert integrity.lost_changes(app_paths.database) is None  # after a clean close too


def test_a_restore_makes_the_restored_file_the_truth(data_dir: Path) -> None:
    app_paths = paths.resolve(data_dir).ensure()
    edits_then_killed(app_paths.database, edits=3)
    wal = app_paths.database.with_name(app_paths.database.name + "-wal")
    wal.unlink()
    assert integrity.lost_changes(app_paths.database) is not None
    made = backup.make_backup(app_paths.database, app_paths.backups, 3)
    backup.restore(made.path, app_paths.database, app_paths.backups)
    assert integrity.lost_changes(app_paths.database) is None


def test_the_commit_marker_is_rewritten_in_place_and_an_older_marker_still_reads(
    tmp_path: Path,
) -> None:
    database = tmp_path / "silon.db"
    db = open_database(database)
    marker = integrity.marker_path(database)
    # a marker as an older version wrote it, longer than the fixed size
    marker.write_text('{"counters": {"outbox": 0, "journal": 0}}' + " " * 600)
    try:
        repo = Repository(db, device_id="marker")
        supporter = make_tree(repo)["supporter"]
        first = marker.read_bytes()
        assert len(first) == integrity._MARKER_BYTES  # cut to size, padded
        assert marker.stat().st_mode & 0o077 == 0  # owner only
        repo.update("supporter", supporter, {"name": "Nama Baru"})
        second = marker.read_bytes()
        assert second != first and len(second) == integrity._MARKER_BYTES
    finally:
        db.close()
    assert integrity.lost_changes(database) is None  # the padded marker matches the file
    # the last journal line gone: the padded marker is read, and the loss is seen
    con = sqlite3.connect(database)
    con.execute("DELETE FROM record_history WHERE seq = (SELECT max(seq) FROM record_history)")
    con.commit()
    con.close()
    lost = integrity.lost_changes(database)
    assert lost is not None and lost.expected["journal"] - lost.found["journal"] == 1
