"""A large XLSX sheet streamed row by row, in bounded memory.

python-calamine (the reader of every other sheet) parses a whole sheet into memory
before the first row comes out: 1.09 GB for Excel's 1,048,575 rows. A large sheet is
streamed instead by python-calamine-plus (a fork of python-calamine on calamine
0.36, MIT, pinned), which decodes rows straight from the compressed file: the
same cell values (numbers, dates by their number format, shared and inline
strings, the 1904 date system), read with about a tenth of the memory whatever
the file's size.

Until the nineteenth session such a sheet was cut into parts, each given to
python-calamine as a small workbook of its own with the file's shared strings: a
sheet written by Excel or LibreOffice (shared strings: 68 MB of them for a million
supporters) made every part at least that large and had the strings parsed again
with every part (this reader alone, on the same file: 934 MB and 22.5 s in parts,
149 MB and 11.3 s streamed).

Two values come back from the stream otherwise than from python-calamine and are
made the same here, so a list reads the same whether its sheet is streamed or not:
whole numbers (``int`` there, ``float`` in python-calamine) and Excel's error values
(``"#N/A"`` there, an empty cell in python-calamine; a text cell holding exactly an
error's name then reads as empty too).

Only sheets whose XML is larger than :data:`STREAM_ABOVE` are streamed; smaller ones
are read whole (as before, and little memory anyway). A sheet whose rows carry no
``r`` reference (allowed, rare) is read whole too, as it always was.

Merged cells are listed after the rows in a sheet's XML: :meth:`StreamingSheet.merged_ranges`
takes them from the end of the sheet the size check inflated
(:func:`silon_desktop.importers.limits.check_workbook`), or inflates the sheet once
more when header detection asks before that is known.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from silon_desktop.importers.errors import ImportFileError

#: Sheets with more XML than this (inflated) are streamed (about 40,000 rows).
STREAM_ABOVE = 48 * 1024 * 1024
_READ = 1024 * 1024

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_ROOT = re.compile(rb"<((?:[\w.-]+:)?)worksheet\b[^>]*>")
_SHEET_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData>")
_MERGE = re.compile(rb'<(?:[\w.-]+:)?mergeCell\s+ref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')
_DIMENSION = re.compile(
    rb'<(?:[\w.-]+:)?dimension\s+ref="[A-Z]{1,3}\d{1,7}(?::[A-Z]{1,3}(\d{1,7}))?"'
)
#: Excel's error values, which python-calamine reads as an empty cell.
_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)


@dataclass
class BookParts:
    """Where each sheet's XML is in the zip and how large it is (small: it is
    pickled to the process that reads a large sheet)."""

    path: Path
    sheets: dict[str, str]  # sheet name -> its XML part in the zip
    sizes: dict[str, int]
    tails: dict[str, bytes]  # zip member -> the end of its XML, when known
    #: The worksheets an operator can be shown, in the workbook's order (not
    #: ``veryHidden``): the names python-calamine lists.
    listed: list[str] = field(default_factory=list)
    #: The listed worksheets hidden in the spreadsheet program (``hidden``).
    hidden: list[str] = field(default_factory=list)

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
                listed: list[str] = []
                hidden: list[str] = []
                for sheet in ElementTree.fromstring(book).iter(f"{{{_MAIN}}}sheet"):
                    kind, target = targets.get(sheet.get(f"{{{_REL}}}id") or "", ("", ""))
                    if kind == "worksheet" and target in names:
                        sheets[sheet.get("name") or ""] = target
                        if sheet.get("state") != "veryHidden":
                            listed.append(sheet.get("name") or "")
                        if sheet.get("state") == "hidden":
                            hidden.append(sheet.get("name") or "")
                sizes = {name: archive.getinfo(part).file_size for name, part in sheets.items()}
        except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError) as exc:
            raise ImportFileError.from_library(path, "truncated", exc) from exc
        return cls(path, sheets, sizes, dict(tails or {}), listed, hidden)

    def streams(self, name: str) -> bool:
        """Whether the sheet is large enough to be streamed, and its rows carry their
        numbers (``<row r="...">``)."""
        return self.sizes.get(name, 0) > STREAM_ABOVE and self.numbered(name)

    def streams_all(self) -> bool:
        """Whether every listed sheet is to be streamed: one of them is large, and
        every one's rows carry their numbers. Then the small ones are streamed too
        (the template's instructions beside a million supporters), so that
        python-calamine, which reads the workbook's shared strings when it opens it
        and keeps them until it is closed, is never opened for the file."""
        listed = self.listed
        return (
            bool(listed)
            and any(self.sizes.get(name, 0) > STREAM_ABOVE for name in listed)
            and all(self.numbered(name) for name in listed)
        )

    def numbered(self, name: str) -> bool:
        """Whether the sheet's rows carry their numbers (its first MB looked at)."""
        head = b"".join(_inflate(self.path, self.sheets[name], limit=_READ))
        root = _ROOT.search(head)
        prefix = root.group(1) if root else b""
        unnumbered = re.compile(b"<" + re.escape(prefix) + rb"row(?=[\s>/])(?![^>]*\br=)")
        return unnumbered.search(head) is None


def _part(target: str) -> str:
    """A relationship target of the workbook as a zip member name."""
    if target.startswith("/"):
        return target.lstrip("/")
    return "xl/" + target


class StreamingSheet:
    """One large sheet, streamed (see the module docstring)."""

    def __init__(self, parts: BookParts, name: str) -> None:
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
        """``(row number from 1, cells)``: every row from the sheet's top, each from
        column A (as python-calamine's ``iter_rows`` gives them, padded on the left)."""
        import python_calamine_plus

        try:
            book = python_calamine_plus.CalamineWorkbook.from_path(str(self.parts.path))
        except Exception as exc:  # noqa: BLE001 - zip, xml and format errors: a damaged file
            raise ImportFileError.from_library(self.parts.path, "truncated", exc) from exc
        try:
            number = 0
            for cells in book.stream_sheet_by_name(self.name):
                number += 1
                yield number, _as_whole_sheet(cells)
        except Exception as exc:  # noqa: BLE001 - calamine raises many types mid-sheet
            raise ImportFileError.from_library(self.parts.path, "truncated", exc) from exc
        finally:
            book.close()

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
        raise ImportFileError.from_library(path, "truncated", exc) from exc


def _as_whole_sheet(cells: list[Any]) -> list[Any]:
    """A streamed row's values as python-calamine gives them (module docstring).

    Looked for in C (the cells' types, a set test), changed in Python only where
    found: a million rows took 2.7 s with a function call per cell, 1.1-1.8 s so.
    """
    types = list(map(type, cells))
    at = -1
    for _ in range(types.count(int)):  # bool is not counted: its type is bool
        at = types.index(int, at + 1)
        cells[at] = float(cells[at])
    if not _ERRORS.isdisjoint(cells):
        cells = ["" if value.__class__ is str and value in _ERRORS else value for value in cells]
    return cells


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
