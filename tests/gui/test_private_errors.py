"""A SQL error during an import leaves no NIK and no name in the log or the diagnostics.

Issue #14: "A SQL error during an import on a full disk wrote ten NIKs with names,
birth dates and addresses into the log and into the helpdesk diagnostics text."
The import runs as the import wizard runs it (a job worker calling the services);
the log is the application's own rotating file (``app.setup_logging``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from silon_desktop import paths
from silon_desktop.app import setup_logging
from silon_desktop.ui.workers import Worker
from tests.gui.sample_data import open_backend, seed_small
from tests.unit.importers.sheets import supporter_rows, write_xlsx

PLANTED_NAME = "Wulandari Kusumaningtyas"


@pytest.fixture
def logged(tmp_path: Path) -> Iterator[paths.AppPaths]:
    """A data folder with the application's log file, removed from logging afterwards."""
    app_paths = paths.resolve(tmp_path / "data").ensure()
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    setup_logging(app_paths, verbose=True)
    yield app_paths
    for handler in root.handlers[:]:
        if handler not in before:
            handler.close()
            root.removeHandler(handler)
    root.setLevel(level)


def planted_file(tmp_path: Path) -> tuple[Path, list[str]]:
    rows = supporter_rows(400)
    for row in rows[:10]:
        row[2] = PLANTED_NAME
    return write_xlsx(tmp_path / "daftar.xlsx", rows), [str(row[1]) for row in rows]


def run_import_job(backend: Any, pair_id: str, source: Path) -> list[str]:
    """The wizard's import job, run synchronously; returns the operator messages."""
    mapping, _sample = backend.imports.preview(source)
    failures: list[str] = []
    worker = Worker(
        lambda progress, cancel: backend.imports.import_file(
            source,
            pair_id,
            mapping,
            progress=lambda done, total: progress((done, total)),
            cancel=cancel,
        ),
        "import",
    )
    worker.failed.connect(failures.append)
    worker.run()
    return failures


def assert_nothing_personal(text: str, niks: list[str]) -> None:
    leaked = [nik for nik in niks if nik in text]
    assert leaked == [], f"{len(leaked)} NIKs leaked"
    assert PLANTED_NAME not in text
    assert "Kp. Babakan" not in text  # the rows' addresses


@pytest.mark.parametrize("failure", ["disk_full", "statement_refused"])
def test_a_sql_error_during_an_import_keeps_personal_data_out_of_log_and_diagnostics(
    qtbot: QtBot, tmp_path: Path, logged: paths.AppPaths, failure: str
) -> None:
    backend = open_backend(logged)
    try:
        pair = seed_small(backend, supporters=0)["pair"]
        source, niks = planted_file(tmp_path)
        engine = backend.db.engine
        if failure == "disk_full":  # the disk fills up in the middle of the import
            with engine.connect() as conn:
                pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()

            def full_disk(dbapi_connection: Any, _record: Any) -> None:
                dbapi_connection.execute(f"PRAGMA max_page_count = {int(pages) + 8}")

            engine.dispose()
            event.listen(engine, "connect", full_disk)
        else:  # a statement refused for a reason the program does not know: a bug
            with engine.begin() as conn:
                conn.exec_driver_sql(
                    "CREATE TRIGGER refuse BEFORE INSERT ON supporter "
                    "BEGIN SELECT RAISE(ABORT, 'refused by trigger'); END"
                )

        failures = run_import_job(backend, pair, source)

        assert len(failures) == 1
        if failure == "disk_full":
            assert "penuh" in failures[0].lower()  # the operator's words for a full disk
        for handler in logging.getLogger().handlers:
            handler.flush()
        log_text = logged.log_file.read_text(encoding="utf-8")
        assert "import" in log_text  # the failure was logged, only without the data
        assert_nothing_personal(log_text, niks)
        assert_nothing_personal(failures[0], niks)
        assert_nothing_personal(backend.diagnostics(), niks)
    finally:
        backend.db.close()


def test_saving_the_b11_list_warns_of_personal_data_and_never_defaults_to_the_data_folder(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    window.open_record("pair", seeded["pair"])
    shown: list[str] = []
    answers = iter([QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Ok])

    def exec_box(box: QMessageBox) -> QMessageBox.StandardButton:
        shown.append(box.text())
        return next(answers)

    defaults: list[str] = []

    def save_dialog(_parent: Any, _title: str, default: str, _filter: str) -> tuple[str, str]:
        defaults.append(default)
        return "", ""  # the operator closes the dialog

    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)

    window.ask_report("b11")  # Batal on the warning: no file dialog at all
    assert len(shown) == 1 and defaults == []
    assert "data pribadi" in shown[0] and "NIK" in shown[0]
    window.ask_report("b11")  # OK: the file dialog, outside the program's data folder
    assert len(shown) == 2 and len(defaults) == 1
    data = window.backend.paths.data
    assert not Path(defaults[0]).resolve().is_relative_to(data.resolve())
    window.ask_report("b2")  # counts only: no warning
    assert len(shown) == 2 and len(defaults) == 2
