"""The import wizard's kinds of file: a further part of the list, and a corrected file
replacing the earlier import after a preview (No by default)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from silon_desktop.importers.store import import_file
from silon_desktop.storage.db import open_database
from tests.gui.test_import_wizard import db_path, open_wizard  # noqa: F401 - the fixture
from tests.unit.importers.sheets import supporter_rows, write_xlsx


def _live_niks(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT nik FROM supporter WHERE deleted = 0")}
    finally:
        conn.close()


def _first_list(db_path: Path, tmp_path: Path) -> Path:  # noqa: F811
    first = supporter_rows(6)
    first[0][1] = "3.21E+15"  # a NIK Excel turned into a number
    db = open_database(db_path)
    import_file(db, write_xlsx(tmp_path / "awal.xlsx", first), "p1", assume_id_scan=True)
    db.close()
    return write_xlsx(tmp_path / "perbaikan.xlsx", supporter_rows(6))


def test_a_corrected_file_replaces_the_earlier_import_after_a_preview(
    qtbot: QtBot,
    db_path: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    corrected = _first_list(db_path, tmp_path)
    assert "3.21E+15" in _live_niks(db_path)
    asked: list[QMessageBox] = []

    def answer(box: QMessageBox) -> QMessageBox.StandardButton:
        asked.append(box)
        assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
        if len(asked) == 1:
            return QMessageBox.StandardButton.No  # the first time: not replaced
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "exec", answer)
    wizard = open_wizard(qtbot, db_path, corrected)
    kinds = [wizard.kind_box.itemData(i) for i in range(wizard.kind_box.count())]
    assert kinds == ["part", "replace"]  # no kind overwrites rows without a preview
    wizard.kind_box.setCurrentIndex(kinds.index("replace"))
    wizard.scan_check.setChecked(True)
    wizard.import_button.click()
    qtbot.waitUntil(lambda: bool(asked) and wizard.job is None, timeout=30_000)
    assert "1 baru, 0 berubah, 5 tetap, 1 ditarik" in asked[0].text()
    assert "3.21E+15" in asked[0].informativeText()
    assert wizard.pages.currentIndex() == wizard.PAGE_MAPPING
    assert "3.21E+15" in _live_niks(db_path)  # No changed nothing

    with qtbot.waitSignal(wizard.imported, timeout=30_000) as done:
        wizard.import_button.click()
    assert len(asked) == 2
    assert done.args[0].stored["withdrawn"] == 1
    assert "Ditarik: 1 (tidak ada di berkas perbaikan)" in wizard.result_label.text()
    live = _live_niks(db_path)
    assert "3.21E+15" not in live and len(live) == 6
    conn = sqlite3.connect(db_path)
    try:
        reason = conn.execute(
            "SELECT withdrawn_reason FROM supporter WHERE nik = '3.21E+15'"
        ).fetchone()
    finally:
        conn.close()
    assert reason == ("diganti_impor",)
    qtbot.waitUntil(lambda: wizard.job is None)


def test_a_further_part_adds_its_rows(
    qtbot: QtBot,
    db_path: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    first = supporter_rows(4)
    db = open_database(db_path)
    import_file(db, write_xlsx(tmp_path / "1.xlsx", first), "p1", assume_id_scan=True)
    db.close()
    second = supporter_rows(3, seed=5, start_sequence=400)
    second.append(list(first[0]))  # repeats a supporter of part 1: added, flagged ganda identik
    wizard = open_wizard(qtbot, db_path, write_xlsx(tmp_path / "2.xlsx", second))
    assert wizard.kind_box.currentData() == "part"  # the default: rows are added
    with qtbot.waitSignal(wizard.imported, timeout=30_000) as done:
        wizard.import_button.click()
    assert done.args[0].stored["inserted"] == 4
    assert "NIK yang sudah ada di pasangan ini: 1 baris (ditandai ganda)" in (
        wizard.result_label.text()
    )
    conn = sqlite3.connect(db_path)
    try:
        rows = conn.execute("SELECT count(*) FROM supporter WHERE deleted = 0").fetchone()[0]
        flagged = conn.execute(
            "SELECT count(*) FROM supporter WHERE check_reasons LIKE '%DUPLICATE_IDENTICAL%'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert rows == 8 and flagged == 1
    qtbot.waitUntil(lambda: wizard.job is None)


def test_a_further_part_tells_the_earlier_rows_it_flagged(
    qtbot: QtBot,
    db_path: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Part 2 carries a part-1 NIK with another name: both rows become potensi ganda,
    and the wizard says so of the part-1 row (its counts are part 2's rows alone)."""
    first = supporter_rows(4)
    db = open_database(db_path)
    import_file(db, write_xlsx(tmp_path / "1.xlsx", first), "p1", assume_id_scan=True)
    db.close()
    other = list(first[1])
    other[2] = "Orang Lain Sama Sekali"
    second = [*supporter_rows(3, seed=5, start_sequence=400), other]
    wizard = open_wizard(qtbot, db_path, write_xlsx(tmp_path / "2.xlsx", second))
    with qtbot.waitSignal(wizard.imported, timeout=30_000):
        wizard.import_button.click()
    assert "Baris lama di pasangan ini yang kini ditandai ganda: 1" in wizard.result_label.text()
    qtbot.waitUntil(lambda: wizard.job is None)
