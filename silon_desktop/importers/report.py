"""The row-by-row report of an import: every data row with its status and reasons.

Good and bad rows alike are kept, numbered as the spreadsheet numbers them, so
an operator (or the pair's team) can find each one in the file they sent.
"""

from __future__ import annotations

import json
import operator
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path
from typing import IO, Any, Generic, TypeVar, overload

from silon_desktop.domain.labels import reason_label_id
from silon_desktop.importers.columns import ColumnMapping
from silon_desktop.importers.places import PlaceMatch

STATUSES = ("MS", "BMS", "TMS")
T = TypeVar("T")
#: ``RowResult.duplicate_of`` of a row whose NIK is already in an earlier import of the pair.
EARLIER_IMPORT = -1


@dataclass(slots=True)
class RowResult:
    """One data row: ``row`` is the spreadsheet's row number (1 = top of the sheet),
    ``nik`` as read, ``status`` MS/BMS/TMS, ``codes`` the reason codes, ``notes``
    what the reader had to do or found (``truncated:name``, ``unreadable:birth_date``,
    ``unmatched:desa``, ``ambiguous:kecamatan`` for a name found in several
    places with nothing on the row to tell which, ``empty:occupation`` for a
    required field left empty, ``impossible:birth_date`` for a date that does not
    exist such as 31-02-1980). ``duplicate_of`` is the spreadsheet row this row
    shares its NIK with (the first one; for that first row, the row that made it a
    potential duplicate), :data:`EARLIER_IMPORT` for a row of an earlier import of
    the pair, 0 for none. ``read`` holds, for a row with problems, the cells as
    read of the fields its problems are about (the NIK is ``nik``)."""

    row: int
    nik: str
    status: str
    codes: list[str]
    notes: list[str] = field(default_factory=list)
    duplicate_of: int = 0
    read: dict[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "row": self.row,
            "nik": self.nik,
            "status": self.status,
            "codes": self.codes,
        }
        if self.notes:
            data["notes"] = self.notes
        if self.duplicate_of:
            data["duplicate_of"] = self.duplicate_of
        if self.read:
            data["read"] = self.read
        return data


class RowTable(Sequence[RowResult]):
    """Every row's result, kept in columns: about 25 bytes a row instead of ~180 as
    one object and one NIK string each (a million-row list took 180 MB for this).

    Reading a row (``table[i]``, iterating) gives a :class:`RowResult` made from the
    columns: a copy. Change a row with :meth:`set_verdict` and :meth:`set_duplicate_of`.
    A NIK of 16 digits is kept as a number; any other text as it was read.
    """

    def __init__(self) -> None:
        self._row = array("I")
        self._nik = array("Q")  # int(nik) for a 16-digit NIK, else 0 (text in _nik_text)
        self._nik_text: dict[int, str] = {}
        self._status = array("B")
        self._codes = array("H")
        self._notes = array("I")
        self._duplicate_of = array("i")
        self._read: dict[int, dict[str, str]] = {}
        self._statuses: _Interned[str] = _Interned()
        self._code_lists: _Interned[tuple[str, ...]] = _Interned()
        self._note_lists: _Interned[tuple[str, ...]] = _Interned()
        self._note_lists.index(())  # 0: no notes
        #: status number << 16 | codes number -> rows with that verdict
        self._verdicts: dict[int, int] = {}
        #: (status, *codes) -> (status number, codes number)
        self._numbers: dict[tuple[str, ...], tuple[int, int]] = {}

    def append(self, result: RowResult) -> None:
        self.add(
            result.row,
            result.nik,
            result.status,
            result.codes,
            result.notes,
            result.duplicate_of,
            result.read,
        )

    def add(
        self,
        row: int,
        nik: str,
        status: str,
        codes: Sequence[str],
        notes: Sequence[str],
        duplicate_of: int,
        read: dict[str, str] | None,
    ) -> None:
        """:meth:`append` of a row given by its fields (no :class:`RowResult` made)."""
        index = len(self._row)
        self._row.append(row)
        if len(nik) == 16 and nik[0] != "0" and nik.isascii() and nik.isdigit():
            self._nik.append(int(nik))
        else:
            self._nik.append(0)
            self._nik_text[index] = nik
        numbers = self._numbers.get((status, *codes))
        if numbers is None:
            numbers = (self._statuses.index(status), self._code_lists.index(tuple(codes)))
            self._numbers[(status, *codes)] = numbers
        self._status.append(numbers[0])
        self._codes.append(numbers[1])
        self._notes.append(self._note_lists.index(tuple(notes)) if notes else 0)
        self._duplicate_of.append(duplicate_of)
        if read:
            self._read[index] = read
        key = numbers[0] << 16 | numbers[1]
        verdicts = self._verdicts
        verdicts[key] = verdicts.get(key, 0) + 1

    def add_many(
        self,
        rows: Sequence[int],
        niks: Sequence[str],
        verdicts: Sequence[tuple[str, Sequence[str]]],
        notes: Mapping[int, Sequence[str]],
    ) -> None:
        """:meth:`add` of many rows at once (``notes`` by position; no ``duplicate_of``
        and no ``read`` yet: :meth:`set_duplicate_of`, :meth:`set_read`). About a
        quarter of :meth:`add`'s time a row: a chunk settled by
        :mod:`~silon_desktop.importers.spread` takes its columns whole."""
        start = len(self._row)
        count = len(rows)
        self._row.extend(rows)
        numbers = [
            int(nik) if len(nik) == 16 and nik[0] != "0" and nik.isascii() and nik.isdigit() else 0
            for nik in niks
        ]
        self._nik.extend(numbers)
        if 0 in numbers:
            texts = self._nik_text
            for at in compress(range(count), map(operator.not_, numbers)):
                texts[start + at] = niks[at]
        known: dict[int, tuple[int, int]] = {}
        pairs: list[tuple[int, int]] = []
        for verdict in verdicts:
            pair = known.get(id(verdict))
            if pair is None:
                status, codes = verdict
                pair = self._numbers.get((status, *codes))
                if pair is None:
                    pair = (self._statuses.index(status), self._code_lists.index(tuple(codes)))
                    self._numbers[(status, *codes)] = pair
                known[id(verdict)] = pair
            pairs.append(pair)
        self._status.extend([pair[0] for pair in pairs])
        self._codes.extend([pair[1] for pair in pairs])
        self._notes.extend(array("I", bytes(4 * count)))
        for at, row_notes in notes.items():
            if row_notes:
                self._notes[start + at] = self._note_lists.index(tuple(row_notes))
        self._duplicate_of.extend(array("i", bytes(4 * count)))
        tally = self._verdicts
        for (status_number, codes_number), rows_with in Counter(pairs).items():
            key = status_number << 16 | codes_number
            tally[key] = tally.get(key, 0) + rows_with

    def set_read(self, index: int, read: dict[str, str] | None) -> None:
        """The cells shown for a row's problems (None or empty: none)."""
        if read:
            self._read[index] = read
        else:
            self._read.pop(index, None)

    def __len__(self) -> int:
        return len(self._row)

    @overload
    def __getitem__(self, index: int) -> RowResult: ...
    @overload
    def __getitem__(self, index: slice) -> list[RowResult]: ...
    def __getitem__(self, index: int | slice) -> RowResult | list[RowResult]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self._row):
            raise IndexError(index)
        return RowResult(
            self._row[index],
            self.nik(index),
            self._statuses.value(self._status[index]),
            list(self._code_lists.value(self._codes[index])),
            list(self._note_lists.value(self._notes[index])) if self._notes[index] else [],
            self._duplicate_of[index],
            self._read.get(index),
        )

    def __iter__(self) -> Iterator[RowResult]:
        for index in range(len(self._row)):
            yield self[index]

    def nik(self, index: int) -> str:
        number = self._nik[index]
        return str(number) if number else self._nik_text.get(index, "")

    def indices_of(self, niks: Iterable[str]) -> dict[str, list[int]]:
        """The indices of the rows carrying each of these NIKs (the NIKs found, each
        with its rows in order): one pass over the stored numbers, not a :meth:`nik`
        call per row (the 942 late duplicate flags of a 1.2M-row file were settled in
        0.56 s with a call per row, 0.38 s with this)."""
        wanted = set(niks)
        numbers = {
            int(n) for n in wanted if len(n) == 16 and n[0] != "0" and n.isascii() and n.isdigit()
        }
        found: dict[str, list[int]] = {}
        if numbers:
            for index in [i for i, number in enumerate(self._nik) if number in numbers]:
                found.setdefault(str(self._nik[index]), []).append(index)
        for index, text in sorted(self._nik_text.items()):
            if text in wanted:
                found.setdefault(text, []).append(index)
        return found

    def row_number(self, index: int) -> int:
        return self._row[index]

    def duplicate_of(self, index: int) -> int:
        return self._duplicate_of[index]

    def needs_review(self, index: int) -> bool:
        """Not MS, or MS with a note."""
        return self._statuses.value(self._status[index]) != "MS" or self._notes[index] != 0

    def set_verdict(self, index: int, status: str, codes: Sequence[str]) -> None:
        verdicts = self._verdicts
        old = self._status[index] << 16 | self._codes[index]
        verdicts[old] -= 1
        self._status[index] = self._statuses.index(status)
        self._codes[index] = self._code_lists.index(tuple(codes))
        new = self._status[index] << 16 | self._codes[index]
        verdicts[new] = verdicts.get(new, 0) + 1

    def verdicts(self) -> Iterator[tuple[str, tuple[str, ...], int]]:
        """``(status, codes, rows)`` for every verdict rows have."""
        for key, count in self._verdicts.items():
            if count:
                yield (
                    self._statuses.value(key >> 16),
                    self._code_lists.value(key & 0xFFFF),
                    count,
                )

    def set_duplicate_of(self, index: int, row: int) -> None:
        self._duplicate_of[index] = row


class _Interned(Generic[T]):
    """Distinct values and their numbers, in the order first seen."""

    def __init__(self) -> None:
        self._values: list[T] = []
        self._numbers: dict[T, int] = {}

    def index(self, value: T) -> int:
        number = self._numbers.get(value)
        if number is None:
            number = self._numbers[value] = len(self._values)
            self._values.append(value)
        return number

    def value(self, number: int) -> T:
        return self._values[number]


@dataclass
class ImportReport:
    """What an import (or a validation) found.

    Attributes:
        rows: every data row, in file order.
        places: each distinct place spelling and the region it was matched to.
        late_updates: report index -> code added after the row was first
            handed out (the first row of a potential duplicate).
        earlier_updates: rowid -> duplicate code of a row of an earlier part of
            the pair's list that a row of this file made a duplicate.
        stored: counts written to the database (inserted/updated/unchanged),
            None for a validation without a database.
        earlier_flagged: rows of earlier parts whose stored forecast this file
            changed (``earlier_updates`` that were not flagged so already): not
            in :attr:`rows` or their counts, yet the pair's forecast moved by them.
        footer_rows: spreadsheet rows skipped as no supporter, never counted: a total
            ("JUMLAH", "TOTAL"), a line of the form's closing block (its place and
            date, the names of those who sign).
        outside_share: spreadsheet rows left out because the importing account may
            not write them (a kab/kota importing its province pair's whole list: the
            rows of other kab/kota, or of no kab/kota found): not checked, not
            counted, not stored (the server would refuse them).
    """

    path: Path
    sheet: str
    mapping: ColumnMapping
    rows: RowTable = field(default_factory=RowTable)
    places: list[PlaceMatch] = field(default_factory=list)
    late_updates: dict[int, str] = field(default_factory=dict)
    earlier_updates: dict[int, str] = field(default_factory=dict)
    stored: dict[str, int] | None = None
    earlier_flagged: int = 0
    footer_rows: list[int] = field(default_factory=list)
    outside_share: list[int] = field(default_factory=list)

    def add(self, result: RowResult) -> None:
        self.rows.append(result)

    def update(self, index: int, status: str, codes: list[str]) -> None:
        """Change a row's verdict after the fact (the counts follow)."""
        self.rows.set_verdict(index, status, codes)

    @property
    def status_counts(self) -> Counter[str]:
        """Rows per status."""
        counts: Counter[str] = Counter()
        for status, _codes, rows in self.rows.verdicts():
            counts[status] += rows
        return counts

    @property
    def code_counts(self) -> Counter[str]:
        """Rows per reason code."""
        counts: Counter[str] = Counter()
        for _status, codes, rows in self.rows.verdicts():
            for code in codes:
                counts[code] += rows
        return counts

    @property
    def total(self) -> int:
        return len(self.rows)

    def bad_rows(self) -> list[RowResult]:
        """Rows that are not MS, in file order."""
        return [r for r in self.rows if r.status != "MS"]

    def rows_to_review(self) -> list[RowResult]:
        """Rows an operator must look at, in file order: not MS, or MS with a note
        (a value cut to fit its column, a place name found nowhere)."""
        rows = self.rows
        return [rows[i] for i in range(len(rows)) if rows.needs_review(i)]

    def earlier_duplicates(self) -> int:
        """Rows whose NIK was already in the pair before this file (an earlier part)."""
        rows = self.rows
        return sum(1 for i in range(len(rows)) if rows.duplicate_of(i) == EARLIER_IMPORT)

    def rows_without_nik(self) -> int:
        """Rows with no NIK: counted in the statuses, never stored (nothing to match
        them by on a re-import); the problem list names them."""
        rows = self.rows
        return sum(1 for i in range(len(rows)) if not rows.nik(i))

    def counts(self) -> dict[str, int]:
        return {status: int(self.status_counts.get(status, 0)) for status in STATUSES}

    def codes(self) -> dict[str, int]:
        return {code: int(n) for code, n in sorted(self.code_counts.items()) if n}

    def write_json(self, target: str | Path | IO[str]) -> None:
        """The JSON array of rows: ``row``, ``nik``, ``status``, ``codes`` (``notes``); a
        file is written whole or not at all (an earlier one of that name kept until then)."""
        if isinstance(target, str | Path):
            from sync.privacy import open_private, written_whole

            with (
                written_whole(Path(target)) as partial,
                open_private(partial, "w", encoding="utf-8") as handle,
            ):
                self._dump(handle)
        else:
            self._dump(target)

    def _dump(self, handle: IO[str]) -> None:
        handle.write("[")
        for i, result in enumerate(self.rows):
            handle.write(",\n" if i else "\n")
            handle.write(json.dumps(result.to_json(), ensure_ascii=False))
        handle.write("\n]\n")

    def summary_lines(self) -> list[str]:
        """A short plain-text summary (counts per status and per code, place matches)."""
        lines = [
            f"Berkas: {self.path.name} (lembar {self.sheet!r}, "
            f"baris judul {', '.join(map(str, self.mapping.header_rows))})",
            f"Baris data: {self.total}",
        ]
        lines += [f"  {status}: {n}" for status, n in self.counts().items()]
        codes = self.codes()
        if codes:
            lines.append("Alasan:")
            lines += [f"  {reason_label_id(code)}: {n}" for code, n in codes.items()]
        fuzzy = [m for m in self.places if m.score < 100]
        if fuzzy:
            lines.append("Nama wilayah yang dicocokkan (tidak persis):")
            for match in fuzzy[:50]:
                target = (
                    f"{match.code} {match.name} (skor {match.score:.0f})"
                    if match.code
                    else match.name or "tidak ditemukan"
                )
                lines.append(f"  {match.text!r} -> {target}")
        if self.stored is not None:
            lines.append(
                "Disimpan: {inserted} baru, {updated} diperbarui, {unchanged} tidak berubah".format(
                    **self.stored
                )
            )
            unstored = self.rows_without_nik()
            if unstored:
                lines.append(f"Tidak disimpan: {unstored} baris tanpa NIK (ada di daftar masalah)")
            earlier = self.earlier_duplicates()
            if earlier:
                lines.append(
                    f"NIK yang sudah ada di pasangan ini: {earlier} baris (ditandai ganda)"
                )
            if self.earlier_flagged:
                lines.append(
                    f"Baris lama di pasangan ini yang kini ditandai ganda: {self.earlier_flagged}"
                )
            if "withdrawn" in self.stored:
                lines.append(f"Ditarik: {self.stored['withdrawn']} (tidak ada di berkas perbaikan)")
        if self.footer_rows:
            lines.append(footer_text(self.footer_rows))
        if self.outside_share:
            lines.append(outside_share_text(self.outside_share))
        return lines


def outside_share_text(rows: Sequence[int]) -> str:
    """The line saying which rows were left out as outside the account's area."""
    ranges, more = row_ranges(rows)
    listed = f"{ranges} (dan {more} rentang lain)" if more else ranges
    return (
        f"Tidak disimpan: {len(rows)} baris di luar wilayah Anda (kab/kota lain, atau "
        f"kab/kotanya tidak dikenali; tidak diperiksa dan tidak dihitung): baris {listed}"
    )


def footer_text(rows: Sequence[int]) -> str:
    """The line saying which rows under the list were skipped as no supporter."""
    ranges, more = row_ranges(rows)
    listed = f"{ranges} (dan {more} rentang lain)" if more else ranges
    return (
        "Baris di bawah daftar yang bukan pendukung (jumlah/total, tempat dan tanggal, "
        f"tanda tangan) tidak dihitung: baris {listed}"
    )


#: Ranges of rows a list of row numbers names before "and N more".
RANGES_SHOWN = 20


def row_ranges(rows: Sequence[int], shown: int = RANGES_SHOWN) -> tuple[str, int]:
    """Spreadsheet row numbers (in file order) as ranges, "3, 6, 10-250" (the first
    ``shown``), and how many ranges more: a kab/kota's share of a province's sorted
    list leaves a few long runs of other rows."""
    ranges: list[tuple[int, int]] = []
    for row in rows:
        if ranges and row == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], row)
        else:
            ranges.append((row, row))
    text = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in ranges[:shown])
    return text, max(0, len(ranges) - shown)
