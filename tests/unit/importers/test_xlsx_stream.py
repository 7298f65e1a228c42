"""A large XLSX sheet streamed (python-calamine-plus) gives exactly the rows of the
whole sheet as python-calamine reads it."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from silon_desktop.importers import xlsx_stream
from silon_desktop.importers.errors import ImportFileError
from silon_desktop.importers.pipeline import ImportOptions, validate_file
from silon_desktop.importers.readers import CalamineSheetAdapter, open_workbook
from silon_desktop.importers.xlsx_stream import StreamingSheet
from tests.unit.importers.sheets import supporter_rows, write_xlsx


def _book(path: Path, *, inline: bool = False, date_1904: bool = False) -> Path:
    """Shared (or inline) strings, numbers, dates by format, a merged header over a
    blank column A, a title, an empty row in the list, and a total under it."""
    options: dict[str, Any] = {"constant_memory": inline, "date_1904": date_1904}
    book = xlsxwriter.Workbook(str(path), options)
    sheet = book.add_worksheet("B.1-KWK")
    dates = book.add_format({"num_format": "dd-mm-yyyy"})
    sheet.write(0, 1, "DAFTAR DUKUNGAN")
    sheet.merge_range(1, 4, 1, 5, "TEMPAT / TANGGAL LAHIR")
    sheet.write_row(2, 1, ["NO", "NIK", "NAMA", "TEMPAT", "TANGGAL", "ALAMAT"])
    for r in range(3, 400):
        if r == 200:
            continue  # an empty row inside the list
        sheet.write_number(r, 1, r - 2)
        sheet.write_string(r, 2, f"32140120016{r:05d}")
        sheet.write_string(r, 3, f"Nama & <Orang> {r % 37} Ñoño 王")
        sheet.write_string(r, 4, "Purwakarta")
        sheet.write_datetime(r, 5, dt.datetime(1960, 1, 1) + dt.timedelta(days=r * 17), dates)
        sheet.write_string(r, 6, f"Kp. Babakan No. {r}" if r % 5 else "")
    sheet.write_string(400, 1, "JUMLAH")
    book.close()
    return path


def _whole(path: Path) -> tuple[list[tuple[int, list[Any]]], list[Any]]:
    book = open_workbook(path)
    try:
        sheet = book.sheet(book.sheet_names[0])
        assert isinstance(sheet, CalamineSheetAdapter)
        return list(sheet.rows()), sheet.merged_ranges()
    finally:
        book.close()


@pytest.fixture
def streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_stream, "STREAM_ABOVE", 0)


@pytest.mark.parametrize("inline", [False, True], ids=["shared-strings", "inline-strings"])
@pytest.mark.parametrize("date_1904", [False, True], ids=["1900", "1904"])
def test_a_streamed_sheet_gives_the_rows_of_the_whole_sheet(
    tmp_path: Path, inline: bool, date_1904: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _book(tmp_path / "d.xlsx", inline=inline, date_1904=date_1904)
    whole, merged = _whole(path)
    monkeypatch.setattr(xlsx_stream, "STREAM_ABOVE", 0)
    book = open_workbook(path)
    try:
        sheet = book.sheet(book.sheet_names[0])
        assert isinstance(sheet, StreamingSheet)
        assert sheet.merged_ranges() == merged == [(1, 4, 1, 5)]  # asked before the rows
        parts = list(sheet.rows())
    finally:
        book.close()
    nonempty = [(n, c) for n, c in whole if any(cell != "" for cell in c)]
    assert [(n, c) for n, c in parts if any(cell != "" for cell in c)] == nonempty
    assert nonempty[0][0] == 1 and nonempty[-1][0] == 401  # numbered as the spreadsheet shows
    row = dict(parts)[4]
    assert row[:4] == ["", 1.0, "3214012001600003", "Nama & <Orang> 3 Ñoño 王"]
    assert row[5] == dict(whole)[4][5] and str(row[5]).startswith("1960-02-21")


def test_every_kind_of_value_reads_as_in_the_whole_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whole numbers (calamine-plus gives int), Excel's errors (it gives their name),
    booleans, a NIK typed as a number (beyond 2**53), times, text that only looks
    like a number or an error: each cell, and its type, as python-calamine reads it."""
    path = tmp_path / "nilai.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet("B.1-KWK")
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    hour = book.add_format({"num_format": "hh:mm"})
    sheet.write_row(1, 0, ["NO", "NIK", "NAMA", "TANGGAL", "BENAR", "GALAT", "JAM"])
    sheet.write_row(2, 0, [1, 9214012001620009, "Ani", None, True, None, None])
    sheet.write_datetime(2, 3, dt.date(1990, 5, 17), day)
    sheet.write_formula(2, 5, "=1/0", None, "#DIV/0!")
    sheet.write_datetime(2, 6, dt.time(12, 30), hour)
    sheet.write_row(4, 0, [2.5, "3214012001620003", "Budi", "17-05-1990", False, None, -3])
    sheet.write_formula(4, 5, "=NA()", None, "#N/A")
    sheet.write_formula(5, 1, '="3214"&"0001"', None, "32140001")
    sheet.write_string(6, 1, "1e5")
    sheet.write_number(7, 1, 0)
    book.close()
    whole, _ = _whole(path)
    monkeypatch.setattr(xlsx_stream, "STREAM_ABOVE", 0)
    streamed_book = open_workbook(path)
    try:
        streamed_sheet = streamed_book.sheet("B.1-KWK")
        assert isinstance(streamed_sheet, StreamingSheet)
        rows = list(streamed_sheet.rows())
    finally:
        streamed_book.close()
    assert rows == whole
    assert [[type(cell) for cell in cells] for _, cells in rows] == [
        [type(cell) for cell in cells] for _, cells in whole
    ]
    assert rows[2][1][:2] == [1.0, 9214012001620008.0] and rows[2][1][5] == ""


def test_a_sheet_starting_below_row_one_is_numbered_as_shown(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "off.xlsx"))
    sheet = book.add_worksheet("S")
    sheet.write(2, 2, "x")
    sheet.write(3, 3, "y")
    book.close()
    rows, _ = _whole(tmp_path / "off.xlsx")
    assert [r for r in rows if any(rows)][-2:] == [(3, ["", "", "x", ""]), (4, ["", "", "", "y"])]


def test_a_list_validates_the_same_read_whole_or_streamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = supporter_rows(300)
    rows[7][1] = "12345"  # TMS
    rows[9] = list(rows[8])  # ganda identik
    path = write_xlsx(tmp_path / "d.xlsx", rows, title_rows=2)
    options = ImportOptions("32.14", dt.date(2024, 5, 12))
    whole = validate_file(path, options)
    monkeypatch.setattr(xlsx_stream, "STREAM_ABOVE", 0)
    parts = validate_file(path, options)
    assert [r.to_json() for r in parts.rows] == [r.to_json() for r in whole.rows]
    assert parts.counts() == whole.counts() and parts.counts()["TMS"] >= 1


def test_a_sheet_cut_short_names_the_file(tmp_path: Path, streamed: None) -> None:
    path = _book(tmp_path / "d.xlsx")
    cut = tmp_path / "rusak.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(cut, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                # the rest of the rows and the end are gone
                data = data[: data.index(b"</row>", len(data) // 2) + len(b"</row>")]
            target.writestr(info.filename, data)
    book = open_workbook(cut)
    try:
        sheet = book.sheet(book.sheet_names[0])
        assert isinstance(sheet, StreamingSheet)
        with pytest.raises(ImportFileError) as caught:
            list(sheet.rows())
    finally:
        book.close()
    assert "rusak.xlsx" in caught.value.message


def test_merged_cells_come_from_the_size_check_s_pass_or_from_a_pass_of_their_own(
    tmp_path: Path, streamed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _book(tmp_path / "d.xlsx")
    without_tails = StreamingSheet(xlsx_stream.BookParts.read(path), "B.1-KWK")
    assert without_tails.merged_ranges() == [(1, 4, 1, 5)]  # inflated once more to find them

    def no_second_pass(self: StreamingSheet) -> None:
        raise AssertionError("the sheet was inflated again for its merged cells")

    monkeypatch.setattr(StreamingSheet, "_inflate", no_second_pass)
    book = open_workbook(path)  # the size check keeps the end of every sheet
    try:
        sheet = book.sheet("B.1-KWK")
        assert isinstance(sheet, StreamingSheet)
        assert sheet.merged_ranges() == [(1, 4, 1, 5)]
    finally:
        book.close()


def test_a_reading_process_gives_the_same_rows_and_errors(tmp_path: Path, streamed: None) -> None:
    """The validating process reads a large sheet in a process of its own
    (``parallel.rows_read_aside``): the same rows, and a damaged sheet's error."""
    from silon_desktop.importers.parallel import rows_read_aside

    for inline in (False, True):
        book = open_workbook(_book(tmp_path / f"d{inline}.xlsx", inline=inline))
        try:
            sheet = book.sheet(book.sheet_names[0])
            assert isinstance(sheet, StreamingSheet)
            here = list(sheet.rows())
            assert list(rows_read_aside(sheet)) == here and len(here) > 390
        finally:
            book.close()
    path = _book(tmp_path / "d.xlsx")
    cut = tmp_path / "rusak.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(cut, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: data.index(b"</row>", len(data) // 2) + len(b"</row>")]
            target.writestr(info.filename, data)
    book = open_workbook(cut)
    try:
        sheet = book.sheet(book.sheet_names[0])
        with pytest.raises(ImportFileError) as caught:
            list(rows_read_aside(sheet))
    finally:
        book.close()
    assert "rusak.xlsx" in caught.value.message


def test_beside_a_large_sheet_a_small_one_is_streamed_and_python_calamine_never_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The template's instructions sheet beside a million supporters: python-calamine
    would read the workbook's shared strings when opened, and keep them; every sheet
    of such a file is streamed instead, each reading as python-calamine reads it."""
    import python_calamine

    path = tmp_path / "dua.xlsx"
    book = xlsxwriter.Workbook(str(path))
    data = book.add_worksheet("B.1-KWK")
    notes = book.add_worksheet("Petunjuk")
    notes.write(0, 0, "Isi satu baris per pendukung.")
    notes.write(2, 1, 16)
    for r in range(600):
        data.write_row(r, 0, [r, f"32140120016{r:05d}", f"Nama {r}"])
    book.close()
    whole = {}
    opened = open_workbook(path)
    try:
        for name in opened.sheet_names:
            whole[name] = list(opened.sheet(name).rows())
    finally:
        opened.close()
    sizes = xlsx_stream.BookParts.read(path).sizes
    monkeypatch.setattr(xlsx_stream, "STREAM_ABOVE", (sizes["B.1-KWK"] + sizes["Petunjuk"]) // 2)

    def not_opened(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("python-calamine opened the workbook")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", not_opened)
    streamed = open_workbook(path)
    try:
        assert streamed.sheet_names == ["B.1-KWK", "Petunjuk"]
        for name in streamed.sheet_names:
            sheet = streamed.sheet(name)
            assert isinstance(sheet, StreamingSheet)
            assert list(sheet.rows()) == whole[name]
    finally:
        streamed.close()
    assert whole["Petunjuk"][2] == (3, ["", 16.0])
