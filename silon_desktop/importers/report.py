"""The row-by-row report of an import: every data row with its status and reasons.

Good and bad rows alike are kept, numbered as the spreadsheet numbers them, so
an operator (or the pair's team) can find each one in the file they sent.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from silon_desktop.domain.labels import reason_label_id
from silon_desktop.importers.columns import ColumnMapping
from silon_desktop.importers.places import PlaceMatch

STATUSES = ("MS", "BMS", "TMS")
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
        footer_rows: spreadsheet rows skipped as a total under the list
            ("JUMLAH", "TOTAL"): not supporters, never counted.
    """

    path: Path
    sheet: str
    mapping: ColumnMapping
    rows: list[RowResult] = field(default_factory=list)
    places: list[PlaceMatch] = field(default_factory=list)
    late_updates: dict[int, str] = field(default_factory=dict)
    earlier_updates: dict[int, str] = field(default_factory=dict)
    stored: dict[str, int] | None = None
    status_counts: Counter[str] = field(default_factory=Counter)
    code_counts: Counter[str] = field(default_factory=Counter)
    footer_rows: list[int] = field(default_factory=list)

    def add(self, result: RowResult) -> None:
        self.rows.append(result)
        self.status_counts[result.status] += 1
        for code in result.codes:
            self.code_counts[code] += 1

    def update(self, index: int, status: str, codes: list[str]) -> None:
        """Change a row's verdict after the fact, keeping the counts right."""
        result = self.rows[index]
        self.status_counts[result.status] -= 1
        for code in result.codes:
            self.code_counts[code] -= 1
        result.status, result.codes = status, codes
        self.status_counts[status] += 1
        for code in codes:
            self.code_counts[code] += 1

    @property
    def total(self) -> int:
        return len(self.rows)

    def bad_rows(self) -> list[RowResult]:
        """Rows that are not MS, in file order."""
        return [r for r in self.rows if r.status != "MS"]

    def rows_to_review(self) -> list[RowResult]:
        """Rows an operator must look at, in file order: not MS, or MS with a note
        (a value cut to fit its column, a place name found nowhere)."""
        return [r for r in self.rows if r.status != "MS" or r.notes]

    def earlier_duplicates(self) -> int:
        """Rows whose NIK was already in the pair before this file (an earlier part)."""
        return sum(1 for r in self.rows if r.duplicate_of == EARLIER_IMPORT)

    def counts(self) -> dict[str, int]:
        return {status: int(self.status_counts.get(status, 0)) for status in STATUSES}

    def codes(self) -> dict[str, int]:
        return {code: int(n) for code, n in sorted(self.code_counts.items()) if n}

    def write_json(self, target: str | Path | IO[str]) -> None:
        """The JSON array of rows: ``row``, ``nik``, ``status``, ``codes`` (``notes``)."""
        if isinstance(target, str | Path):
            from sync.privacy import open_private

            with open_private(Path(target), "w", encoding="utf-8") as handle:
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
            earlier = self.earlier_duplicates()
            if earlier:
                lines.append(
                    f"NIK yang sudah ada di pasangan ini: {earlier} baris (ditandai ganda)"
                )
            if "withdrawn" in self.stored:
                lines.append(f"Ditarik: {self.stored['withdrawn']} (tidak ada di berkas perbaikan)")
        return lines
