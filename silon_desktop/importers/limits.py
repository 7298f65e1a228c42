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
   spreadsheet's own limits) are refused.

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
_CHUNK = 1024 * 1024
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"'
)
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
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
    except (zipfile.BadZipFile, zlib.error, EOFError, struct.error) as exc:
        raise ImportFileError(path, "truncated", str(exc)) from exc
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


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - ord("A") + 1)
    return number
