"""Spreadsheets whose declared or inflated size is absurd, refused before memory is taken.

Issue #14: a 1.7 KB XLSX made the reader ask for 22.4 GB and the application
aborted. XLSX and ODS files are zip archives: a tiny file can declare (or inflate
to) gigabytes, and calamine sizes a sheet's cell grid by the ``<dimension>`` the
sheet declares. Before calamine sees a zip workbook, :func:`check_workbook`

1. reads the zip directory: too many members, a member (or all together)
   declaring more than :data:`MAX_INFLATED_BYTES`, or a compression ratio no
   spreadsheet reaches (:data:`MAX_RATIO`) are refused;
2. inflates every member once through a bounded streaming decompressor, a chunk
   at a time, and stops as soon as it yields more than the member declared (a
   directory that lies about the sizes);
3. reads the head of every XLSX worksheet for its ``<dimension ref="A1:XFD1048576">``:
   more than :data:`MAX_DECLARED_CELLS` cells (or rows/columns beyond a
   spreadsheet's own limits) are refused;
4. streams an ODS's ``content.xml`` for its repeat attributes: a row holding a
   value and declared ``table:number-rows-repeated="1000000"`` is copied that many
   times by calamine (a 0.8 KB file asked for 640 MB and aborted the process), as
   is a cell with a value and ``table:number-columns-repeated``. The copies such
   repeats make are added up (a repeated row's width up to its last value) and
   refused beyond :data:`MAX_REPEATED_CELLS` plus one per 16 bytes of
   ``content.xml`` (a real list repeats little: two equal neighbouring cells; every
   cell written out costs dozens of bytes) or the row/column limits. Repeated rows
   and cells without a value (what LibreOffice writes after the last row) cost
   calamine nothing and pass.

An XLS (OLE) file is read whole by calamine: it is refused when the file itself is
larger than :data:`MAX_XLS_BYTES` (a real XLS holds at most 65,536 rows).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections import deque
from pathlib import Path
from typing import BinaryIO

from silon_desktop.importers.errors import ImportFileError

#: the parts of one workbook together, inflated (a 1.2 million row list is ~1 GB of XML)
MAX_INFLATED_BYTES = 2 * 1024**3
#: inflated over compressed size of one member; spreadsheet XML reaches ~30, rarely 100
MAX_RATIO = 200
#: a member may exceed MAX_RATIO when it is this small inflated (an empty styles part)
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_MEMBERS = 10_000
#: cells one sheet may declare: 1.2 million supporters by 30 columns, with room
MAX_DECLARED_CELLS = 40_000_000
MAX_ROWS = 1_048_576  # Excel's own limits
MAX_COLUMNS = 16_384
MAX_XLS_BYTES = 256 * 1024**2
#: what :func:`check_workbook` keeps of the end of each worksheet (its merged cells)
TAIL_BYTES = 4 * 1024 * 1024
#: copies of cells with values an ODS's repeat attributes may make, beyond one per
#: 16 bytes of its content.xml
MAX_REPEATED_CELLS = 1_000_000
_CHUNK = 1024 * 1024
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"'
)
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
_ODS_CONTENT = "content.xml"
#: a repeat attribute (of a row, a cell or a column definition)
_ODS_ATTRIBUTE = re.compile(rb'table:number-(rows|columns)-repeated="(\d{1,12})"')
_ODS_CELL_TAG = re.compile(rb"<table:(?:covered-)?table-cell\b")
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b([^>]*?)(/?)>")
_ODS_COLUMNS = re.compile(rb'table:number-columns-repeated="(\d{1,12})"')
_ODS_ROW_END = b"</table:table-row>"
_ODS_CELL_END = b"</table:table-cell>"
#: how long one repeated row's XML may be (a real row is a few KB)
_ODS_MAX_ROW_BYTES = 1024 * 1024
_LOCAL_HEADER = struct.Struct("<4s22xHH")
_LOCAL_SIGNATURE = b"PK\x03\x04"


def check_workbook(path: Path, head: bytes) -> dict[str, bytes]:
    """Refuse ``path`` when its declared or inflated size is absurd (module docstring).

    Returns:
        For each worksheet part, the last bytes it inflated to (up to
        :data:`TAIL_BYTES`): what follows a sheet's rows (its merged cells), so a
        sheet read a part at a time need not be inflated again to find them.

    Raises:
        ImportFileError: ``too_large`` (the detail says what), or ``truncated``
            when the zip directory itself cannot be read.
    """
    if head.startswith(_LOCAL_SIGNATURE):
        return _check_zip(path)
    if path.stat().st_size > MAX_XLS_BYTES:
        raise ImportFileError(path, "too_large", f"{path.stat().st_size:,} byte")
    return {}


def _check_zip(path: Path) -> dict[str, bytes]:
    tails: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_directory(path, members)
            with open(path, "rb") as raw:
                for member in members:
                    sheet = bool(_SHEET_PART.fullmatch(member.filename))
                    tail = _inflate_bounded(path, raw, member, TAIL_BYTES if sheet else 0)
                    if sheet:
                        tails[member.filename] = tail
            for member in members:
                if _SHEET_PART.fullmatch(member.filename):
                    _check_dimension(path, archive, member)
                elif member.filename == _ODS_CONTENT:
                    _check_ods_repeats(path, archive, member)
    except (zipfile.BadZipFile, zlib.error, EOFError, struct.error) as exc:
        raise ImportFileError.from_library(path, "truncated", exc) from exc
    return tails


def _check_directory(path: Path, members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise ImportFileError(path, "too_large", f"{len(members):,} bagian")
    total = 0
    for member in members:
        total += member.file_size
        if total > MAX_INFLATED_BYTES:
            raise ImportFileError(path, "too_large", f"{total:,} byte setelah dibuka")
        if member.file_size > RATIO_FLOOR_BYTES and (
            member.file_size > MAX_RATIO * max(member.compress_size, 1)
        ):
            raise ImportFileError(
                path, "too_large", f"{member.filename}: {member.file_size:,} byte setelah dibuka"
            )


def _inflate_bounded(path: Path, raw: BinaryIO, member: zipfile.ZipInfo, tail: int = 0) -> bytes:
    """Inflate ``member`` chunk by chunk; refuse it when it yields more than declared.
    Returns the last ``tail`` bytes it inflated to (b"" for a stored member: its bytes
    are read where they are)."""
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ImportFileError(path, "not_spreadsheet", f"{member.filename}: compression")
    raw.seek(member.header_offset)
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(raw.read(_LOCAL_HEADER.size))
    if signature != _LOCAL_SIGNATURE:
        raise zipfile.BadZipFile(f"{member.filename}: bad local header")
    raw.seek(name_length + extra_length, 1)
    left = member.compress_size
    if member.compress_type == zipfile.ZIP_STORED:
        if left != member.file_size:
            raise zipfile.BadZipFile(f"{member.filename}: sizes differ")
        return b""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    allowed = member.file_size
    last: deque[bytes] = deque()
    kept = 0
    while left > 0 and not inflater.eof:
        chunk = raw.read(min(_CHUNK, left))
        if not chunk:
            raise EOFError(member.filename)
        left -= len(chunk)
        data = chunk
        while data and not inflater.eof:
            # Never more than one chunk of output at a time: memory stays bounded.
            out = inflater.decompress(data, _CHUNK)
            produced += len(out)
            if tail and out:
                last.append(out)
                kept += len(out)
                while kept - len(last[0]) >= tail:
                    kept -= len(last.popleft())
            if produced > allowed:
                raise ImportFileError(
                    path, "too_large", f"{member.filename}: lebih dari {allowed:,} byte"
                )
            data = inflater.unconsumed_tail
    return b"".join(last)[-tail:] if tail else b""


def _check_dimension(path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    with archive.open(member) as part:
        head = part.read(16 * 1024)
    found = _DIMENSION.search(head)
    if found is None:
        return  # no declaration: calamine sizes the grid by the cells themselves
    first_col, first_row = _column(found.group(1)), int(found.group(2))
    last_col = _column(found.group(3)) if found.group(3) else first_col
    last_row = int(found.group(4)) if found.group(4) else first_row
    rows = last_row - min(first_row, last_row) + 1
    columns = last_col - min(first_col, last_col) + 1
    if last_row > MAX_ROWS or last_col > MAX_COLUMNS or rows * columns > MAX_DECLARED_CELLS:
        ref = found.group(0).decode("ascii", "replace").split('"')[1]
        raise ImportFileError(path, "too_large", f"lembar menyatakan ukuran {ref}")


def _check_ods_repeats(path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Refuse an ODS whose repeated rows and cells with values make too many copies.

    Only the repeat attributes are searched for (a literal scan); the tag around
    each is read back, and a repeated row's cells up to its end tag.
    """
    allowed = MAX_REPEATED_CELLS + member.file_size // 16
    declared = 0  # copies of cells the repeats make calamine build
    rows = 0  # rows the repeats declare
    buffer = b""
    with archive.open(member) as part:
        done = False
        while not done:
            chunk = part.read(_CHUNK)
            done = not chunk
            buffer += chunk
            position = 0  # everything before it is settled
            resume: int | None = None  # a tag to read again with the next chunk
            while True:
                found = _ODS_ATTRIBUTE.search(buffer, position)
                if found is None:
                    break
                start = max(buffer.rfind(b"<", position, found.start()), position)
                close = buffer.find(b">", found.end())
                if close < 0:
                    if done:
                        raise ImportFileError(path, "truncated", "content.xml")
                    resume = start
                    break  # the tag goes on in the next chunk
                tag = buffer[start : close + 1]
                count = int(found.group(2))
                if found.group(1) == b"rows" and tag.startswith(b"<table:table-row"):
                    end = buffer.find(_ODS_ROW_END, close)
                    if end < 0:
                        if done or len(buffer) - start > _ODS_MAX_ROW_BYTES:
                            raise ImportFileError(path, "too_large", "baris berulang tanpa akhir")
                        resume = start
                        break  # read on to the row's end
                    width = _ods_row_width(buffer[close + 1 : end])
                    if width:  # a row with a value: calamine makes every copy
                        rows += count
                        declared += (count - 1) * width
                    position = end + len(_ODS_ROW_END)
                elif found.group(1) == b"columns" and _ODS_CELL_TAG.match(tag):
                    after = close + 1
                    if not done and len(buffer) - after < len(_ODS_CELL_END):
                        resume = start
                        break  # whether the cell is empty shows in the next chunk
                    if _ods_cell_has_value(tag, tag.endswith(b"/>"), buffer, after):
                        if count > MAX_COLUMNS:
                            raise ImportFileError(
                                path, "too_large", f"sel berulang {count:,} kolom"
                            )
                        declared += count - 1
                    position = after
                else:  # a column definition (table:table-column) and the like
                    position = close + 1
                if rows > MAX_ROWS or declared > allowed:
                    raise ImportFileError(
                        path, "too_large", f"baris berulang menyatakan {declared:,} sel"
                    )
            if resume is not None:
                buffer = buffer[resume:]
            else:  # from the last tag, which may be cut (a tag is far shorter than 64 KB)
                keep = buffer.rfind(b"<", max(position, len(buffer) - 65_536))
                buffer = buffer[keep:] if keep >= 0 else b""


def _ods_row_width(row: bytes) -> int:
    """The columns of a row up to its last cell with a value (0: a row with none)."""
    width = last = 0
    for cell in _ODS_CELL.finditer(row):
        repeat = _ODS_COLUMNS.search(cell.group(1))
        columns = int(repeat.group(1)) if repeat else 1
        width += columns
        if _ods_cell_has_value(cell.group(0), cell.group(2), row, cell.end()):
            last = width
    return last


def _ods_cell_has_value(tag: bytes, self_closing: bytes | bool, text: bytes, after: int) -> bool:
    """Whether a cell holds something (a typed value, or content before its end tag)."""
    if b"office:value-type" in tag:
        return True
    if self_closing:
        return False
    return not text.startswith(_ODS_CELL_END, after)


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - ord("A") + 1)
    return number
