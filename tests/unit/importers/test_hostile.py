"""20 MB of hostile strings: control characters, RTL overrides, formula injection, huge cells.

The import must read every row, keep each in the report, store clean bounded
values, and the export must never hand a formula back to a spreadsheet program.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import python_calamine
import xlsxwriter

from silon_desktop.importers.pipeline import ImportOptions, validate_file
from silon_desktop.importers.store import import_file
from silon_desktop.reports.xlsx_export import export_b11
from silon_desktop.storage.db import open_database
from silon_desktop.storage.models import Election, Pair, Supporter
from tests.unit.importers.sheets import HEADER, REFERENCE, REGION, supporter_rows, write_csv

HOSTILE = [
    "=cmd|' /C calc'!A0",
    '+HYPERLINK("http://contoh.invalid","klik")',
    "@SUM(1+1)*cmd|' /C notepad'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\u202eexe.ogeb\u202c Budi",
    "A\x00B\x01C\x07D\x1bE\x7f\x9f",
    "\ufeff\u200b\u2066isolate\u2069",
    "Robert'); DROP TABLE supporter;--",
    "<script>alert(1)</script>",
    "😀😀😀",
]
#: Characters the random filler is made of: letters, controls, bidi overrides, emoji.
ALPHABET = "abcdefghij KLMNOP=+@-|'\"\x01\x02\x1b\x7f\u202e\u202d\u2066\u200b😀ñé"
BIG = 32_000  # close to Excel's 32,767 characters per cell


def hostile_rows(rows: int) -> list[list[object]]:
    """Valid supporters whose text cells are replaced by hostile ones, some ~32,000 chars."""
    good = supporter_rows(rows)
    rng = random.Random(7)
    block = "".join(rng.choices(ALPHABET, k=2 * BIG))
    out = []
    for i, row in enumerate(good):
        evil = HOSTILE[i % len(HOSTILE)]
        offset = rng.randrange(BIG)
        filler = block[offset : offset + BIG]
        cells = list(row)
        cells[2] = evil + filler[: BIG - len(evil)]  # name: huge and hostile
        cells[8] = filler  # address: huge
        cells[3] = filler[::-1]  # birth place: huge
        cells[7] = evil  # occupation: a formula
        cells[11] = filler[:BIG] if i % 3 == 0 else cells[11]  # desa: huge
        cells[12] = evil if i % 5 == 0 else cells[12]  # kecamatan: a formula
        cells[9] = evil if i % 7 == 0 else cells[9]  # RT: nonsense
        out.append(cells)
    return out


def hostile_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False, "constant_memory": True}
    )
    sheet = book.add_worksheet("B.1-KWK")
    sheet.write_row(0, 0, HEADER)
    for i, cells in enumerate(rows):
        for col, value in enumerate(cells):
            if isinstance(value, str):
                sheet.write_string(i + 1, col, value)
            else:
                sheet.write_number(i + 1, col, value)  # type: ignore[arg-type]
    book.close()
    return path


def test_twenty_megabytes_of_hostile_strings_in_a_csv(tmp_path: Path) -> None:
    rows = hostile_rows(200)
    path = write_csv(
        tmp_path / "jahat.csv", [[str(c).replace("\x00", "") for c in r] for r in rows]
    )
    assert path.stat().st_size > 20_000_000
    start = time.perf_counter()
    report = validate_file(path, ImportOptions(REGION, REFERENCE, assume_id_scan=True))
    assert time.perf_counter() - start < 30
    assert report.total == 200 and [r.row for r in report.rows] == list(range(2, 202))
    assert all(r.status in ("MS", "BMS", "TMS") for r in report.rows)
    assert all("truncated:name" in r.notes for r in report.rows)


def test_hostile_xlsx_is_stored_clean_and_exported_harmless(tmp_path: Path) -> None:
    path = hostile_xlsx(tmp_path / "jahat.xlsx", hostile_rows(30))

    start = time.perf_counter()
    report = validate_file(path, ImportOptions(REGION, REFERENCE, assume_id_scan=True))
    assert time.perf_counter() - start < 30
    assert report.total == 30 and [r.row for r in report.rows] == list(range(2, 32))
    assert all(r.status in ("MS", "BMS", "TMS") for r in report.rows)
    assert all("truncated:name" in r.notes for r in report.rows)
    assert any("unmatched:kecamatan" in r.notes for r in report.rows)

    db = open_database(tmp_path / "silon.db")
    with db.session() as session:
        session.add(Election(id="e1", scope="32.14", kind="bupati", region_code="32.14"))
        session.flush()
        session.add(Pair(id="p1", scope="32.14", election_id="e1"))
    stored = import_file(db, path, "p1")
    assert stored.stored == {"inserted": 30, "updated": 0, "unchanged": 0}
    with db.session(readonly=True) as session:
        for supporter in session.query(Supporter):
            assert len(supporter.name) <= 200 and len(supporter.address) <= 500
            assert len(supporter.rt) <= 3
            for text in (supporter.name, supporter.address, supporter.occupation):
                assert text.isprintable(), repr(text[:40])
                assert "\u202e" not in text and "\x00" not in text

    out = tmp_path / "b11.xlsx"
    assert export_b11(db.engine, "p1", out) == 30
    db.close()
    exported = python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("B.1.1-KWK")
    rows = list(exported.iter_rows())[5:]
    assert len(rows) == 30
    for row in rows:
        for cell in row[1:]:
            assert not str(cell).startswith(("=", "+", "-", "@")), row[:3]
    assert any(str(r[7]).startswith("'=cmd") for r in rows)
