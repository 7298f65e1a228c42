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
