"""The import's problem list for the pair's liaison officer (LO).

One line per problem of a row, in the spreadsheet's own row numbers, with the
cell as read, the problem in plain Indonesian (never a code) and, for a
duplicate, the row it repeats. Printed by ``reports/problem_list.py`` (XLSX) and
``ui/pdf_reports.py`` (PDF).
"""

from __future__ import annotations

from silon_desktop.domain.codes import ReasonCode, Status
from silon_desktop.domain.labels import IMPORT_FIELD_LABELS_ID, REASON_LABELS_ID, STATUS_LABELS_ID
from silon_desktop.domain.problem_list import ProblemLine, ProblemList
from silon_desktop.importers.report import (
    EARLIER_IMPORT,
    ImportReport,
    RowResult,
    footer_text,
    outside_share_text,
)
from silon_desktop.importers.values import impossible_date

#: Fields of each reason code (the cell the problem is shown with).
_CODE_FIELD = {
    ReasonCode.NIK_FORMAT: "nik",
    ReasonCode.NIK_REGION: "nik",
    ReasonCode.NIK_PRECISION: "nik",
    ReasonCode.NIK_MISMATCH: "birth_date",
    ReasonCode.UNDERAGE: "birth_date",
    ReasonCode.OUTSIDE_REGION: "kecamatan",
    ReasonCode.BANNED_OCCUPATION: "occupation",
    ReasonCode.DUPLICATE_IDENTICAL: "nik",
    ReasonCode.DUPLICATE_POTENTIAL: "nik",
    ReasonCode.DUPLICATE_EXTERNAL: "nik",
}

#: Notes that say which required field is missing or why (MISSING_FIELD then says
#: nothing more).
_MISSING_NOTES = ("empty", "unreadable", "impossible", "unmatched", "ambiguous")

IMPORT_HEADER = (
    "Baris",
    "NIK",
    "Status",
    "Kolom",
    "Nilai terbaca",
    "Masalah",
    "Sama dengan baris",
)


def import_problems(report: ImportReport, pair_label: str = "") -> ProblemList:
    """Every problem of an import, row by row (rows without problems are left out)."""
    lines: list[ProblemLine] = []
    for row in report.rows_to_review():
        lines.extend(ProblemLine(cells) for cells in row_problems(row))
    counts = report.counts()
    subtitle = [
        f"Berkas: {report.path.name} (lembar {report.sheet or '-'})",
        f"Pasangan calon: {pair_label or '-'}",
        f"Baris data: {report.total}; MS {counts['MS']}, BMS {counts['BMS']}, TMS {counts['TMS']}; "
        f"baris bermasalah: {len(report.rows_to_review())}",
    ]
    if report.footer_rows:
        subtitle.append(footer_text(report.footer_rows))
    if report.outside_share:
        subtitle.append(outside_share_text(report.outside_share))
    return ProblemList("DAFTAR MASALAH IMPOR DAFTAR DUKUNGAN", subtitle, IMPORT_HEADER, lines)


def row_problems(row: RowResult) -> list[tuple[str, ...]]:
    """The lines of one row: (row, NIK, status, field, value as read, problem, duplicate)."""
    read = row.read or {}
    status = status_text(row.status)
    out: list[tuple[str, ...]] = []

    def line(field: str, problem: str, duplicate: str = "") -> None:
        value = row.nik if field == "nik" else read.get(field, "")
        label = IMPORT_FIELD_LABELS_ID.get(field, "")
        out.append((str(row.row), row.nik, status, label, value, problem, duplicate))

    kinds = [n.partition(":") for n in row.notes]
    empties = [name for kind, _, name in kinds if kind == "empty"]
    explained = any(kind in _MISSING_NOTES for kind, _, _ in kinds)
    for code_text in row.codes:
        try:
            code = ReasonCode(code_text)
        except ValueError:
            line("", code_text)
            continue
        if code is ReasonCode.MISSING_FIELD:
            for name in empties:
                line(
                    name,
                    f"{REASON_LABELS_ID[code]}: {IMPORT_FIELD_LABELS_ID.get(name, name)} belum diisi",
                )
            if not explained:
                line("", REASON_LABELS_ID[code])
            continue  # else the notes below name the field and say why
        if code in (ReasonCode.DUPLICATE_IDENTICAL, ReasonCode.DUPLICATE_POTENTIAL):
            line("nik", REASON_LABELS_ID[code], _duplicate_text(row.duplicate_of))
        else:
            line(_CODE_FIELD.get(code, ""), REASON_LABELS_ID[code])
    said = ReasonCode.MISSING_FIELD.value in row.codes
    for kind, _, name in kinds:
        if kind == "empty" and said:
            continue
        line(
            name if name in IMPORT_FIELD_LABELS_ID else "",
            note_text(kind, name, read.get(name, "")),
        )
    return out


def note_text(kind: str, name: str, value: str) -> str:
    """A reader's note in plain Indonesian, naming the field and the value as read."""
    field = IMPORT_FIELD_LABELS_ID.get(name, name)
    quoted = f' "{value}"' if value else ""
    if kind == "impossible":
        day = impossible_date(value) or value
        return f"{field}{quoted} tidak ada di kalender ({day} tidak pernah ada); periksa tanggalnya"
    texts = {
        "unreadable": f"{field}{quoted} tidak terbaca (bukan {_expected(name)})",
        "truncated": f"{field} terlalu panjang, dipotong agar muat",
        "unmatched": f"{field}{quoted} tidak ditemukan di wilayah pemilihan",
        "ambiguous": f"{field}{quoted} ada di lebih dari satu wilayah; lengkapi wilayah di atasnya",
        "empty": f"{field} kosong (wajib diisi)",
        "retired_region": "Kode kecamatan NIK dari sebelum pemekaran; NIK tetap sah",
    }
    return texts.get(kind, f"{field}: {kind}")


def _expected(name: str) -> str:
    return {
        "birth_date": "tanggal seperti 17-08-1985",
        "sex": "L atau P",
        "marital_status": "B, S atau P",
        "rt": "nomor seperti 003; Excel mungkin mengubahnya menjadi tanggal",
        "rw": "nomor seperti 005; Excel mungkin mengubahnya menjadi tanggal",
    }.get(name, "isian yang dikenal")


def _duplicate_text(duplicate_of: int) -> str:
    if duplicate_of == EARLIER_IMPORT:
        return "data impor sebelumnya"
    return f"baris {duplicate_of}" if duplicate_of > 0 else ""


def status_text(code: str) -> str:
    """ "BMS (Belum Memenuhi Syarat)" for a status code."""
    try:
        return f"{code} ({STATUS_LABELS_ID[Status(code)]})"
    except ValueError:
        return code
