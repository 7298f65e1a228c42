"""The start tells damage, lost changes and failed backups on screen, and restores a backup."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from silon_desktop import paths
from silon_desktop.importers.store import import_file
from silon_desktop.storage import backup, integrity
from tests.gui.sample_data import open_backend, seed_small
from tests.integrity_helpers import corrupt_pages, edits_then_killed
from tests.unit.importers.sheets import supporter_rows, write_csv

Step = Callable[[QWidget], None]


def answer(steps: list[Step], seen: list[str]) -> QTimer:
    """Answer the modal dialogs as they come, one step each; their texts go to ``seen``."""
    handled: list[QWidget] = []

    def tick() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None or not steps or any(widget is h for h in handled):
            return
        handled.append(widget)
        text = widget.text() if isinstance(widget, QMessageBox) else widget.windowTitle()
        seen.append(text)
        steps.pop(0)(widget)

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(50)
    return timer


def click(label: str) -> Step:
    def step(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        button = next(b for b in widget.buttons() if b.text() == label)
        assert button.isEnabled()
        button.click()

    return step


def pick_first(widget: QWidget) -> None:
    assert isinstance(widget, QInputDialog)
    widget.accept()


def window_over(qtbot: QtBot, backend: Any) -> Any:
    from silon_desktop.ui.main_window import MainWindow

    window = MainWindow(backend)
    qtbot.addWidget(window)
    window.show()
    return window


def test_forty_damaged_pages_warn_at_start_and_the_offered_restore_brings_all_back(
    qtbot: QtBot, data_dir: Path
) -> None:
    app_paths = paths.resolve(data_dir).ensure()
    backend = open_backend(app_paths)
    ids = seed_small(backend, supporters=0)
    sheet = write_csv(app_paths.data / "in.csv", supporter_rows(3_500))
    import_file(backend.db, sheet, ids["pair"], assume_id_scan=True)
    sheet.unlink()
    good = backup.make_backup(app_paths.database, app_paths.backups, 10, reason="manual")
    backend.db.close()
    corrupt_pages(app_paths.database, 40)

    backend = open_backend(app_paths)
    window = window_over(qtbot, backend)
    assert "Pulihkan dari &cadangan..." in [
        a.text() for a in window.menuBar().actions()[0].menu().actions()
    ]
    seen: list[str] = []
    steps = [click("Pulihkan dari cadangan..."), pick_first, click("&Yes"), click("OK")]
    timer = answer(steps, seen)
    with qtbot.waitSignal(window.integrity.restored, timeout=60_000) as restored:
        thread = window.integrity.check_at_start(None)
    timer.stop()
    thread.join()
    assert restored.args == [good.path.name]
    assert "menemukan kerusakan pada basis data" in seen[0]
    assert "laporan resmi" in seen[0]
    assert f"Basis data dipulihkan dari {good.path.name}" in seen[3]
    assert integrity.check(app_paths.database, full=True).ok
    con = sqlite3.connect(app_paths.database)
    assert con.execute("SELECT count(*) FROM supporter").fetchone()[0] == 3_500
    con.close()
    assert [b.reason for b in backup.list_backups(app_paths.backups)][0] == "damaged"
    assert backup.last_failure(app_paths.database) is None  # no "backup failed" after it


def test_a_failed_automatic_backup_is_shown_in_the_status_bar_and_said(
    qtbot: QtBot, data_dir: Path
) -> None:
    app_paths = paths.resolve(data_dir).ensure()
    backend = open_backend(app_paths)
    seed_small(backend)
    app_paths.backups.rmdir()
    app_paths.backups.write_text("a file where the backups folder should be")
    window = window_over(qtbot, backend)
    seen: list[str] = []
    timer = answer([click("OK")], seen)
    with qtbot.waitSignal(window.integrity.checked, timeout=60_000) as checked:
        window.integrity.check_at_start(None).join()
    timer.stop()
    health = checked.args[0]
    assert health.backup_failed and not health.damaged
    assert "Cadangan otomatis basis data gagal dibuat" in seen[0]
    assert health.backup_failed in seen[0]
    warning = window.integrity.backup_warning
    assert warning.isVisible() and warning.text() == "⚠ Cadangan gagal"
    assert warning.toolTip() == health.backup_failed
    backend.db.engine.dispose()


def test_a_lost_wal_is_reported_at_start_with_the_restore_offered(
    qtbot: QtBot, data_dir: Path
) -> None:
    app_paths = paths.resolve(data_dir).ensure()
    edits_then_killed(app_paths.database, edits=50)
    app_paths.database.with_name("silon.db-wal").unlink()
    backend = open_backend(app_paths)
    lost = backend.lost_changes()  # as app.py: before anything is committed
    window = window_over(qtbot, backend)
    seen: list[str] = []
    timer = answer([click("Nanti")], seen)
    with qtbot.waitSignal(window.integrity.checked, timeout=60_000) as checked:
        window.integrity.check_at_start(lost).join()
    timer.stop()
    assert checked.args[0].lost == 50
    assert seen[0].startswith("Perubahan terakhir hilang: sedikitnya 50 perubahan")
    backend.db.engine.dispose()


def test_a_truncated_backup_is_refused_and_the_window_works_on(
    qtbot: QtBot, data_dir: Path
) -> None:
    app_paths = paths.resolve(data_dir).ensure()
    backend = open_backend(app_paths)
    ids = seed_small(backend)
    made = backup.make_backup(app_paths.database, app_paths.backups, 10, reason="manual")
    with made.path.open("r+b") as handle:
        handle.truncate(made.size // 2)
    window = window_over(qtbot, backend)
    window.start()
    seen: list[str] = []
    timer = answer([pick_first, click("&Yes"), click("OK")], seen)
    assert window.integrity.offer_restore([made.path.name]) == ""
    timer.stop()
    assert seen[2].startswith("Cadangan tidak dapat dipulihkan: ")
    # Nothing was restored: the window goes on working as before, syncing and
    # running its background jobs (a report, an export, the dashboard).
    assert window.sync.timer.isActive()
    job = window.jobs.start(lambda _p, _c: backend.status_counts(ids["pair"]), "counts")
    failed: list[str] = []
    job.failed.connect(failed.append)
    with qtbot.waitSignal(job.done, timeout=10_000):
        pass
    assert failed == []
    window.close()
    backend.db.engine.dispose()
