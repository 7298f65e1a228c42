"""Spreadsheet readers: XLSX, XLS and ODS through calamine, CSV with encoding detection.

A reader hands out :class:`Sheet` objects whose :meth:`Sheet.rows` yields
``(row_number, cells)`` one row at a time: ``row_number`` counts from 1 at the
top of the sheet (as the spreadsheet program shows it), ``cells`` is a list of
cell values (str, float, int, bool, date, datetime; ``""`` for an empty cell)
whose index 0 is the sheet's first column. Nothing here keeps rows in Python
memory: callers stream.

calamine parses a sheet into a Rust range when it is opened; the Python rows are
made one by one as the caller iterates. A large XLSX sheet (Excel's million rows
took 1.09 GB that way) is streamed row by row instead
(:mod:`silon_desktop.importers.xlsx_stream`): memory stays bounded.
"""

from __future__ import annotations

import codecs
import csv
import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from silon_desktop.importers.errors import ImportFileError
from silon_desktop.importers.limits import check_workbook

log = logging.getLogger(__name__)

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SNIFF_BYTES = 64 * 1024
#: The part a zip archive holds when it is a workbook: XLSX's workbook, ODS's content.
_WORKBOOK_PARTS = ("xl/workbook.xml", "content.xml")
_DELIMITERS = ",;\t|"
#: How text files that are no table begin (after a BOM and spaces, lower-cased): a PDF,
#: a web page (a web system's "Excel" export), an XML file (Excel 2003's XML), RTF.
_NOT_A_TABLE = (b"%pdf-", b"<html", b"<!doctype", b"<table", b"<?xml", b"{\\rtf")

#: (top row, left col, bottom row, right col), 0-based and inclusive, sheet coordinates.
MergedRange = tuple[int, int, int, int]


class Sheet(Protocol):
    """One sheet (or the one table of a CSV file)."""

    name: str

    @property
    def height(self) -> int:
        """Rows in the sheet as far as known without reading it (0: unknown)."""
        ...

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """``(row number counted from 1 at the top of the sheet, cells)``."""
        ...

    def merged_ranges(self) -> list[MergedRange]: ...


@dataclass
class Workbook:
    """An opened file: its format and its sheets (loaded when asked for)."""

    path: Path
    kind: str  # xlsx | xls | ods | csv
    sheet_names: list[str]
    #: Sheets hidden in the spreadsheet program (listed all the same).
    hidden: frozenset[str] = frozenset()
    _book: Any = None
    _csv: CsvSheet | None = None
    _parts: Any = None
    _tails: dict[str, bytes] = field(default_factory=dict)
    _streamed: bool = False  # every sheet streamed (``BookParts.streams_all``)

    def sheet(self, name: str) -> Sheet:
        """One sheet; a large XLSX sheet is streamed (``xlsx_stream``).

        Raises:
            ImportFileError: the sheet is damaged.
        """
        if self._csv is not None:
            return self._csv
        if self.kind == "xlsx":
            from silon_desktop.importers.xlsx_stream import BookParts, StreamingSheet

            if self._parts is None:
                self._parts = BookParts.read(self.path, self._tails)
            if name in self._parts.sheets and (self._streamed or self._parts.streams(name)):
                return StreamingSheet(self._parts, name)
        if self._book is None:  # every sheet is streamed: no other sheet here
            raise ImportFileError(self.path, "truncated", f"{name}: not a listed sheet")
        try:
            return CalamineSheetAdapter(self._book.get_sheet_by_name(name))
        except Exception as exc:  # noqa: BLE001 - calamine raises many types for damaged parts
            raise ImportFileError.from_library(self.path, "truncated", exc) from exc

    def close(self) -> None:
        if self._book is not None:
            self._book.close()


class CalamineSheetAdapter:
    """A calamine sheet seen through the :class:`Sheet` protocol."""

    def __init__(self, sheet: Any) -> None:
        self._sheet = sheet
        self.name: str = sheet.name
        start = sheet.start
        self._row0: int = start[0] if start is not None else 0
        self._col0: int = start[1] if start is not None else 0

    @property
    def height(self) -> int:
        return int(self._sheet.height or 0)

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        # calamine's iter_rows yields every row from the sheet's top (row 1), the
        # empty ones above the first cell too, but only the columns from the first
        # cell's: rows are numbered from 1, cells padded on the left.
        number = 0
        pad = [""] * self._col0
        for cells in self._sheet.iter_rows():
            number += 1
            yield number, (pad + cells if pad else cells)

    def merged_ranges(self) -> list[MergedRange]:
        ranges = self._sheet.merged_cell_ranges or []
        return [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges]


@dataclass
class CsvSheet:
    """A CSV file read as one sheet, decoded and split while it is iterated."""

    path: Path
    encoding: str
    delimiter: str
    name: str = "CSV"
    _merged: list[MergedRange] = field(default_factory=list)

    @property
    def height(self) -> int:
        return 0  # unknown until read: progress shows rows done only

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        # UTF-8 is a guess from the file's first bytes: a Windows-1252 file can hold
        # its first accent or curly apostrophe further on, read then as Windows-1252.
        errors = "replace"
        if self.encoding == "utf-8":
            codecs.register_error(_CP1252_FALLBACK, _decode_as_cp1252)
            errors = _CP1252_FALLBACK
        with open(self.path, encoding=self.encoding, errors=errors, newline="") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            number = last_line = width = 0
            try:
                for cells in reader:
                    number += 1
                    if reader.line_num - last_line > 1 and _swallows_rows(
                        cells, self.delimiter, width
                    ):
                        raise ImportFileError(self.path, "unclosed_quote", str(last_line + 1))
                    last_line = reader.line_num
                    if len(cells) > width:
                        width = len(cells)
                    yield number, cells
            except csv.Error as exc:
                if reader.line_num - last_line > 1:  # a cell past the csv module's limit
                    raise ImportFileError(self.path, "unclosed_quote", str(last_line + 1)) from exc
                raise ImportFileError.from_library(self.path, "unreadable", exc) from exc

    def merged_ranges(self) -> list[MergedRange]:
        return self._merged


def _swallows_rows(cells: list[str], delimiter: str, width: int) -> bool:
    """Whether a record over several lines holds whole rows of the file in a cell: a
    quote opened and never closed, which makes the rest of the file one cell (an
    address typed on two lines of a cell holds no row's worth of delimiters).
    ``width``: the most cells a record had so far."""
    least = max(2, (width - 1) // 2)
    for cell in cells:
        if "\n" in cell or "\r" in cell:
            for line in cell.splitlines()[1:]:
                if line.count(delimiter) >= least:
                    return True
    return False


def open_workbook(path: str | Path) -> Workbook:
    """Open a supporter list, whatever its format.

    Raises:
        ImportFileError: missing, unreadable, truncated or not a spreadsheet.
    """
    path = Path(path)
    if path.is_dir():
        raise ImportFileError(path, "is_folder")
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except FileNotFoundError as exc:
        raise ImportFileError(path, "not_found") from exc
    except OSError as exc:
        raise ImportFileError(path, "unreadable", exc.strerror or str(exc)) from exc
    if not head:
        raise ImportFileError(path, "empty")
    if head.startswith(_ZIP) or head.startswith(_OLE):
        return _open_calamine(path, head)
    return _open_csv(path, head)


def _open_calamine(path: Path, head: bytes) -> Workbook:
    import python_calamine

    kind = "xls" if head.startswith(_OLE) else ("ods" if b"opendocument" in head[:200] else "xlsx")
    # An absurd declared or inflated size: refused before calamine. The ends of the
    # worksheets it inflated serve a streamed sheet (its merged cells).
    tails = check_workbook(path, head)
    if head.startswith(_ZIP) and not _holds_workbook(path):
        raise ImportFileError(path, "not_spreadsheet")  # an intact zip, of something else
    if kind == "xlsx":
        from silon_desktop.importers.xlsx_stream import BookParts

        parts = BookParts.read(path, tails)
        if parts.streams_all():
            # A large sheet: every sheet of the file is streamed, and python-calamine
            # (which reads the shared strings when it opens a workbook: a hundred MB
            # for a million supporters written by Excel) is not opened at all.
            return Workbook(
                path,
                kind,
                list(parts.listed),
                frozenset(parts.hidden),
                _parts=parts,
                _tails=tails,
                _streamed=True,
            )
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError as exc:
        raise ImportFileError(path, "encrypted") from exc
    except Exception as exc:  # noqa: BLE001 - zip, xml and format errors all mean a damaged file
        problem = "truncated" if head.startswith(_ZIP) or len(head) > 512 else "not_spreadsheet"
        raise ImportFileError.from_library(path, problem, exc) from exc
    names = [
        meta.name
        for meta in book.sheets_metadata
        if str(meta.typ).endswith("WorkSheet") and not str(meta.visible).endswith("VeryHidden")
    ]
    if not names:
        raise ImportFileError(path, "empty")
    hidden = frozenset(
        meta.name for meta in book.sheets_metadata if str(meta.visible).endswith(".Hidden")
    )
    return Workbook(path, kind, names, hidden, _book=book, _tails=tails)


def _holds_workbook(path: Path) -> bool:
    """Whether a zip archive is a workbook: not a zipped list, ID card scans or a
    document (the zip's directory was read by ``check_workbook`` already)."""
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
    return any(part in names for part in _WORKBOOK_PARTS)


def _open_csv(path: Path, head: bytes) -> Workbook:
    encoding = detect_encoding(head)
    if encoding is None or _not_a_table(head, encoding):
        raise ImportFileError(path, "not_spreadsheet")
    text = _decode_sample(head, encoding)
    delimiter = sniff_delimiter(text)
    log.debug("%s: CSV, encoding %s, delimiter %r", path, encoding, delimiter)
    sheet = CsvSheet(path, encoding, delimiter)
    return Workbook(path, "csv", [sheet.name], _csv=sheet)


def _not_a_table(head: bytes, encoding: str) -> bool:
    """Whether a text file is a document of another kind (see ``_NOT_A_TABLE``)."""
    start = _decode_sample(head[:1024], encoding).lstrip("\ufeff \t\r\n")[:16].lower()
    return start.encode("ascii", "replace").startswith(_NOT_A_TABLE)


def detect_encoding(sample: bytes) -> str | None:
    """The text encoding of a CSV sample, or None when it is not text at all.

    UTF-8 (with or without BOM) is tried first and strictly (on the sample: a
    later byte that is not UTF-8 is read as Windows-1252); UTF-16 needs its
    BOM; anything else that is text is read as Windows-1252, the encoding Excel
    on Indonesian Windows saves "CSV" in (charset-normalizer confirms it is text).
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        return None
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    import charset_normalizer

    best = charset_normalizer.from_bytes(
        sample, cp_isolation=["cp1252", "latin_1", "cp1250", "iso8859_15"]
    ).best()
    if best is None:
        return None
    return "cp1252"


_CP1252_FALLBACK = "silon-cp1252-fallback"


def _decode_as_cp1252(error: UnicodeError) -> tuple[str, int]:
    """A codec error handler: the bytes that are not UTF-8, read as Windows-1252."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("cp1252", errors="replace"), error.end


def _decode_sample(sample: bytes, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(sample, final=False)


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon (Excel in Indonesian locale), tab or pipe.

    Each candidate splits the first lines (quotes respected); the winner gives
    the same number of columns, more than one, on the most lines.
    """
    lines = [line for line in text.splitlines()[:40] if line.strip()][:-1] or text.splitlines()[:1]
    best, best_score = ",", 0
    for delimiter in _DELIMITERS:
        widths = [len(cells) for cells in csv.reader(lines, delimiter=delimiter)]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = widths.count(common) * (common - 1)
        if score > best_score:
            best, best_score = delimiter, score
    return best
