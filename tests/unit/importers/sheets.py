"""Generators of supporter spreadsheets for tests and the benchmark (no fixtures on disk).

Rows are valid B.1-KWK supporters of Kabupaten Purwakarta (32.14) unless a test
spoils them on purpose.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from silon_desktop.domain.nik import build_nik

REGION = "32.14"
REFERENCE = dt.date(2024, 5, 12)
HEADER = [
    "NO",
    "NIK",
    "NAMA",
    "TEMPAT LAHIR",
    "TANGGAL LAHIR",
    "JENIS KELAMIN",
    "STATUS PERKAWINAN",
    "PEKERJAAN",
    "ALAMAT",
    "RT",
    "RW",
    "DESA/KELURAHAN",
    "KECAMATAN",
]
#: (kecamatan, its code, desa names inside it)
PLACES = [
    ("Purwakarta", "32.14.01", ["Nagri Kidul", "Nagri Kaler", "Nagri Tengah", "Sindangkasih"]),
    ("Campaka", "32.14.02", ["Campaka", "Cirende", "Cijaya"]),
    ("Jatiluhur", "32.14.03", ["Jatiluhur", "Cibinong", "Kembangkuning"]),
    ("Plered", "32.14.04", ["Plered", "Citeko", "Linggarsari"]),
]
NAMES = ["Asep", "Siti", "Dedi", "Euis", "Ujang", "Neng", "Rina", "Agus", "Yayat", "Cucu"]
JOBS = ["Petani", "Wiraswasta", "Buruh", "Pedagang", "Mengurus Rumah Tangga", "Karyawan Swasta"]


def supporter_rows(count: int, seed: int = 1, start_sequence: int = 1) -> list[list[Any]]:
    """``count`` valid rows, all different NIKs."""
    return list(iter_supporter_rows(count, seed, start_sequence))


def iter_supporter_rows(count: int, seed: int = 1, start_sequence: int = 1) -> Iterator[list[Any]]:
    """The rows of :func:`supporter_rows`, one at a time (for large files)."""
    rng = random.Random(seed)
    for i in range(count):
        kec, kec_code, desas = PLACES[i % len(PLACES)]
        sex = "L" if i % 2 == 0 else "P"
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 50))
        nik = build_nik(kec_code, born, sex, (start_sequence + i) % 9999 + 1)
        yield (
            [
                i + 1,
                nik,
                f"{rng.choice(NAMES)} {rng.choice(NAMES)} {i}",
                "Purwakarta",
                born.strftime("%d-%m-%Y"),
                sex,
                rng.choice(["B", "S", "P"]) if born.year < 2000 else "B",
                rng.choice(JOBS),
                f"Kp. Babakan No. {i % 90 + 1}",
                f"{i % 12 + 1:03d}",
                f"{i % 7 + 1:03d}",
                desas[i % len(desas)],
                kec,
            ]
        )


def write_xlsx(
    path: Path,
    rows: Iterable[Sequence[Any]],
    header: Sequence[str] = HEADER,
    *,
    title_rows: int = 0,
    sheet: str = "B.1-KWK",
    extra_sheet_first: bool = False,
    nik_as_number: Iterable[int] = (),
) -> Path:
    """An XLSX with optional title rows above the header and an extra sheet.

    Rows are written as text except where a cell is a number, date or formula
    (a string starting with ``=`` is written as a formula when ``formulas``).
    """
    import xlsxwriter

    number_rows = set(nik_as_number)
    book = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False}
    )
    if extra_sheet_first:
        extra = book.add_worksheet("Petunjuk")
        extra.write(0, 0, "Petunjuk pengisian")
        extra.write(1, 0, "Isi semua kolom")
    ws = book.add_worksheet(sheet)
    for r in range(title_rows):
        ws.write(r, 0, f"MODEL B.1-KWK PERSEORANGAN - judul {r + 1}")
    ws.write_row(title_rows, 0, list(header))
    for i, row in enumerate(rows):
        r = title_rows + 1 + i
        for c, value in enumerate(row):
            if c == 1 and i in number_rows:
                ws.write_number(r, c, float(value))
            elif isinstance(value, str):
                ws.write_string(r, c, value)
            else:
                ws.write(r, c, value)
    book.close()
    return path


def write_csv(
    path: Path,
    rows: Iterable[Sequence[Any]],
    header: Sequence[str] = HEADER,
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path
