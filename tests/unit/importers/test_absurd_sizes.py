"""Spreadsheets whose declared or inflated size is absurd are refused before memory is
taken, with an Indonesian message naming the file (issue #14: a 1.7 KB XLSX made the
reader ask for 22.4 GB and the application aborted).

Each file is crafted the way an attacker would: a real workbook with one part changed.
Without the checks, the first case aborts the test process itself.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import psutil
import pytest

from silon_desktop.importers import limits
from silon_desktop.importers.errors import ImportFileError
from silon_desktop.importers.pipeline import preview
from silon_desktop.importers.readers import open_workbook
from tests.unit.importers.sheets import supporter_rows, write_xlsx


def rewrite(source: Path, target: Path, part: str, change: object) -> Path:
    """``source`` copied to ``target`` with the zip member ``part`` changed."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == part:
                data = change(data)  # type: ignore[operator]
            new.writestr(item.filename, data, compresslevel=9)
    return target


def small_book(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "asli.xlsx", supporter_rows(3))


def test_a_tiny_xlsx_declaring_the_whole_grid_is_refused(tmp_path: Path) -> None:
    def whole_grid(xml: bytes) -> bytes:
        start = xml.index(b"<dimension")
        end = xml.index(b"/>", start) + 2
        return xml[:start] + b'<dimension ref="A1:XFD1048576"/>' + xml[end:]

    bomb = rewrite(
        small_book(tmp_path),
        tmp_path / "daftar-dukungan.xlsx",
        "xl/worksheets/sheet1.xml",
        whole_grid,
    )
    assert bomb.stat().st_size < 8192  # a few KB (the issue: 1.7 KB)
    rss_before = psutil.Process().memory_info().rss

    with pytest.raises(ImportFileError) as refused:
        open_workbook(bomb)

    assert refused.value.problem == "too_large"
    assert "daftar-dukungan.xlsx" in refused.value.message
    assert "ditolak" in refused.value.message and "A1:XFD1048576" in refused.value.message
    assert psutil.Process().memory_info().rss - rss_before < 200 * 1024**2


def test_a_zip_bomb_sheet_is_refused_by_its_declared_ratio(tmp_path: Path) -> None:
    padding = b" " * (300 * 1024 * 1024)  # 300 MB of blanks compress to about 300 KB

    def pad(xml: bytes) -> bytes:
        return xml.replace(b"<sheetData>", b"<sheetData>" + padding, 1)

    bomb = rewrite(small_book(tmp_path), tmp_path / "bom.xlsx", "xl/worksheets/sheet1.xml", pad)
    with pytest.raises(ImportFileError) as refused:
        preview(bomb)
    assert refused.value.problem == "too_large" and "bom.xlsx" in refused.value.message


def test_a_zip_directory_that_understates_a_part_is_refused_while_inflating(
    tmp_path: Path,
) -> None:
    """The directory says 2 KB; the part inflates to 8 MB (calamine would read it all)."""
    body = b"<x>" + b"A" * (8 * 1024 * 1024) + b"</x>"
    liar = tmp_path / "bohong.xlsx"
    with zipfile.ZipFile(liar, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", b"<Types/>")
        book.writestr("xl/sharedStrings.xml", body)
    data = bytearray(liar.read_bytes())
    info = zipfile.ZipFile(liar).getinfo("xl/sharedStrings.xml")
    struct.pack_into("<I", data, info.header_offset + 22, 2048)  # local header
    central = data.rindex(b"PK\x01\x02")  # the last member's directory entry
    struct.pack_into("<I", data, central + 24, 2048)
    liar.write_bytes(bytes(data))
    assert zipfile.ZipFile(liar).getinfo("xl/sharedStrings.xml").file_size == 2048

    with pytest.raises(ImportFileError) as refused:
        open_workbook(liar)
    assert refused.value.problem == "too_large" and "bohong.xlsx" in refused.value.message


def test_an_ods_whose_content_declares_gigabytes_is_refused(tmp_path: Path) -> None:
    ods = tmp_path / "daftar.ods"
    with zipfile.ZipFile(ods, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("mimetype", b"application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", b"<office:document-content/>")
    data = bytearray(ods.read_bytes())
    info = zipfile.ZipFile(ods).getinfo("content.xml")
    huge = limits.MAX_INFLATED_BYTES + 1
    struct.pack_into("<I", data, info.header_offset + 22, huge)
    struct.pack_into("<I", data, data.rindex(b"PK\x01\x02") + 24, huge)
    ods.write_bytes(bytes(data))
    with pytest.raises(ImportFileError) as refused:
        open_workbook(ods)
    assert refused.value.problem == "too_large" and "daftar.ods" in refused.value.message


def test_an_ordinary_workbook_passes_the_checks(tmp_path: Path) -> None:
    book = open_workbook(write_xlsx(tmp_path / "biasa.xlsx", supporter_rows(200)))
    try:
        assert book.kind == "xlsx" and book.sheet_names == ["B.1-KWK"]
    finally:
        book.close()


_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
    ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="B.1-KWK">'
)
_ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"


def _cell(value: str, repeat: int = 1) -> str:
    columns = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell{columns} office:value-type="string"><text:p>{value}</text:p></table:table-cell>'


def write_ods(path: Path, rows: str) -> Path:
    """An ODS of ``rows`` (table-row XML) the way LibreOffice writes one."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", _ODS_HEAD + rows + _ODS_TAIL)
        book.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
            'manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>',
        )
    return path


def test_a_tiny_ods_repeating_a_row_a_million_times_is_refused(tmp_path: Path) -> None:
    """A 0.8 KB ODS whose one row with values is declared repeated 1,000,000 times:
    calamine copies it that many times (640 MB for 20 columns, then the process
    aborts). Refused, naming the file, before calamine sees it."""
    header = "<table:table-row>" + _cell("NIK") + "</table:table-row>"
    bomb = (
        '<table:table-row table:style-name="ro1" table:number-rows-repeated="1000000">'
        + _cell("3214014107770001", repeat=20)
        + "</table:table-row>"
    )
    ods = write_ods(tmp_path / "bom.ods", header + bomb)
    assert ods.stat().st_size < 2048
    before = psutil.Process().memory_info().rss
    with pytest.raises(ImportFileError) as refused:
        open_workbook(ods)
    assert refused.value.problem == "too_large" and "bom.ods" in refused.value.message
    assert "baris berulang" in refused.value.message
    assert psutil.Process().memory_info().rss - before < 100 * 1024**2


def test_an_ods_cell_repeated_across_every_column_of_many_rows_is_refused(
    tmp_path: Path,
) -> None:
    row = "<table:table-row>" + _cell("x", repeat=16_384) + "</table:table-row>"
    ods = write_ods(tmp_path / "lebar.ods", row * 3_000)  # 49 million cells, 3 rows at a time
    with pytest.raises(ImportFileError) as refused:
        open_workbook(ods)
    assert refused.value.problem == "too_large" and "lebar.ods" in refused.value.message


def test_an_ods_with_libreoffices_empty_repeated_rows_is_read(tmp_path: Path) -> None:
    """What LibreOffice writes after the last row (a million empty repeated rows, each
    with empty repeated cells) costs nothing and passes, with the rows before it."""
    rows = "".join(
        "<table:table-row>"
        + _cell(f"NAMA {i}")
        + _cell("L", repeat=2)
        + '<table:table-cell table:number-columns-repeated="1021"/>'
        + "</table:table-row>"
        for i in range(3)
    )
    rows += (
        '<table:table-row table:number-rows-repeated="1048573">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    book = open_workbook(write_ods(tmp_path / "biasa.ods", rows))
    try:
        assert book.kind == "ods"
    finally:
        book.close()


def test_an_ods_row_bomb_after_megabytes_of_ordinary_rows_is_found(tmp_path: Path) -> None:
    """content.xml is read a megabyte at a time: a repeated row far into it (across
    chunk boundaries) is found all the same."""
    row = (
        "<table:table-row>"
        + "".join(_cell(f"NILAI{i:02d}") for i in range(20))
        + _cell("001", repeat=2)  # two equal neighbours: a repeat a real list has
        + '<table:table-cell table:number-columns-repeated="1000"/></table:table-row>'
    )
    bomb = '<table:table-row table:number-rows-repeated="900000">' + _cell("x", 20)
    ods = write_ods(tmp_path / "akhir.ods", row * 1500 + bomb + "</table:table-row>")
    assert zipfile.ZipFile(ods).getinfo("content.xml").file_size > 2 * 1024**2
    with pytest.raises(ImportFileError) as refused:
        open_workbook(ods)
    assert refused.value.problem == "too_large" and "akhir.ods" in refused.value.message
    ordinary = write_ods(tmp_path / "biasa.ods", row * 1500)  # the same without the bomb
    open_workbook(ordinary).close()
