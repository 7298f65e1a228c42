"""A large XLSX sheet read part by part, in bounded memory, by calamine.

calamine parses a whole sheet into memory before the first row comes out: 1.09 GB
for Excel's 1,048,575 rows. Python XML parsers stream, but touch every cell in
Python: measured on the same sheet (20,000 rows, this machine), calamine 0.31-0.39 s,
lxml ``iterparse`` 1.18 s, the standard library's expat 1.41 s: a million rows would
take a minute to read. So a large sheet keeps calamine's parser and gives it the
sheet a part at a time: the sheet's XML is inflated as a stream, cut after a
``</row>`` every :data:`PART_BYTES`, and each part becomes a small workbook in
memory (the sheet's own root element, the rows, and the workbook's styles, shared
strings and date system, so cells read exactly as in the whole file: numbers,
dates by their number format, shared and inline strings). Rows keep their
numbers: calamine places each part's cells by their ``r`` references. Memory is
one part's XML twice and calamine's cells of one part, whatever the file's size.

Only sheets whose XML is larger than :data:`STREAM_ABOVE` are read this way;
smaller ones are read whole (faster, and little memory anyway). A sheet whose
rows carry no ``r`` reference (allowed, rare) cannot be cut into parts that keep
their row numbers: it is read whole.

Merged cells are listed after the rows in a sheet's XML: :meth:`StreamingSheet.merged_ranges`
inflates the sheet once more to find them when header detection asks before the
rows were read.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from silon_desktop.importers.errors import ImportFileError

#: Sheets with more XML than this (inflated) are read in parts (about 40,000 rows).
STREAM_ABOVE = 48 * 1024 * 1024
#: XML per part (about 10,000 rows of inline strings, 16,000 with shared strings): a
#: part is held about four times (its XML, the zip made of it, calamine's copy and
#: cells, the Python rows), so about 50 MB. A workbook's shared strings are parsed
#: again with every part: parts are made at least as large as they are, so that
#: costs at most as much as the sheet's own XML.
PART_BYTES = 8 * 1024 * 1024
#: The first part's XML when the shared strings are smaller (a few hundred rows).
FIRST_PART_BYTES = 256 * 1024
_READ = 1024 * 1024

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_ROOT = re.compile(rb"<((?:[\w.-]+:)?)worksheet\b[^>]*>")
_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData\b[^>]*?(/?)>")
_SHEET_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData>")
_MERGE = re.compile(rb'<(?:[\w.-]+:)?mergeCell\s+ref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')
_DIMENSION = re.compile(
    rb'<(?:[\w.-]+:)?dimension\s+ref="[A-Z]{1,3}\d{1,7}(?::[A-Z]{1,3}(\d{1,7}))?"'
)
_WORKBOOK_PR = re.compile(rb"<(?:[\w.-]+:)?workbookPr\b[^>]*/>")
_DATE_1904 = re.compile(rb'date1904="(1|true)"')

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.styles+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    b"</Types>"
)
_ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_BOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/styles" Target="styles.xml"/>'
    b'<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_EMPTY_STYLES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
)
_EMPTY_STRINGS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" '
    b'uniqueCount="0"/>'
)


@dataclass
class BookParts:
    """Where each sheet's XML is in the zip and how large it is; for a sheet read in
    parts also the styles, shared strings and date system every part needs (read
    once, when the first such sheet is opened)."""

    path: Path
    sheets: dict[str, str]  # sheet name -> its XML part in the zip
    sizes: dict[str, int]
    common: dict[str, str]  # "styles" / "sharedStrings" -> its part
    workbook_pr: bytes
    tails: dict[str, bytes]  # zip member -> the end of its XML, when known
    styles: bytes = b""
    strings: bytes = b""
    _loaded: bool = False

    @classmethod
    def read(cls, path: Path, tails: dict[str, bytes] | None = None) -> BookParts:
        """Raises: ImportFileError (``truncated``) when the workbook's parts are damaged."""
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                book = archive.read("xl/workbook.xml")
                targets: dict[str, tuple[str, str]] = {}
                if "xl/_rels/workbook.xml.rels" in names:
                    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
                    for rel in rels.iter(f"{{{_PKG_REL}}}Relationship"):
                        kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
                        targets[rel.get("Id") or ""] = (kind, _part(rel.get("Target") or ""))
                sheets: dict[str, str] = {}
                for sheet in ElementTree.fromstring(book).iter(f"{{{_MAIN}}}sheet"):
                    kind, target = targets.get(sheet.get(f"{{{_REL}}}id") or "", ("", ""))
                    if kind == "worksheet" and target in names:
                        sheets[sheet.get("name") or ""] = target
                sizes = {name: archive.getinfo(part).file_size for name, part in sheets.items()}
        except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError) as exc:
            raise ImportFileError(path, "truncated", str(exc)) from exc
        common = {
            kind: target
            for kind, target in targets.values()
            if kind in ("styles", "sharedStrings") and target in names
        }
        pr = _WORKBOOK_PR.search(book)
        workbook_pr = (
            b'<workbookPr date1904="1"/>' if pr and _DATE_1904.search(pr.group(0)) else b""
        )
        return cls(path, sheets, sizes, common, workbook_pr, dict(tails or {}))

    def streams(self, name: str) -> bool:
        """Whether the sheet is large enough to be read in parts, and can be: its
        rows carry their numbers (``<row r="...">``)."""
        if self.sizes.get(name, 0) <= STREAM_ABOVE:
            return False
        head = b"".join(_inflate(self.path, self.sheets[name], limit=_READ))
        root = _ROOT.search(head)
        prefix = root.group(1) if root else b""
        unnumbered = re.compile(b"<" + re.escape(prefix) + rb"row(?=[\s>/])(?![^>]*\br=)")
        return unnumbered.search(head) is None

    def load(self) -> None:
        """The styles and shared strings, once."""
        if self._loaded:
            return
        try:
            with zipfile.ZipFile(self.path) as archive:
                styles = self.common.get("styles")
                strings = self.common.get("sharedStrings")
                self.styles = archive.read(styles) if styles else _EMPTY_STYLES
                self.strings = archive.read(strings) if strings else _EMPTY_STRINGS
        except (zipfile.BadZipFile, KeyError, OSError) as exc:
            raise ImportFileError(self.path, "truncated", str(exc)) from exc
        self._loaded = True


def _part(target: str) -> str:
    """A relationship target of the workbook as a zip member name."""
    if target.startswith("/"):
        return target.lstrip("/")
    return "xl/" + target


class StreamingSheet:
    """One large sheet, read a part at a time (see the module docstring)."""

    def __init__(self, parts: BookParts, name: str, part_bytes: int | None = None) -> None:
        parts.load()
        #: XML per part (default :data:`PART_BYTES`; never less than the shared strings)
        self.part_bytes = part_bytes
        self.parts = parts
        self.name = name
        self._member = parts.sheets[name]
        self._merged: list[tuple[int, int, int, int]] | None = None
        head = b"".join(_inflate(parts.path, self._member, limit=16 * 1024))
        found = _DIMENSION.search(head)
        self._height = int(found.group(1) or 0) if found else 0

    @property
    def height(self) -> int:
        """The last row the sheet declares (0: none declared)."""
        return self._height

    def merged_ranges(self) -> list[tuple[int, int, int, int]]:
        end = _SHEET_DATA_END.search(self.parts.tails.get(self._member, b""))
        if self._merged is None and end is not None:  # the end of the sheet, kept by limits
            self._merged = _merged_ranges(end.string[end.start() :])
        if self._merged is None:
            tail = b""
            for data in self._inflate():
                tail = (tail + data)[-(8 * _READ) :]
                at = tail.rfind(b"sheetData>")
                if at >= 0:
                    tail = tail[at:]
            self._merged = _merged_ranges(tail)
        return self._merged

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """``(row number from 1, cells)``, a part at a time."""
        buffer = bytearray()
        head = b""
        prefix = b""
        stream = self._inflate()
        for data in stream:
            buffer += data
            root = _ROOT.search(buffer)
            opened = _SHEET_DATA.search(buffer)
            if root and opened:
                prefix = root.group(1)
                head = root.group(0) + b"<" + prefix + b"sheetData>"
                if opened.group(1):  # <sheetData/>: no rows at all
                    return
                del buffer[: opened.end()]
                break
        else:
            raise ImportFileError(self.parts.path, "truncated", f"{self._member}: no sheetData")
        part_bytes = max(self.part_bytes or PART_BYTES, len(self.parts.strings))
        if len(self.parts.strings) <= FIRST_PART_BYTES:
            # A small first part: the header and the first rows come at once (what
            # column detection reads, and a validating process's first batch).
            part_bytes = FIRST_PART_BYTES
        row_end = b"</" + prefix + b"row>"
        data_end = b"</" + prefix + b"sheetData>"
        close = data_end + b"</" + prefix + b"worksheet>"
        finished = False
        tail = b""
        while not finished:
            for data in stream:
                buffer += data
                if len(buffer) >= part_bytes:
                    break
            else:
                finished = True
            end = buffer.find(data_end)
            if end >= 0:
                cut, finished = end, True
                tail = bytes(buffer[end:]) + b"".join(stream)
            elif finished:
                raise ImportFileError(self.parts.path, "truncated", f"{self._member}: cut short")
            else:
                cut = buffer.rfind(row_end)
                if cut < 0:
                    continue  # one row longer than a part: read on
                cut += len(row_end)
            book = None
            if cut:
                with memoryview(buffer) as rows:
                    book = self._part_book((head, rows[:cut], close))
            del buffer[:cut]
            part_bytes = max(self.part_bytes or PART_BYTES, len(self.parts.strings))
            if book is not None:
                yield from self._part_rows(book)
        self._merged = _merged_ranges(tail)

    def _part_book(self, sheet_xml: tuple[bytes, memoryview, bytes]) -> io.BytesIO:
        """A small workbook in memory whose one sheet's XML is the pieces of
        ``sheet_xml`` (its root element, a part's rows, the closing tags), written into
        it as they are (the part is never joined into one more copy first)."""
        book_xml = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<workbook xmlns="'
            + _MAIN.encode()
            + b'" xmlns:r="'
            + _REL.encode()
            + b'">'
            + self.parts.workbook_pr
            + b'<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
        )
        memory = io.BytesIO()
        with zipfile.ZipFile(memory, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
            archive.writestr("_rels/.rels", _ROOT_RELS)
            archive.writestr("xl/workbook.xml", book_xml)
            archive.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
            archive.writestr("xl/styles.xml", self.parts.styles)
            archive.writestr("xl/sharedStrings.xml", self.parts.strings)
            with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
                for piece in sheet_xml:
                    sheet.write(piece)
        memory.seek(0)
        return memory

    def _part_rows(self, memory: io.BytesIO) -> Iterator[tuple[int, list[Any]]]:
        import python_calamine

        try:
            book = python_calamine.CalamineWorkbook.from_filelike(memory)
            sheet = book.get_sheet_by_index(0)
            start = sheet.start
            # The part's rows only (iter_rows would also yield every row above it).
            rows = sheet.to_python(skip_empty_area=True)
        except Exception as exc:  # noqa: BLE001 - calamine raises many types for damaged parts
            raise ImportFileError(self.parts.path, "truncated", str(exc)) from exc
        finally:
            memory.close()
        book.close()
        if start is None:
            return
        number = start[0]
        pad = [""] * start[1]
        for cells in rows:
            number += 1
            yield number, (pad + cells if pad else cells)

    def _inflate(self) -> Iterator[bytes]:
        return _inflate(self.parts.path, self._member)


def _inflate(path: Path, member: str, limit: int | None = None) -> Iterator[bytes]:
    """A zip member's inflated bytes, a piece at a time (only the first ``limit`` bytes)."""
    done = 0
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as part:
            while data := part.read(_READ if limit is None else min(_READ, limit - done)):
                yield data
                done += len(data)
                if limit is not None and done >= limit:
                    return
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ImportFileError(path, "truncated", str(exc)) from exc


def _merged_ranges(tail: bytes) -> list[tuple[int, int, int, int]]:
    """``<mergeCell ref="A1:B2"/>`` as (top row, left col, bottom row, right col), 0-based."""
    return [
        (int(r0) - 1, _column(c0) - 1, int(r1) - 1, _column(c1) - 1)
        for c0, r0, c1, r1 in _MERGE.findall(tail)
    ]


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - ord("A") + 1)
    return number
