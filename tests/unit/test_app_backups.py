"""The application's automatic backups: made when due at start (``Services.start_checks``,
run beside the window) and at close, rotated."""

from __future__ import annotations

from pathlib import Path

from silon_desktop import app, paths
from silon_desktop.config import Settings
from silon_desktop.services import Services
from silon_desktop.storage import backup
from silon_desktop.storage.db import open_database


def test_start_up_backup_is_made_once_per_interval(data_dir: Path) -> None:
    app_paths = paths.resolve(data_dir).ensure()
    open_database(app_paths.database).close()
    settings = Settings(backup_keep=3)

    backend = Services(app_paths, settings, open_database(app_paths.database))
    try:
        assert backend.start_checks().backup_failed == ""  # the start: quick check, then backup
    finally:
        backend.db.close()
    first = backup.list_backups(app_paths.backups)
    assert len(first) == 1
    assert backup.verify(first[0].path)

    app._backup_if_due(app_paths, settings)  # not due again so soon
    assert [b.path for b in backup.list_backups(app_paths.backups)] == [first[0].path]


def test_a_failing_backup_is_logged_not_raised(data_dir: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    app_paths = paths.resolve(data_dir).ensure()
    open_database(app_paths.database).close()
    app_paths.backups.rmdir()
    app_paths.backups.write_text("not a folder")  # the backup folder cannot be made
    app._backup_if_due(app_paths, Settings())
    assert "automatic backup failed" in caplog.text
