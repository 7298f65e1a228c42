"""Empty import templates of Model B.1-KWK Perseorangan (XLSX and CSV).

The XLSX template has the NIK column formatted as text (so Excel keeps all 16
digits), drop-down lists for sex and marital status, and a sheet of
instructions that the importer skips. Shipped copies live in
``resources/templates``; :func:`save_template` writes a fresh one anywhere.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sync.privacy import open_private

#: Column headers of the template, as the importer recognises them.
TEMPLATE_HEADER: tuple[str, ...] = (
    "NO",
    "NIK",
    "NAMA",
    "TEMPAT LAHIR",
    "TANGGAL LAHIR (DD-MM-YYYY)",
    "JENIS KELAMIN (L/P)",
    "STATUS PERKAWINAN (B/S/P)",
    "PEKERJAAN",
    "ALAMAT",
    "RT",
    "RW",
    "DESA/KELURAHAN",
    "KECAMATAN",
    "KABUPATEN/KOTA",
)
TEMPLATE_NAMES = {"xlsx": "B1-KWK-Perseorangan.xlsx", "csv": "B1-KWK-Perseorangan.csv"}
_INSTRUCTIONS = (
    "Petunjuk pengisian Model B.1-KWK Perseorangan",
    "1. Satu baris untuk satu pendukung; jangan mengubah judul kolom.",
    "2. NIK 16 angka, diketik sebagai teks (kolom NIK sudah berformat teks).",
    "3. Tanggal lahir DD-MM-YYYY, misalnya 17-08-1985.",
    "4. Jenis kelamin L atau P; status perkawinan B (belum), S (sudah) atau P (pernah).",
    "5. Nama desa/kelurahan dan kecamatan ditulis lengkap sesuai KTP-el.",
    "6. Kolom KABUPATEN/KOTA diisi untuk pemilihan gubernur.",
)


def save_template(target: str | Path) -> Path:
    """Write an empty template; the format follows the suffix (.xlsx or .csv).

    Raises:
        ValueError: another suffix.
        OSError: the file cannot be created there.
    """
    path = Path(target)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        _write_xlsx(path)
    elif suffix == ".csv":
        _write_csv(path)
    else:
        raise ValueError("templat hanya tersedia sebagai .xlsx atau .csv")
    return path


def _write_csv(path: Path) -> None:
    # BOM so that Excel opens the UTF-8 file with the right encoding.
    with open_private(Path(path), "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerow(TEMPLATE_HEADER)


def _write_xlsx(path: Path) -> None:
    import xlsxwriter
    import xlsxwriter.exceptions

    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"title": "Model B.1-KWK Perseorangan", "author": "Silon Desktop"})
    sheet = book.add_worksheet("B.1-KWK")
    head = book.add_format({"bold": True, "border": 1, "text_wrap": True, "bg_color": "#DDEBF7"})
    text = book.add_format({"num_format": "@"})
    widths = (5, 20, 30, 18, 16, 10, 12, 20, 36, 6, 6, 22, 22, 22)
    for col, (title, width) in enumerate(zip(TEMPLATE_HEADER, widths, strict=True)):
        sheet.write_string(0, col, title, head)
        sheet.set_column(col, col, width, text if col in (1, 9, 10) else None)
    sheet.freeze_panes(1, 0)
    sheet.data_validation(1, 5, 100_000, 5, {"validate": "list", "source": ["L", "P"]})
    sheet.data_validation(1, 6, 100_000, 6, {"validate": "list", "source": ["B", "S", "P"]})
    notes = book.add_worksheet("Petunjuk")
    notes.set_column(0, 0, 90)
    for row, line in enumerate(_INSTRUCTIONS):
        notes.write_string(row, 0, line)
    try:
        book.close()
    except xlsxwriter.exceptions.FileCreateError as error:
        cause = error.args[0] if error.args and isinstance(error.args[0], OSError) else None
        raise cause or OSError(str(error)) from error
