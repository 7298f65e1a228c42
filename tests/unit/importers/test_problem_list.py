"""The LO's problem list of an import: row by row, the value as read, plain Indonesian."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import python_calamine

from silon_desktop.importers.pipeline import ImportOptions, validate_file
from silon_desktop.importers.problems import import_problems
from silon_desktop.importers.values import impossible_date
from silon_desktop.reports.problem_list import write_problems_xlsx
from tests.unit.importers.sheets import REFERENCE, REGION, supporter_rows, write_xlsx


def _sheet(path: Path) -> list[list[Any]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_index(0).to_python()


def _file(tmp_path: Path) -> Path:
    rows = supporter_rows(6)
    rows[1][4] = "31-02-1980"  # sheet row 3: a date that does not exist
    rows[3] = list(rows[0])  # sheet row 5 repeats row 2 exactly
    rows[4][5] = "X"  # sheet row 6: sex neither L nor P
    footer = ["JUMLAH", "", "6 orang"] + [""] * 10
    return write_xlsx(tmp_path / "Dukungan Kec. Campaka.xlsx", [*rows, footer])


def test_a_date_that_does_not_exist_is_named_not_called_empty() -> None:
    assert impossible_date("31-02-1980") == "31 Februari 1980"
    assert impossible_date("1980-04-31") == "31 April 1980"
    assert impossible_date("29-02-2000") is None  # a leap day that exists
    assert impossible_date("tiga puluh") is None and impossible_date("45-01-1980") is None


def test_the_command_summary_says_which_rows_were_not_counted(tmp_path: Path) -> None:
    """The wizard lists the rows under the list skipped as no supporter (a JUMLAH row);
    the command's summary (``import``, ``validate``) said nothing of them, so the same
    file told its operator less there."""
    report = validate_file(_file(tmp_path), ImportOptions(REGION, REFERENCE, assume_id_scan=True))
    assert report.footer_rows == [8]
    lines = report.summary_lines()
    assert any("bukan pendukung" in line and "tidak dihitung: baris 8" in line for line in lines)


def test_the_problem_list_names_rows_values_problems_and_duplicates(tmp_path: Path) -> None:
    report = validate_file(_file(tmp_path), ImportOptions(REGION, REFERENCE, assume_id_scan=True))
    assert report.total == 6 and report.footer_rows == [8]  # JUMLAH is not a supporter
    assert sum(report.counts().values()) == 6
    problems = import_problems(report, "1. AHMAD - SITI")
    lines = [line.cells for line in problems.lines]
    nik2, nik3, nik6 = report.rows[0].nik, report.rows[1].nik, report.rows[4].nik
    status3, status5, status6 = (f"{report.rows[i].status} (" for i in (1, 3, 4))
    assert [(c[0], c[1], c[3], c[4], c[5], c[6]) for c in lines] == [
        (
            "3",
            nik3,
            "Tanggal lahir",
            "31-02-1980",
            'Tanggal lahir "31-02-1980" tidak ada di kalender (31 Februari 1980 tidak pernah '
            "ada); periksa tanggalnya",
            "",
        ),
        ("5", nik2, "NIK", nik2, "Ganda identik", "baris 2"),
        ("6", nik6, "Jenis kelamin", "X", 'Jenis kelamin "X" tidak terbaca (bukan L atau P)', ""),
    ]
    assert lines[0][2].startswith(status3) and lines[1][2].startswith(status5)
    assert lines[2][2].startswith(status6)
    assert not any("Data wajib kosong" in c[5] for c in lines)  # the value is there
    assert not any("_" in c[5] for c in lines)  # never an internal code
    assert problems.subtitle[0] == "Berkas: Dukungan Kec. Campaka.xlsx (lembar B.1-KWK)"
    assert problems.subtitle[1] == "Pasangan calon: 1. AHMAD - SITI"
    assert "8" in problems.subtitle[3] and "tidak dihitung" in problems.subtitle[3]

    target = write_problems_xlsx(
        problems, tmp_path / "daftar-masalah.xlsx", tmp_root=tmp_path / "tmp"
    )
    sheet = _sheet(target)
    assert sheet[0][0] == "DAFTAR MASALAH IMPOR DAFTAR DUKUNGAN"
    assert [sheet[i][0] for i in range(1, 5)] == problems.subtitle
    top = len(problems.subtitle) + 2
    assert sheet[top][:7] == [
        "Baris",
        "NIK",
        "Status",
        "Kolom",
        "Nilai terbaca",
        "Masalah",
        "Sama dengan baris",
    ]
    assert [row[:7] for row in sheet[top + 1 :]] == [list(c) for c in lines]


def test_an_empty_required_field_says_which(tmp_path: Path) -> None:
    rows = supporter_rows(2)
    rows[1][7] = ""  # no occupation
    report = validate_file(
        write_xlsx(tmp_path / "d.xlsx", rows), ImportOptions(REGION, REFERENCE, assume_id_scan=True)
    )
    lines = [line.cells for line in import_problems(report).lines]
    assert [(c[0], c[3], c[5]) for c in lines] == [
        ("3", "Pekerjaan", "Data wajib kosong: Pekerjaan belum diisi")
    ]
