"""The import wizard: preview, editable mapping, import on a thread, cancel, result view."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from silon_desktop.storage.db import open_database
from silon_desktop.ui.import_wizard import ImportWizard
from tests.fixtures import seed_election
from tests.unit.importers.sheets import HEADER, supporter_rows, write_xlsx


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "silon.db"
    db = open_database(path)
    seed_election(db, head_name="Asep")
    db.close()
    return path


def counts(db_path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db_path)
    try:
        supporters = conn.execute("SELECT count(*) FROM supporter").fetchone()[0]
        mutations = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
        return int(supporters), int(mutations)
    finally:
        conn.close()


def open_wizard(qtbot: QtBot, db_path: Path, file: Path) -> ImportWizard:
    wizard = ImportWizard(db_path, "p1")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.path_edit.setText(str(file))
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == wizard.PAGE_MAPPING, timeout=20_000)
    return wizard


def test_preview_edit_mapping_import_and_report(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    rows = supporter_rows(8)
    rows[1][1] = "123"
    rows[2][2] = ""
    header = list(HEADER)
    header[7] = "Kerja Sehari-hari"  # not a known header: the operator maps it by hand
    path = write_xlsx(tmp_path / "dukungan.xlsx", rows, header, title_rows=1)
    wizard = open_wizard(qtbot, db_path, path)

    assert wizard.field_boxes["nik"].currentData() == 1
    assert wizard.field_boxes["occupation"].currentData() == -1
    assert wizard.sample_table.rowCount() == 8
    assert wizard.sample_table.verticalHeaderItem(0).text() == "3"
    assert "baris judul: 2" in wizard.mapping_info.text()
    box = wizard.field_boxes["occupation"]
    box.setCurrentIndex(box.findData(7))
    wizard.scan_check.setChecked(True)
    assert wizard.round_box.currentData() == "submission"
    wizard.round_box.setCurrentIndex(wizard.round_box.findData("correction_1"))

    with qtbot.waitSignal(wizard.imported, timeout=30_000) as blocker:
        wizard.import_button.click()
    report = blocker.args[0]
    assert wizard.pages.currentIndex() == wizard.PAGE_RESULT
    assert report.counts() == {"MS": 6, "BMS": 1, "TMS": 1}
    assert wizard.bad_table.rowCount() == 2
    assert wizard.bad_table.item(0, 0).text() == "4"
    assert wizard.bad_table.item(0, 1).text() == "123"
    assert "NIK tidak sesuai format" in wizard.bad_table.item(0, 3).text()
    assert "Data wajib kosong" in wizard.bad_table.item(1, 3).text()
    assert "8 baru" in wizard.result_label.text()
    assert counts(db_path) == (8, 8)  # bad rows are stored too, with their status
    conn = sqlite3.connect(db_path)
    try:  # every row knows the round it arrived in, and its scan flag
        stored = conn.execute("SELECT DISTINCT round, has_id_scan FROM supporter").fetchall()
    finally:
        conn.close()
    assert stored == [("correction_1", 1)]
    qtbot.waitUntil(lambda: wizard.job is None)


def test_the_result_says_rows_without_a_nik_were_not_saved(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    rows = supporter_rows(5)
    rows[2][1] = ""
    wizard = open_wizard(qtbot, db_path, write_xlsx(tmp_path / "dukungan.xlsx", rows))
    with qtbot.waitSignal(wizard.imported, timeout=30_000):
        wizard.import_button.click()
    text = wizard.result_label.text()
    assert "Baris data: 5" in text and "4 baru" in text
    assert "Tidak disimpan: 1 baris tanpa NIK (ada di daftar masalah)" in text
    assert counts(db_path)[0] == 4
    qtbot.waitUntil(lambda: wizard.job is None)


def test_the_result_says_which_rows_outside_the_accounts_area_were_not_saved(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    from silon_desktop.services.imports import ImportService

    conn = sqlite3.connect(db_path)
    with conn:  # p1 becomes a pair of the province's governor election
        conn.execute("UPDATE election SET kind = 'gubernur', region_code = '32', scope = '32'")
        conn.execute("UPDATE pair SET scope = '32'")
    conn.close()
    rows = [[*row, "Kab. Purwakarta"] for row in supporter_rows(5)]
    for row in rows[1], rows[2]:
        row[11], row[12], row[13] = "Dago", "Coblong", "KOTA BANDUNG"
    path = write_xlsx(tmp_path / "gub.xlsx", rows, [*HEADER, "KABUPATEN/KOTA"])
    wizard = ImportWizard(ImportService(db_path, account_scope=lambda: "32.14"), "p1")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.path_edit.setText(str(path))
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == wizard.PAGE_MAPPING, timeout=20_000)
    with qtbot.waitSignal(wizard.imported, timeout=30_000):
        wizard.import_button.click()
    text = wizard.result_label.text()
    assert "Baris data: 3" in text and "3 baru" in text
    assert "Tidak disimpan: 2 baris di luar wilayah Anda" in text and "baris 3-4" in text
    assert counts(db_path)[0] == 3
    qtbot.waitUntil(lambda: wizard.job is None)


def test_cancel_leaves_the_database_untouched(qtbot: QtBot, db_path: Path, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "besar.xlsx", supporter_rows(20_000))
    wizard = open_wizard(qtbot, db_path, path)
    wizard.import_button.click()
    assert wizard.pages.currentIndex() == wizard.PAGE_PROGRESS
    assert wizard.job is not None
    wizard.job.progress.connect(lambda _value: wizard.cancel_import())
    qtbot.waitUntil(lambda: wizard.job is None, timeout=60_000)
    assert wizard.pages.currentIndex() == wizard.PAGE_FILE
    assert "dibatalkan" in wizard.file_error.text()
    assert counts(db_path) == (0, 0)


def test_an_unreadable_file_is_explained_on_the_first_page(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "foto.xlsx"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300))
    wizard = ImportWizard(db_path, "p1")
    qtbot.addWidget(wizard)
    wizard.path_edit.setText(str(bad))
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.file_error.text() != "", timeout=20_000)
    assert "foto.xlsx" in wizard.file_error.text()
    assert wizard.pages.currentIndex() == wizard.PAGE_FILE
    qtbot.waitUntil(lambda: wizard.job is None)


def test_a_saved_mapping_is_reused_for_the_next_file(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    header = list(HEADER)
    header[1] = "ID Warga"  # the team's own name for the NIK column
    path = write_xlsx(tmp_path / "tim.xlsx", supporter_rows(3), header)
    first = open_wizard(qtbot, db_path, path)
    assert first.field_boxes["nik"].currentData() == -1  # unknown header: not mapped
    first.import_button.click()
    assert "Kolom wajib belum dipetakan: NIK" in first.mapping_info.text()
    qtbot.waitUntil(lambda: first.job is None)

    from silon_desktop.importers.columns import ColumnMapping, save_mapping

    mapping = ColumnMapping("B.1-KWK", [1], 2, {"nik": 1, "name": 2}, {1: "ID Warga", 2: "NAMA"})
    save_mapping(mapping, tmp_path / "pemetaan.json")
    wizard = ImportWizard(db_path, "p1")
    qtbot.addWidget(wizard)
    wizard.use_saved_mapping(tmp_path / "pemetaan.json")
    assert "pemetaan.json" in wizard.hints_label.text()
    wizard.path_edit.setText(str(path))
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == wizard.PAGE_MAPPING, timeout=20_000)
    assert wizard.field_boxes["nik"].currentData() == 1
    qtbot.waitUntil(lambda: wizard.job is None)


def test_result_names_the_field_and_shows_rows_cut_to_fit(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    rows = supporter_rows(5)
    rows[0][2] = "A" * 400  # cut to the name column's size: MS, but the operator must know
    rows[1][4] = "31-02-1990"  # a date that does not exist: not "empty", said so
    rows[2][11] = "Desa Antah Berantah"
    rows[3][7] = ""  # no occupation: which required field is empty is said
    path = write_xlsx(tmp_path / "catatan.xlsx", rows)
    wizard = open_wizard(qtbot, db_path, path)
    wizard.scan_check.setChecked(True)
    with qtbot.waitSignal(wizard.imported, timeout=30_000):
        wizard.import_button.click()
    shown = {
        wizard.bad_table.item(r, 0).text(): wizard.bad_table.item(r, 3).text()
        for r in range(wizard.bad_table.rowCount())
    }
    assert set(shown) == {"2", "3", "4", "5"}
    assert "Nama terlalu panjang, dipotong" in shown["2"]
    assert "Tanggal lahir 31-02-1990 tidak ada di kalender" in shown["3"]
    assert "Data wajib kosong" not in shown["3"]  # the cell is not empty
    assert "Desa/Kelurahan Desa Antah Berantah tidak ditemukan di wilayah" in shown["4"]
    assert "Pekerjaan kosong" in shown["5"] and "Tanggal lahir kosong" not in shown["3"]
    qtbot.waitUntil(lambda: wizard.job is None)


def test_counts_are_grouped_the_indonesian_way(qtbot: QtBot, db_path: Path, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "seribu.xlsx", supporter_rows(1234))
    wizard = open_wizard(qtbot, db_path, path)
    with qtbot.waitSignal(wizard.imported, timeout=60_000):
        wizard.import_button.click()
    assert "Baris data: 1.234" in wizard.result_label.text()
    assert "1,234" not in wizard.result_label.text()
    qtbot.waitUntil(lambda: wizard.job is None)


def test_a_sheet_named_in_html_is_shown_as_typed(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "h.xlsx", supporter_rows(2), sheet="<i>B1 <img src=x>")
    wizard = open_wizard(qtbot, db_path, path)
    assert "<i>B1 <img src=x>" in wizard.mapping_info.text()
    assert wizard.mapping_info.textFormat() == Qt.TextFormat.PlainText
    qtbot.waitUntil(lambda: wizard.job is None)


def test_saving_where_it_cannot_be_saved_says_so_instead_of_raising(
    qtbot: QtBot, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = str(tmp_path / "hilang" / "x.xlsx")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (target, ""))
    wizard = open_wizard(qtbot, db_path, write_xlsx(tmp_path / "d.xlsx", supporter_rows(2)))
    wizard._save_mapping()
    assert "Tidak dapat menyimpan x.xlsx" in wizard.mapping_info.text()
    wizard._save_template()
    assert "Tidak dapat menyimpan x.xlsx" in wizard.file_error.text()
    with qtbot.waitSignal(wizard.imported, timeout=30_000):
        wizard.import_button.click()
    from PySide6.QtWidgets import QMessageBox

    answers = iter([QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Ok])
    warned: list[str] = []

    def exec_box(box: QMessageBox) -> QMessageBox.StandardButton:
        warned.append(box.text())
        return next(answers)

    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    wizard._save_report()  # Batal on the personal-data warning: nothing tried
    assert len(warned) == 1 and "NIK" in warned[0] and wizard.result_error.text() == ""
    wizard._save_report()
    assert "Tidak dapat menyimpan x.xlsx" in wizard.result_error.text()
    # in the operator's words, not the system's English ("No such file or directory")
    for said in (wizard.mapping_info, wizard.file_error, wizard.result_error):
        assert said.text().endswith(
            ": Folder tujuan tidak ada atau tidak boleh ditulisi, atau berkas dengan nama "
            "itu sedang dibuka program lain (misalnya Excel); berkas tidak tersimpan. "
            "Tutup berkas itu atau pilih folder lain, lalu simpan lagi."
        ), said.text()
    qtbot.waitUntil(lambda: wizard.job is None)


def test_a_saved_mapping_that_is_not_one_is_explained(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    wrong = tmp_path / "peta.json"
    wrong.write_text('{"version": 1, "headers": []}', encoding="utf-8")
    wizard = ImportWizard(db_path, "p1")
    qtbot.addWidget(wizard)
    wizard.use_saved_mapping(wrong)
    assert "peta.json bukan berkas pemetaan kolom" in wizard.file_error.text()
    wizard.use_saved_mapping(tmp_path / "tidak-ada.json")
    assert "tidak-ada.json" in wizard.file_error.text()


def test_mapping_choices_and_sample_columns_are_readable(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    rows = supporter_rows(3)
    rows[0][2] = "A" * 400
    wizard = open_wizard(qtbot, db_path, write_xlsx(tmp_path / "d.xlsx", rows))
    wizard.resize(1366, 700)
    box = wizard.field_boxes["marital_status"]
    shown = box.fontMetrics().horizontalAdvance(box.currentText())
    assert box.sizeHint().width() > shown  # "G: STATUS PERKAWINAN" not cut off
    assert wizard.sample_table.columnWidth(
        1
    ) >= wizard.sample_table.fontMetrics().horizontalAdvance("3214012001620002")  # the whole NIK
    assert wizard.sample_table.columnWidth(2) <= 220  # a very long name stays in its lane
    assert wizard.bad_table.verticalHeader().isHidden()  # one row number: the file's
    qtbot.waitUntil(lambda: wizard.job is None)
