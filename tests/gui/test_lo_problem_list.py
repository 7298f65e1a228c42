"""The LO's problem lists from the application: the import's and the verification's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import python_calamine
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from silon_desktop.storage.db import open_database
from silon_desktop.ui.import_wizard import ImportWizard
from silon_desktop.ui.save_paths import documents_folder
from tests.fixtures import seed_election
from tests.unit.importers.sheets import supporter_rows, write_xlsx

PAIR = {"number": 1, "head_name": "Asep Sunandar", "deputy_name": "Siti"}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "silon.db"
    db = open_database(path)
    seed_election(db, head_name="Asep")
    db.close()
    return path


def _sheet(path: Path) -> list[list[Any]]:
    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def _imported(qtbot: QtBot, db_path: Path, tmp_path: Path) -> ImportWizard:
    rows = supporter_rows(5)
    rows[1][4] = "31-02-1980"  # sheet row 3
    rows[3] = list(rows[0])  # sheet row 5 repeats row 2
    path = write_xlsx(tmp_path / "dukungan.xlsx", [*rows, ["JUMLAH", "", "5"] + [""] * 10])
    wizard = ImportWizard(db_path, "p1", pair=PAIR)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.path_edit.setText(str(path))
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == wizard.PAGE_MAPPING, timeout=20_000)
    wizard.scan_check.setChecked(True)
    with qtbot.waitSignal(wizard.imported, timeout=30_000):
        wizard.import_button.click()
    qtbot.waitUntil(lambda: wizard.job is None)
    return wizard


def test_the_result_view_shows_the_value_read_and_the_row_a_duplicate_repeats(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    wizard = _imported(qtbot, db_path, tmp_path)
    assert "Baris data: 5" in wizard.result_label.text()  # the JUMLAH row is no supporter
    assert "tidak dihitung: baris 7" in wizard.result_label.text()
    table = wizard.bad_table
    shown = {
        table.item(r, 0).text(): [table.item(r, c).text() for c in range(1, 6)]
        for r in range(table.rowCount())
    }
    assert set(shown) == {"3", "5"}
    assert shown["3"][2] == "Tanggal lahir 31-02-1980 tidak ada di kalender"  # not "kosong"
    assert shown["3"][3] == "Tanggal lahir: 31-02-1980"
    assert shown["5"][2] == "Ganda identik" and shown["5"][4] == "baris 2"
    assert table.horizontalHeaderItem(4).text() == "Nilai terbaca"
    assert table.horizontalHeaderItem(5).text() == "Sama dengan"


def test_the_problem_list_is_saved_in_documents_as_xlsx_and_pdf(
    qtbot: QtBot, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pypdf

    wizard = _imported(qtbot, db_path, tmp_path)
    asked: list[str] = []
    target = tmp_path / "untuk-lo.xlsx"

    def save_as(_parent: Any, _title: str, default: str, _pattern: str) -> tuple[str, str]:
        asked.append(default)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    from PySide6.QtWidgets import QMessageBox

    answers = iter([QMessageBox.StandardButton.Cancel] + [QMessageBox.StandardButton.Ok] * 2)
    warned: list[str] = []

    def exec_box(box: QMessageBox) -> QMessageBox.StandardButton:
        warned.append(box.text())
        return next(answers)

    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    wizard.save_problems_xlsx.click()  # Batal on the personal-data warning: nothing asked
    assert len(warned) == 1 and asked == [] and not target.exists()
    assert "data pribadi" in warned[0] and "NIK" in warned[0]
    wizard.save_problems_xlsx.click()
    proposed = Path(asked[0])
    assert proposed.parent == documents_folder()
    assert proposed.name.startswith("daftar-masalah-impor-paslon-1-asep-sunandar-dukungan-")
    assert proposed.suffix == ".xlsx"
    sheet = _sheet(target)
    assert sheet[0][0] == "DAFTAR MASALAH IMPOR DAFTAR DUKUNGAN"
    assert sheet[2][0] == "Pasangan calon: 1. Asep Sunandar - Siti"
    header = sheet.index(
        ["Baris", "NIK", "Status", "Kolom", "Nilai terbaca", "Masalah", "Sama dengan baris"]
    )
    body = sheet[header + 1 :]
    report = wizard.report
    assert [r[0] for r in body] == ["3", "5"]
    assert body[0][1] == report.rows[1].nik and body[0][3:5] == ["Tanggal lahir", "31-02-1980"]
    assert "31 Februari 1980 tidak pernah ada" in body[0][5]
    assert body[1][3:] == ["NIK", report.rows[0].nik, "Ganda identik", "baris 2"]
    assert "Daftar masalah disimpan" in wizard.saved_label.text()

    target = tmp_path / "untuk-lo.pdf"
    wizard.save_problems_pdf.click()
    assert Path(asked[1]).suffix == ".pdf" and Path(asked[1]).parent == documents_folder()
    assert len(warned) == 3  # each save warned first
    pages = pypdf.PdfReader(str(target)).pages
    text = " ".join(" ".join(p.extract_text().split()) for p in pages)
    assert "DAFTAR MASALAH IMPOR" in text and "31-02-1980" in text and "baris 2" in text


def test_the_verification_results_for_the_lo_list_bms_and_tms_with_reasons(
    qtbot: QtBot, window: Any, seeded: dict[str, str], tmp_path: Path
) -> None:
    backend = window.backend
    ids = [s["id"] for s in backend.list("supporter", pair_id=seeded["pair"])][:4]
    rules = {"rule_set": "pilkada-2024"}
    for supporter, reasons in zip(
        ids, (["NO_ID_SCAN"], ["DECEASED"], [], ["OUTSIDE_REGION"]), strict=True
    ):
        assert backend.verify([supporter], "admin", reasons, "", rules).error is None
    problems = backend.verification_problems(seeded["pair"])
    counts = backend.status_counts(seeded["pair"])
    assert counts["BMS"] == 1 and counts["TMS"] == 2 and len(problems.lines) == 3
    target = tmp_path / "hasil-verifikasi.xlsx"
    with qtbot.waitSignal(window.reportWritten, timeout=30_000):
        window.save_report("verification_xlsx", seeded["pair"], target)
    sheet = _sheet(target)
    assert sheet[0][0] == "HASIL VERIFIKASI: PENDUKUNG BMS DAN TMS"
    header = sheet.index(["No", "NIK", "Nama", "Desa/Kelurahan", "Status", "Alasan"])
    body = sheet[header + 1 :]
    assert body == [list(line.cells) for line in problems.lines]
    assert sorted((row[4], row[5]) for row in body) == [
        ("BMS (Belum Memenuhi Syarat)", "Tanpa KTP-el / tanda tangan"),
        ("TMS (Tidak Memenuhi Syarat)", "Domisili di luar wilayah pemilihan"),
        ("TMS (Tidak Memenuhi Syarat)", "Meninggal dunia"),
    ]
    by_id = {s["id"]: s for s in backend.list("supporter", pair_id=seeded["pair"])}
    assert {(row[1], row[2]) for row in body} == {
        (by_id[i]["nik"], by_id[i]["name"]) for i in (ids[0], ids[1], ids[3])
    }
    with qtbot.waitSignal(window.reportWritten, timeout=30_000):
        window.save_report("verification_pdf", seeded["pair"], tmp_path / "hasil.pdf")
    assert (tmp_path / "hasil.pdf").read_bytes().startswith(b"%PDF")
