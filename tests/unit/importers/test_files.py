"""Reading real-world supporter files: formats, encodings, layouts, broken files.

Every spreadsheet is generated here (xlsxwriter, csv, a hand-made ODS), except
one small XLS made once with xlwt (not a dependency) and committed as a fixture.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
import xlsxwriter

from silon_desktop.domain.nik import build_nik
from silon_desktop.importers.columns import ColumnMapping, load_mapping, save_mapping
from silon_desktop.importers.errors import ImportFileError
from silon_desktop.importers.pipeline import ImportOptions, preview, validate_file
from silon_desktop.importers.readers import detect_encoding, sniff_delimiter
from tests.unit.importers.sheets import (
    HEADER,
    REFERENCE,
    REGION,
    supporter_rows,
    write_csv,
    write_xlsx,
)

FIXTURES = Path(__file__).parent / "fixtures"


def options(**kw: object) -> ImportOptions:
    return ImportOptions(REGION, REFERENCE, assume_id_scan=True, **kw)  # type: ignore[arg-type]


def test_title_rows_and_an_extra_sheet_before_the_list(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", supporter_rows(6), title_rows=3, extra_sheet_first=True)
    report = validate_file(path, options())
    assert report.sheet == "B.1-KWK"
    assert report.mapping.header_rows == [4]
    assert [r.row for r in report.rows] == [5, 6, 7, 8, 9, 10]
    assert report.counts() == {"MS": 6, "BMS": 0, "TMS": 0}


def test_the_signature_block_under_the_list_is_no_supporter(tmp_path: Path) -> None:
    """The B.1-KWK form ends with its place and date, "Bakal Pasangan Calon" and the
    names of those who sign, each line in one cell under the list. Each line was read
    as a supporter with every field missing: seven BMS rows in the counts and in the
    problem list of a list of three supporters. A row with no NIK and at most one
    other cell filled is no supporter: it is listed as not counted, as a total is; a
    supporter's row without its NIK is still one (a missing field)."""
    from silon_desktop.importers.problems import import_problems

    rows = supporter_rows(4)
    rows[1][1] = ""  # a supporter whose NIK was left out: still a row to fix
    blank = [""] * len(HEADER)

    def line(col: int, text: str) -> list[str]:
        return [*blank[:col], text, *blank[col + 1 :]]

    rows += [
        blank,
        line(9, "Purwakarta, 12 Mei 2024"),
        line(9, "Bakal Pasangan Calon"),
        blank,
        line(9, "(H. ASEP SUNANDAR)"),
        line(2, "Mengetahui,"),
        line(2, "(DEDI)"),
    ]
    report = validate_file(write_xlsx(tmp_path / "ttd.xlsx", rows), options())
    assert report.total == 4 and report.counts() == {"MS": 3, "BMS": 1, "TMS": 0}
    assert report.rows[1].codes == ["MISSING_FIELD"]
    assert report.footer_rows == [7, 8, 10, 11, 12]
    subtitle = import_problems(report).subtitle[-1]
    assert "baris 7-8, 10-12" in subtitle and "tidak dihitung" in subtitle


def test_a_blank_form_sheet_before_the_filled_list_is_passed_over(tmp_path: Path) -> None:
    """A workbook keeping the blank B.1-KWK form on its first sheet (header only) and
    the filled list on the next: the blank form was taken for the list and the file
    refused as holding no data rows, its thousands of supporters never read."""
    path = tmp_path / "dua_lembar.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Format").write_row(0, 0, HEADER)
    data = book.add_worksheet("Isian")
    data.write_row(0, 0, HEADER)
    for r, row in enumerate(supporter_rows(5), start=1):
        data.write_row(r, 0, [str(value) for value in row])
    book.close()
    report = validate_file(path, options())
    assert report.sheet == "Isian"
    assert report.counts() == {"MS": 5, "BMS": 0, "TMS": 0}
    assert preview(path)[0].sheet == "Isian"


@pytest.mark.parametrize("streamed", [False, True])
def test_the_visible_list_is_read_not_an_old_copy_on_a_hidden_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool
) -> None:
    """A team hid the sheet of an earlier version of its list: Excel shows only the
    current one, and the hidden sheet (first in the book) was the one imported."""
    if streamed:
        monkeypatch.setattr("silon_desktop.importers.xlsx_stream.STREAM_ABOVE", 0)
    path = tmp_path / "hidden.xlsx"
    book = xlsxwriter.Workbook(str(path))
    old = book.add_worksheet("Lama")
    old.write_row(0, 0, HEADER)
    for r, row in enumerate(supporter_rows(3, seed=5), start=1):
        old.write_row(r, 0, [str(value) for value in row])
    old.hide()
    current = book.add_worksheet("B.1-KWK")
    current.write_row(0, 0, HEADER)
    for r, row in enumerate(supporter_rows(7), start=1):
        current.write_row(r, 0, [str(value) for value in row])
    current.activate()
    book.close()
    report = validate_file(path, options())
    assert (report.sheet, report.total) == ("B.1-KWK", 7)
    assert preview(path)[0].sheet == "B.1-KWK"


def test_merged_two_row_header_blank_rows_numbering_row_and_formulas(tmp_path: Path) -> None:
    path = tmp_path / "merged.xlsx"
    rows = supporter_rows(4)
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Dukungan")
    ws.merge_range(0, 0, 0, 12, "MODEL B.1-KWK PERSEORANGAN")
    top = ["NO", "NIK", "NAMA", "TEMPAT/TGL LAHIR", "", "JENIS KELAMIN", "STATUS PERKAWINAN"]
    top += ["PEKERJAAN", "ALAMAT", "", "", "", "KECAMATAN"]
    sub = ["", "", "", "TEMPAT", "TANGGAL", "", "", "", "JALAN/DUSUN", "RT", "RW", "DESA", ""]
    for col, text in enumerate(top):
        if col not in (3, 4, 8, 9, 10, 11):
            ws.merge_range(2, col, 3, col, text)
    ws.merge_range(2, 3, 2, 4, "TEMPAT/TGL LAHIR")
    ws.merge_range(2, 8, 2, 11, "ALAMAT")
    for col, text in enumerate(sub):
        if text:
            ws.write_string(3, col, text)
    ws.write_row(4, 0, [f"({i})" for i in range(1, 14)])  # column numbers of the form
    r = 5
    for i, row in enumerate(rows):
        if i == 2:
            r += 2  # two blank rows in the middle
        for col, value in enumerate(row):
            if col == 2 and i == 1:
                ws.write_formula(r, col, '=UPPER("siti aminah")', None, "SITI AMINAH")
            elif isinstance(value, str):
                ws.write_string(r, col, value)
            else:
                ws.write(r, col, value)
        r += 1
    book.close()

    mapping, sample = preview(path)
    assert mapping.header_rows == [3, 4]
    assert mapping.first_data_row == 6
    assert mapping.columns["birth_place"] == 3
    assert mapping.columns["birth_date"] == 4
    assert mapping.columns["address"] == 8
    assert mapping.columns["rt"] == 9 and mapping.columns["rw"] == 10
    assert mapping.columns["desa"] == 11 and mapping.columns["kecamatan"] == 12
    assert sample[0][0] == 6

    report = validate_file(path, options())
    assert [r.row for r in report.rows] == [6, 7, 10, 11]  # blank rows 8-9 skipped
    assert report.counts()["MS"] == 4  # the formula's cached value was read as the name


@pytest.mark.parametrize("joined", [False, True])
def test_a_combined_header_merged_over_two_columns_reads_both(tmp_path: Path, joined: bool) -> None:
    """One header row with "TEMPAT/TANGGAL LAHIR" merged over the place and the date
    columns, and "RT/RW" over the RT and RW: only the merge's first column was read,
    as the combined field, so every row lost its birth date (a place alone read as
    the date: BMS) and its RW (silently). Each column is now its part. A list that
    writes both parts in the first column, under the same merged header, keeps it."""
    path = tmp_path / "merged_header.xlsx"
    rows = supporter_rows(4)
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("B.1-KWK")
    for col, title in enumerate(HEADER):
        if col not in (3, 4, 9, 10):
            ws.write_string(0, col, title)
    ws.merge_range(0, 3, 0, 4, "TEMPAT/TANGGAL LAHIR")
    ws.merge_range(0, 9, 0, 10, "RT/RW")
    for r, row in enumerate(rows, start=1):
        cells = [str(value) for value in row]
        if joined:
            cells[3:5] = [f"{cells[3]}, {cells[4]}", ""]
            cells[9:11] = [f"{cells[9]}/{cells[10]}", ""]
        ws.write_row(r, 0, cells)
    book.close()
    stored: dict[int, tuple[Any, ...]] = {}
    fields = ("birth_place", "birth_date", "rt", "rw")
    report = validate_file(
        path,
        options(),
        on_batch=lambda batch: stored.update(
            (v.row, tuple(v.values[name] for name in fields)) for v in batch
        ),
    )
    assert report.counts() == {"MS": 4, "BMS": 0, "TMS": 0}
    assert [r.notes for r in report.rows] == [[]] * 4
    for number, row in enumerate(rows, start=2):
        born = dt.datetime.strptime(str(row[4]), "%d-%m-%Y").date()
        assert stored[number] == (row[3], born, row[9], row[10])


def test_a_place_merged_down_beside_its_supporters_is_read_on_each_row(tmp_path: Path) -> None:
    """Teams write a desa and its kecamatan once, merged over all the rows of the
    supporters living there: the sheet shows it on every row, and every row is read
    with it (the rows under the first were BMS with the desa and kecamatan empty)."""
    path = tmp_path / "merged_places.xlsx"
    rows = supporter_rows(6)
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("B.1-KWK")
    ws.write_row(0, 0, HEADER)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row[:11]):
            ws.write_string(r, col, str(value))
    ws.merge_range(1, 11, 3, 11, "Nagri Kidul")  # rows 2-4 of the sheet
    ws.merge_range(1, 12, 3, 12, "Purwakarta")
    ws.merge_range(4, 11, 6, 11, "Campaka")  # rows 5-7
    ws.merge_range(4, 12, 6, 12, "Campaka")
    book.close()
    codes: dict[int, tuple[str, str]] = {}
    report = validate_file(
        path,
        options(),
        on_batch=lambda batch: codes.update(
            (v.row, (v.values["kecamatan_code"], v.values["desa_code"][:8])) for v in batch
        ),
    )
    assert report.counts() == {"MS": 6, "BMS": 0, "TMS": 0}
    assert [r.notes for r in report.rows] == [[]] * 6
    assert [codes[n][0] for n in range(2, 8)] == ["32.14.01"] * 3 + ["32.14.02"] * 3
    assert all(kecamatan == desa for kecamatan, desa in codes.values())
    sample = preview(path)[1]
    assert [cells[11] for _, cells in sample] == ["Nagri Kidul"] * 3 + ["Campaka"] * 3


@pytest.mark.parametrize("combined", [False, True])
def test_an_rt_or_rw_that_excel_turned_into_a_date_is_refused_not_cut(
    tmp_path: Path, combined: bool
) -> None:
    """Excel turns "03/05" or "3-5" typed in an RT/RW cell into a day (3 May of the
    year it was typed). The date cell was read as its text cut to three characters
    ("202", "454"), stored as the RT and only noted as too long. Which number was the
    RT depends on the typist's locale (day or month first), so it is not guessed:
    the field is left empty and the problem list names the row, the field and the
    cell as Excel shows it."""
    from silon_desktop.importers.problems import import_problems

    path = tmp_path / "rtrw.xlsx"
    rows = supporter_rows(3)
    header = [*HEADER[:9], "RT/RW", *HEADER[11:]] if combined else HEADER
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("B.1-KWK")
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        cells = [*row[:9], f"{row[9]}/{row[10]}", *row[11:]] if combined else row
        for col, value in enumerate(cells):
            ws.write_string(r, col, str(value))
    ws.write_datetime(2, 9, dt.datetime(2024, 5, 3), day)  # row 3: "03/05"
    if not combined:
        ws.write_datetime(3, 10, dt.datetime(2024, 5, 7), day)  # row 4: RW "7/5"
    book.close()
    stored: dict[int, tuple[str, str]] = {}
    report = validate_file(
        path,
        options(),
        on_batch=lambda batch: stored.update(
            (v.row, (v.values["rt"], v.values["rw"])) for v in batch
        ),
    )
    assert stored[2] == (rows[0][9], rows[0][10])
    if combined:
        assert stored[3] == ("", "")
        assert report.rows[1].notes == ["unreadable:rt", "unreadable:rw"]
    else:
        assert stored[3] == ("", rows[1][10]) and stored[4] == (rows[2][9], "")
        assert report.rows[1].notes == ["unreadable:rt"]
        assert report.rows[2].notes == ["unreadable:rw"]
    lines = [line.cells for line in import_problems(report).lines]
    assert lines[0][0] == "3" and lines[0][3] == "RT" and lines[0][4] == "03-05-2024"
    assert "tidak terbaca" in lines[0][5] and "003" in lines[0][5]


def test_an_rt_or_rw_number_cell_of_four_digits_or_more_is_refused_not_cut(
    tmp_path: Path,
) -> None:
    """A date cell set back to the General or Number format shows the day's serial:
    "03/05" typed in 2024 reads 45415. It was cut to "454", stored as the RT and only
    noted as too long; an RT or RW runs to 999, so such a number is none of them."""
    rows = supporter_rows(3)
    path = tmp_path / "serial.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("B.1-KWK")
    ws.write_row(0, 0, HEADER)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            ws.write_string(r, col, str(value))
    ws.write_number(2, 9, 45415)  # row 3: the RT
    ws.write_number(3, 10, 45356.0)  # row 4: the RW
    ws.write_number(1, 9, 7)  # row 2: an RT typed as a number is read
    book.close()
    stored: dict[int, tuple[str, str]] = {}
    report = validate_file(
        path,
        options(),
        on_batch=lambda batch: stored.update(
            (v.row, (v.values["rt"], v.values["rw"])) for v in batch
        ),
    )
    assert stored == {2: ("007", rows[0][10]), 3: ("", rows[1][10]), 4: (rows[2][9], "")}
    assert [r.notes for r in report.rows] == [[], ["unreadable:rt"], ["unreadable:rw"]]
    assert report.rows[1].read == {"rt": "45415"}


@pytest.mark.parametrize("combined", [False, True])
def test_an_rt_or_rw_that_excel_made_a_day_is_refused_in_a_csv_too(
    tmp_path: Path, combined: bool
) -> None:
    """Saved as CSV, the day Excel made of "03/05" is its text: "03/05/2024", or
    "03-Mei" and "3-May" (day and month, the format Excel gives a day typed without
    its year). It was cut to three characters ("03/", "03-") and stored as the RT, or
    split into RT "003" and RW "05/"; it is refused like the date cell, and a plain
    "003/005" is still read."""
    rows = supporter_rows(5)
    days = ["03/05/2024", "03-Mei", "3-May", "Mei-03"]
    if combined:
        header = [*HEADER[:9], "RT/RW", *HEADER[11:]]
        rows = [[*row[:9], f"{row[9]}/{row[10]}", *row[11:]] for row in rows]
        for row, day in zip(rows[1:], days, strict=True):
            row[9] = day
        expected = [[]] + [["unreadable:rt", "unreadable:rw"]] * 4
    else:
        header = HEADER
        for at, (row, day) in enumerate(zip(rows[1:], days, strict=True)):
            row[9 + at % 2] = day
        expected = [[]] + [["unreadable:rt"], ["unreadable:rw"]] * 2
    stored: dict[int, tuple[str, str]] = {}
    report = validate_file(
        write_csv(tmp_path / "rtrw.csv", rows, header, delimiter=";"),
        options(),
        on_batch=lambda batch: stored.update(
            (v.row, (v.values["rt"], v.values["rw"])) for v in batch
        ),
    )
    assert [r.notes for r in report.rows] == expected
    assert stored[2] == ("001", "001")
    assert all("" in stored[number] for number in range(3, 7))
    assert not any("/" in rt + rw or "-" in rt + rw for rt, rw in stored.values())


def test_nik_typed_as_a_number_is_flagged_only_when_its_last_digit_is_0(tmp_path: Path) -> None:
    rows = supporter_rows(3)
    # What Excel leaves of a typed 16-digit NIK: 15 digits and a 0.
    rows[1][1] = rows[1][1][:14] + "10"
    path = write_xlsx(tmp_path / "n.xlsx", rows, nik_as_number=[1, 2])
    report = validate_file(path, options())
    flagged = report.rows[1]
    assert flagged.nik == rows[1][1]
    assert flagged.codes == ["NIK_PRECISION"]
    assert flagged.status == "BMS"
    # Row 2 is a number cell too, but its last digit is not 0: it is whole.
    assert not rows[2][1].endswith("0")
    assert report.rows[0].codes == [] and report.rows[2].codes == []


def test_a_number_cell_nik_above_two_to_the_53_is_flagged_whatever_its_last_digit(
    tmp_path: Path,
) -> None:
    """Above 2**53 (NIKs of the Papua provinces, 91-96) a number cell holds only even
    whole numbers: 9671014101900003 reads back as 9671014101900004, another person's
    NIK ending in 4, which was taken as proof the number was whole (MS)."""
    rows = supporter_rows(2)
    born = dt.datetime.strptime(str(rows[1][4]), "%d-%m-%Y").date()
    nik = build_nik("96.71.01", born, str(rows[1][5]), 3)
    assert int(nik) > 2**53 and int(float(nik)) != int(nik)
    assert not str(int(float(nik))).endswith("0")
    rows[1][1] = nik
    path = write_xlsx(tmp_path / "papua.xlsx", rows, nik_as_number=[0, 1])
    report = validate_file(path, options())
    flagged = report.rows[1]
    assert flagged.nik != nik  # what the cell holds
    assert (flagged.codes, flagged.status) == (["NIK_PRECISION"], "BMS")
    # Below 2**53 a number cell keeps every digit: a last digit other than 0 is proof.
    assert int(rows[0][1]) < 2**53 and report.rows[0].codes == []


def test_a_nik_whose_lost_digit_was_its_sequence_is_fixable_not_false(tmp_path: Path) -> None:
    """Sequences 0001-0009 are the commonest, and a number cell leaves each as 0000:
    the NIK then looks impossible (sequence 0000, NIK_FORMAT: TMS, final) only because
    of the spreadsheet. It is BMS with NIK_PRECISION (read it again from the KTP), as
    any other NIK that lost its last digit."""
    rows = supporter_rows(3)
    rows[1][1] = rows[1][1][:12] + "0000"  # what Excel leaves of ...0001 to ...0009
    rows[2][1] = rows[2][1][:6] + "999999" + "0000"  # its date is impossible too
    path = write_xlsx(tmp_path / "n.xlsx", rows, nik_as_number=[1, 2])
    report = validate_file(path, options())
    assert (report.rows[1].codes, report.rows[1].status) == (["NIK_PRECISION"], "BMS")
    # An impossible date is no lost digit: that NIK stays false.
    assert "NIK_FORMAT" in report.rows[2].codes and report.rows[2].status == "TMS"
    # Typed as text, a sequence 0000 is no loss either: false (NIK_FORMAT, TMS).
    text = write_xlsx(tmp_path / "t.xlsx", rows)
    as_text = validate_file(text, options()).rows[1]
    assert (as_text.codes, as_text.status) == (["NIK_FORMAT"], "TMS")


def test_a_nik_written_as_a_text_formula_in_a_csv_is_read_whole(tmp_path: Path) -> None:
    """="3214012001620002" is how a CSV keeps a NIK as text for Excel (exports and
    operators write it so Excel does not round the number): Excel opens it as the
    sixteen digits. The importer read the formula's text, a NIK of the wrong format:
    a sound NIK judged false (NIK_FORMAT, TMS, final), and no duplicate of the same
    NIK written plainly."""
    rows = supporter_rows(3)
    nik = rows[0][1]
    rows[0][1] = f'="{nik}"'
    rows[1][1] = f'= "{rows[1][1]}" '
    rows[2] = list(rows[0])
    rows[2][1] = nik
    report = validate_file(write_csv(tmp_path / "n.csv", rows, delimiter=";"), options())
    assert [r.nik for r in report.rows] == [nik, rows[1][1].strip('= "'), nik]
    assert report.rows[0].codes == [] and report.rows[1].codes == []
    assert report.rows[2].codes == ["DUPLICATE_IDENTICAL"]


def test_a_leading_apostrophe_before_an_rt_rw_or_date_is_a_text_mark(tmp_path: Path) -> None:
    """The apostrophe a spreadsheet's user types to keep "003" as text (and an export
    writes to keep a cell from being converted) is dropped before a NIK; before an RT
    it was kept and the RT cut to "'00", before a birth date it left the date
    unreadable (a missing field, BMS)."""
    rows = supporter_rows(2)
    rows[1][9], rows[1][10] = "'003", "'5"
    rows[1][4] = "'" + str(rows[1][4])
    stored: dict[int, tuple[Any, ...]] = {}
    report = validate_file(
        write_csv(tmp_path / "apostrof.csv", rows, delimiter=";"),
        options(),
        on_batch=lambda batch: stored.update(
            (v.row, (v.values["rt"], v.values["rw"], v.values["birth_date"])) for v in batch
        ),
    )
    born = dt.datetime.strptime(str(rows[1][4])[1:], "%d-%m-%Y").date()
    assert stored[3] == ("003", "005", born)
    assert [(r.codes, r.notes) for r in report.rows] == [([], []), ([], [])]


def test_a_nik_written_in_thousands_groups_is_flagged_as_from_a_number(tmp_path: Path) -> None:
    """A NIK column given a number format with thousands separators shows, and writes
    into a CSV, "3.214.012.001.620.000" (in the Indonesian locale; "3,214,..." in the
    English one): a number cell's NIK, its 16th digit already 0. The grouping was
    dropped like any separator and the NIK taken as typed: a NIK whose last digit
    may be lost was MS. It is flagged as from a number cell (NIK_PRECISION, BMS)."""
    rows = supporter_rows(3)
    lost = rows[1][1][:15] + "0"
    rows[1][1] = ".".join([lost[:1], *(lost[i : i + 3] for i in range(1, 16, 3))])
    whole = rows[2][1]
    assert not whole.endswith("0")
    rows[2][1] = ",".join([whole[:1], *(whole[i : i + 3] for i in range(1, 16, 3))])
    assert rows[1][1].count(".") == 5 and rows[2][1].count(",") == 5
    report = validate_file(write_csv(tmp_path / "ribuan.csv", rows, delimiter=";"), options())
    assert report.rows[1].nik == lost
    assert (report.rows[1].codes, report.rows[1].status) == (["NIK_PRECISION"], "BMS")
    # Its last digit not 0: the number was whole.
    assert (report.rows[2].nik, report.rows[2].codes) == (whole, [])
    assert report.rows[0].codes == []


def test_a_nik_typed_as_text_with_a_trailing_point_zero_is_read_whole(tmp_path: Path) -> None:
    rows = supporter_rows(2)
    nik = rows[1][1]
    rows[1][1] = nik + ".0"  # a CSV written from a float column
    report = validate_file(write_csv(tmp_path / "n.csv", rows), options())
    assert report.rows[1].nik == nik
    assert report.rows[1].codes == [] and report.rows[1].status == "MS"


def test_a_refused_cell_is_not_quoted_in_the_error(tmp_path: Path) -> None:
    """python-calamine refuses an error-typed cell quoting its text, which may be a
    citizen's name or address: the error (logged, copied to the helpdesk) says the
    file is damaged without it."""
    good = write_xlsx(tmp_path / "good.xlsx", supporter_rows(3))
    with zipfile.ZipFile(good) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    sheet = next(name for name in parts if name.startswith("xl/worksheets/sheet"))
    xml = parts[sheet].decode()
    start = xml.index("<c ", xml.index("<row", xml.index("<row") + 1))
    end = xml.index("</c>", start) + len("</c>")
    ref = xml[start:end].split('r="', 1)[1].split('"', 1)[0]
    cell = "BUDI SANTOSO, JL. MAWAR 12, 1985-03-14"
    parts[sheet] = (xml[:start] + f'<c r="{ref}" t="e"><v>{cell}</v></c>' + xml[end:]).encode()
    bad = tmp_path / "dukungan.xlsx"
    with zipfile.ZipFile(bad, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    with pytest.raises(ImportFileError) as caught:
        validate_file(bad, options())
    error = caught.value
    assert error.problem == "truncated" and "rusak" in error.message
    assert "dukungan.xlsx" in error.message
    for piece in ("BUDI", "MAWAR", "1985"):
        assert piece not in error.message and piece not in str(error) and piece not in error.detail
    assert "…" in error.detail  # the library's words are kept, its quotation not


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("cp1252", "\t"), ("cp1252", ";")],
)
def test_csv_encodings_and_delimiters(tmp_path: Path, encoding: str, delimiter: str) -> None:
    rows = supporter_rows(5)
    rows[0][2] = "José Müller, S.Pd."  # accents and a comma inside a quoted field
    path = write_csv(tmp_path / "d.csv", rows, encoding=encoding, delimiter=delimiter)
    report = validate_file(path, options())
    assert report.total == 5
    assert report.counts()["MS"] == 5
    assert report.rows[0].row == 2
    sample = preview(path)[1]
    assert sample[0][1][2] == "José Müller, S.Pd."


def test_a_windows_1252_csv_whose_first_part_is_plain_ascii_keeps_its_names(
    tmp_path: Path,
) -> None:
    """The encoding is guessed from the first 64 KB: a Windows-1252 file whose first
    accent comes later (Excel's curly apostrophe in Nur’aini) was read as UTF-8
    and the name stored with a replacement character in place of the apostrophe."""
    rows = supporter_rows(2000)
    rows[-1][2] = "Nur’aini Ma’ruf"
    path = write_csv(tmp_path / "d.csv", rows, encoding="cp1252", delimiter=";")
    assert path.stat().st_size > 64 * 1024
    assert b"\x92" not in path.read_bytes()[: 64 * 1024]
    names: dict[int, str] = {}
    report = validate_file(
        path,
        options(),
        on_batch=lambda batch: names.update((v.row, v.values["name"]) for v in batch),
    )
    assert report.total == 2000
    assert names[2001] == "Nur’aini Ma’ruf"


@pytest.mark.parametrize("count", [50, 2000])
def test_a_quote_left_open_in_a_csv_is_named_not_swallowing_the_rows_after_it(
    tmp_path: Path, count: int
) -> None:
    """A stray opening quote makes the rest of a CSV file one cell: a short file lost
    every row after it without a word (10 of 50 rows read, the 11th with a long
    address), a long one was refused in the csv module's English with no line."""
    lines = [";".join(HEADER)] + [";".join(map(str, row)) for row in supporter_rows(count)]
    lines[10] = lines[10].replace(";Kp.", ';"Kp.', 1)
    path = tmp_path / "dukungan.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        validate_file(path, options())
    assert caught.value.problem == "unclosed_quote"
    assert caught.value.message == (
        'Berkas dukungan.csv: tanda kutip (") yang dibuka di baris 11 tidak ditutup, '
        "sehingga baris-baris sesudahnya terbaca sebagai satu sel. Perbaiki tanda kutip "
        "itu lalu impor lagi."
    )


def test_an_address_on_two_lines_of_one_csv_cell_is_read(tmp_path: Path) -> None:
    rows = supporter_rows(5)
    rows[2][8] = "Kp. Babakan No. 3,\nBlok C, dekat masjid"  # Alt+Enter in the cell
    report = validate_file(write_csv(tmp_path / "d.csv", rows), options())
    assert (report.total, report.counts()["MS"]) == (5, 5)


def test_encoding_and_delimiter_detection() -> None:
    assert detect_encoding("Nama;Alamat\nJosé;Jl.\n".encode("cp1252")) == "cp1252"
    assert detect_encoding(b"\xef\xbb\xbfNIK,Nama\n") == "utf-8-sig"
    assert detect_encoding("NIK,Nama\nJosé,x\n".encode()) == "utf-8"
    assert detect_encoding(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") is None
    assert sniff_delimiter('a;b;"c, d"\n1;2;"3, 4"\n5;6;7\n') == ";"
    assert sniff_delimiter("a\tb\tc\n1\t2\t3\n") == "\t"


def test_xls_fixture_with_a_number_nik_and_an_extra_sheet() -> None:
    report = validate_file(FIXTURES / "b1kwk_small.xls", options())
    assert report.sheet == "B1KWK"
    assert report.total == 5
    assert [r.row for r in report.rows] == [4, 5, 6, 7, 8]
    # Row 4's NIK is a number cell ending in 2: its last digit survived.
    assert report.rows[0].nik == "3214012001790002"
    assert all(r.codes == [] for r in report.rows)


def _write_ods(path: Path, rows: list[list[str]]) -> Path:
    """A minimal OpenDocument spreadsheet (what LibreOffice saves, without styles)."""
    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p>'
            "</table:table-cell>"
            for v in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Dukungan">'
        f"{cells}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return path


def test_ods(tmp_path: Path) -> None:
    rows = [[str(c) for c in row] for row in supporter_rows(3)]
    path = _write_ods(tmp_path / "d.ods", [HEADER, *rows])
    report = validate_file(path, options())
    assert report.total == 3
    assert report.counts()["MS"] == 3


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "not_spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "truncated"),
        (b"just a note\nnothing tabular here\n", "no_header"),
    ],
)
def test_unreadable_files_raise_a_clear_error(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as caught:
        validate_file(path, options())
    assert caught.value.problem == problem
    assert "bad.xlsx" in caught.value.message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        # A web system's "Excel" export: an HTML table named .xls.
        ("daftar.xls", "<html><body><table><tr><th>{header}</th></tr></table></body></html>"),
        ("daftar.xls", "\ufeff<!DOCTYPE html>\n<table><tr><td>{header}</td></tr></table>"),
        # Excel 2003's XML spreadsheet.
        ("daftar.xls", '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n{header}'),
        # A PDF without compressed streams, renamed.
        ("daftar.xlsx", "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n({header}) Tj\n%%EOF"),
    ],
)
def test_a_web_page_xml_or_pdf_file_is_said_to_be_no_spreadsheet(
    tmp_path: Path, name: str, content: str
) -> None:
    """A file that is no table but is text was read as a CSV and refused as having no
    header row ("baris judul kolom tidak ditemukan"), sending the operator to look
    for a column name in a file the program cannot read at all."""
    path = tmp_path / name
    path.write_text(content.format(header=";".join(HEADER)), encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        validate_file(path, options())
    assert caught.value.problem == "not_spreadsheet"
    assert caught.value.message == (f"Berkas {name} bukan lembar kerja XLSX, XLS, ODS atau CSV.")


@pytest.mark.parametrize(
    "members",
    [
        ("dukungan.xlsx",),  # the list, zipped before it was sent
        ("ktp-001.jpg", "ktp-002.jpg"),  # the ID card scans
        ("[Content_Types].xml", "word/document.xml"),  # a Word document
    ],
)
def test_a_zip_that_holds_no_spreadsheet_is_said_to_be_none(
    tmp_path: Path, members: tuple[str, ...]
) -> None:
    """An intact zip archive named .xlsx that is no workbook was called damaged or cut
    ("rusak atau terpotong"), sending the operator to fetch the same file again."""
    inner = write_xlsx(tmp_path / "inner.xlsx", supporter_rows(3)).read_bytes()
    path = tmp_path / "dukungan.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name in members:
            archive.writestr(name, inner if name.endswith(".xlsx") else b"<x/>")
    with pytest.raises(ImportFileError) as caught:
        validate_file(path, options())
    assert caught.value.problem == "not_spreadsheet"
    assert caught.value.message == (
        "Berkas dukungan.xlsx bukan lembar kerja XLSX, XLS, ODS atau CSV."
    )


def test_truncated_xlsx(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", supporter_rows(50))
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ImportFileError) as caught:
        validate_file(cut, options())
    assert caught.value.problem == "truncated"
    assert "cut.xlsx" in caught.value.message and "rusak" in caught.value.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as caught:
        validate_file(tmp_path / "nope.xlsx", options())
    assert caught.value.problem == "not_found"


def test_header_only_is_empty(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "h.xlsx", [])
    with pytest.raises(ImportFileError) as caught:
        validate_file(path, options())
    assert caught.value.problem == "empty"
    assert "hanya baris judul kolom" in caught.value.message and "h.xlsx" in caught.value.message


@pytest.mark.parametrize("word", ["KAPANEWON", "Kemantren", "DISTRIK", "Kecamatan/Kapanewon"])
def test_a_kapanewon_kemantren_or_distrik_column_is_the_kecamatan(
    tmp_path: Path, word: str
) -> None:
    header = [*HEADER[:-1], word]
    rows = supporter_rows(2)
    rows[0][12] = f"{word.split('/')[-1]} {rows[0][12]}"
    path = write_csv(tmp_path / "k.csv", rows, header)
    report = validate_file(path, options())
    assert report.mapping.columns.get("kecamatan") == len(header) - 1
    assert report.counts()["MS"] == 2, [(r.codes, r.notes) for r in report.rows]


def test_headers_naming_the_ktp_el_are_recognised(tmp_path: Path) -> None:
    """The e-ID card is written "KTP-el" on the card and on KPU's forms: "NIK KTP-EL"
    and "NAMA SESUAI KTP-EL" were no known header ("NIK KTP" was), and the file was
    refused for a missing NIK column."""
    header = list(HEADER)
    header[1], header[2] = "NIK KTP-EL", "NAMA SESUAI KTP-EL"
    path = write_csv(tmp_path / "ktpel.csv", supporter_rows(3), header)
    report = validate_file(path, options())
    assert (report.mapping.columns["nik"], report.mapping.columns["name"]) == (1, 2)
    assert report.counts()["MS"] == 3


def test_header_variants_and_a_saved_mapping(tmp_path: Path) -> None:
    header = ["No. KTP", "Nama Lengkap", "Tempat, Tgl Lahir", "L/P", "Status Kawin"]
    header += ["Pekerjaan", "Alamat Lengkap", "RT/RW", "Kelurahan/Desa", "Kec."]
    src = supporter_rows(3)
    rows = [
        [r[1], r[2], f"{r[3]}, {r[4]}", r[5], r[6], r[7], r[8], f"{r[9]}/{r[10]}", r[11], r[12]]
        for r in src
    ]
    path = write_csv(tmp_path / "v.csv", rows, header)
    report = validate_file(path, options())
    assert report.counts()["MS"] == 3, [r.codes for r in report.rows]
    assert set(report.mapping.columns) >= {"nik", "name", "birth_place_date", "rt_rw", "desa"}

    # An unusual header the defaults do not know: map it once, save, reuse.
    odd = ["ID Warga", *header[1:]]
    path2 = write_csv(tmp_path / "odd.csv", rows, odd)
    with pytest.raises(ImportFileError):
        validate_file(path2, options())  # no NIK column recognised
    mapping = ColumnMapping.from_json(report.mapping.to_json())
    mapping.labels[0] = "ID Warga"
    save_mapping(mapping, tmp_path / "map.json")
    hints = load_mapping(tmp_path / "map.json").header_hints()
    again = validate_file(path2, options(hints=hints))
    assert again.counts()["MS"] == 3
