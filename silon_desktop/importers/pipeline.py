"""The import pipeline: read, map, clean, match places, validate, classify duplicates.

:func:`validate_file` streams a supporter list and returns a
:class:`~silon_desktop.importers.report.ImportReport` with every data row (good
and bad, in file order, numbered as in the spreadsheet). ``on_batch`` receives
the rows in batches as they are validated, with the cleaned supporter fields,
so :mod:`silon_desktop.importers.store` can write them while the file is still
being read: only a batch of cleaned rows lives in memory at a time, plus the
lean per-row report.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from silon_desktop.domain.codes import REASON_ORDER, ReasonCode
from silon_desktop.domain.errors import CodedError, ErrorCode
from silon_desktop.domain.levels import SUPPORTER_PLACES, writable
from silon_desktop.domain.supporters import DuplicateTracker
from silon_desktop.gc_tuning import fewer_collections
from silon_desktop.importers import checks
from silon_desktop.importers.columns import ColumnMapping, detect_mapping
from silon_desktop.importers.errors import ImportFileError
from silon_desktop.importers.places import Place, PlaceMatch, PlaceMatcher
from silon_desktop.importers.readers import MergedRange, Sheet, open_workbook
from silon_desktop.importers.report import EARLIER_IMPORT, ImportReport
from silon_desktop.importers.rows import ParsedRow, RowParser

log = logging.getLogger(__name__)

BATCH_SIZE = 2000


class ImportCancelled(CodedError):
    """The operator cancelled; nothing was kept."""

    default_code = ErrorCode.IMPORT_CANCELLED


@dataclass(slots=True)
class ValidatedRow:
    """A validated row handed to ``on_batch``: its spreadsheet row number and its
    cleaned fields (with ``check_status`` and ``check_reasons``; the report has the
    rest)."""

    row: int
    values: dict[str, Any]


@dataclass
class ImportOptions:
    """How to read and check a file.

    Attributes:
        region: the election's region code (kab/kota or province).
        reference_date: the date ages are counted at (the support deadline).
        rule_set: the election's rule set id (None: the default one).
        mapping: a mapping chosen by the operator (skips detection).
        hints: header text -> field from a saved mapping, used by detection.
        batch_size: rows per ``on_batch`` call.
        assume_id_scan: rows count as having their ID card scan (else NO_ID_SCAN).
        earlier: the rows already in the pair when this file is a further part of
            its list: ``(rowid, nik, name, birth_date, marital_status)`` each, read
            once before the file. Their
            NIKs count for duplicates like the file's own rows; an earlier row a
            new row makes a duplicate is listed in ``report.earlier_updates``.
        account_scope: the importing account's region ("": no limit). A row the
            account may not write into ``pair_scope`` (:func:`domain.levels.writable`:
            a kab/kota's import of its province pair's whole list, a row of another
            kab/kota) is left out, as the server would refuse it: not checked, not
            handed on, its spreadsheet row listed in ``report.outside_share``.
        pair_scope: the scope of the pair's records (with ``account_scope``).
    """

    region: str
    reference_date: dt.date
    rule_set: str | None = None
    mapping: ColumnMapping | None = None
    hints: dict[str, str] | None = None
    batch_size: int = BATCH_SIZE
    assume_id_scan: bool = False
    earlier: Callable[[], Iterable[tuple[int, str, str, Any, str]]] | None = None
    account_scope: str = ""
    pair_scope: str = ""


#: Tracker index of an earlier row of the pair: this plus its rowid (file rows stay below).
EARLIER_BASE = 1 << 31

BatchFn = Callable[[Sequence[ValidatedRow]], None]
ProgressFn = Callable[[int, int], None]


def preview(
    path: str | Path, hints: dict[str, str] | None = None, sample_rows: int = 10
) -> tuple[ColumnMapping, list[tuple[int, list[Any]]]]:
    """The detected mapping and the first data rows, for the wizard's preview.

    Raises:
        ImportFileError: the file cannot be read or has no header.
    """
    book = open_workbook(path)
    try:
        sheet, mapping = detect_mapping(book, hints)
        sample: list[tuple[int, list[Any]]] = []
        rows = merged_down(sheet.rows(), sheet.merged_ranges(), mapping.first_data_row)
        for number, cells in rows:
            if number < mapping.first_data_row:
                continue
            sample.append((number, [_display(c) for c in cells]))
            if len(sample) >= sample_rows:
                break
        return mapping, sample
    finally:
        book.close()


def validate_file(
    path: str | Path,
    options: ImportOptions,
    *,
    on_batch: BatchFn | None = None,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    read_rows: Callable[[Sheet], Iterable[tuple[int, list[Any]]]] | None = None,
) -> ImportReport:
    """Read and validate every data row of a supporter list.

    Args:
        path: XLSX, XLS, ODS or CSV.
        options: region, reference date, rule set, mapping.
        on_batch: called with each batch of validated rows (the importer's writer).
        progress: called as ``(rows done, rows expected)`` (expected may be 0 for CSV).
        cancel: set it to stop; :class:`ImportCancelled` is raised at the next row.
        read_rows: how the sheet's rows are read for the pass over them (default
            ``sheet.rows()``; a validating process reads a large sheet in a
            process of its own: :func:`silon_desktop.importers.parallel.rows_read_aside`).

    Raises:
        ImportFileError: the file cannot be read as a supporter list.
        ImportCancelled: ``cancel`` was set.
    """
    book = open_workbook(path)
    try:
        if options.mapping is not None:
            sheet = book.sheet(options.mapping.sheet or book.sheet_names[0])
            mapping = options.mapping
        else:
            sheet, mapping = detect_mapping(book, options.hints)
        missing = mapping.missing()
        if missing:
            raise ImportFileError(path, "no_header", ", ".join(missing))
        kind: type[_Run] = _Run
        if on_batch is None and read_rows is None and not options.account_scope:
            # Validation only (no writer to feed): a large list is checked on every core.
            from silon_desktop.importers import spread

            if spread.wanted(path):
                kind = spread.SpreadRun
        run = kind(Path(path), mapping, options, on_batch, progress, cancel)
        rows = sheet.rows() if read_rows is None else read_rows(sheet)
        rows = merged_down(rows, sheet.merged_ranges(), mapping.first_data_row)
        try:
            with fewer_collections():
                run.go(rows, _expected_rows(sheet))
        finally:
            run.close()
        return run.report
    finally:
        book.close()


def merged_down(
    rows: Iterable[tuple[int, list[Any]]], merged: Sequence[MergedRange], first_data_row: int
) -> Iterable[tuple[int, list[Any]]]:
    """``rows`` with a value merged over several data rows (a desa and its kecamatan
    written once beside all the supporters living there) read on each of them, as
    the sheet shows it; the file holds it on the first row only."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for top, left, bottom, _right in merged:
        if bottom > top and top + 1 >= first_data_row:
            spans.setdefault(top + 1, []).append((bottom + 1, left))
    return _filled_down(rows, spans) if spans else rows


def _filled_down(
    rows: Iterable[tuple[int, list[Any]]], spans: dict[int, list[tuple[int, int]]]
) -> Iterator[tuple[int, list[Any]]]:
    """:func:`merged_down` of ``spans``: first row number -> (last row number, column)."""
    active: list[tuple[int, int, Any]] = []  # (last row number, column, value)
    for number, cells in rows:
        if active:
            active = [span for span in active if span[0] >= number]
            if active:
                width = max(column for _, column, _ in active) + 1
                cells = [*cells, *([""] * (width - len(cells)))]
                for _, column, value in active:
                    cells[column] = value
        for last, column in spans.get(number, ()):
            active.append((last, column, cells[column] if column < len(cells) else ""))
        yield number, cells


def _expected_rows(sheet: Sheet) -> int:
    return sheet.height


#: Bytes of a CSV file per row, about, for the duplicate index's room (a B.1-KWK
#: row takes about 125; fewer bytes make more room than needed, never less).
_CSV_ROW_BYTES = 100


def _rows_in_size(path: Path) -> int:
    """About how many rows a file of this size holds (0: unknown)."""
    try:
        return path.stat().st_size // _CSV_ROW_BYTES
    except OSError:
        return 0


class _Run:
    """One pass over a sheet (state of duplicates and place matches)."""

    def __init__(
        self,
        path: Path,
        mapping: ColumnMapping,
        options: ImportOptions,
        on_batch: BatchFn | None,
        progress: ProgressFn | None,
        cancel: threading.Event | None,
    ) -> None:
        self.parser = RowParser(mapping, options.reference_date)
        self.places = PlaceMatcher(options.region)
        self.checker = checks.RowChecker(
            options.region, options.reference_date, options.rule_set, options.assume_id_scan
        )
        self.duplicates = DuplicateTracker()
        self.on_batch = on_batch
        self.progress = progress
        self.cancel = cancel
        self.batch_size = max(1, options.batch_size)
        self.report = ImportReport(path=path, sheet=mapping.sheet, mapping=mapping)
        self._account_scope = options.account_scope
        self._pair_scope = options.pair_scope
        #: report index -> duplicate code for rows already handed to ``on_batch``
        self.late_flags: dict[int, str] = {}
        #: rowid -> duplicate code for rows of earlier parts a row of this file flagged
        self.earlier_flags: dict[int, str] = {}
        if options.earlier is not None:
            self._remember_earlier(options.earlier())
        self._add_duplicate = self.duplicates.add_fields
        self._batch: list[ValidatedRow] = []
        self._batch_start = 0
        self._code_fields: dict[int, bool] = {}
        #: rows in the report so far (the next row's index)
        self._count = 0

    def _remember_earlier(self, rows: Iterable[tuple[int, str, str, Any, str]]) -> None:
        """Feed the pair's earlier rows to the duplicate tracker (their flags among
        themselves were settled when they were imported)."""
        add = self.duplicates.add_fields
        for rowid, nik, name, birth_date, marital in rows:
            add(EARLIER_BASE + rowid, nik, name, birth_date, marital)

    def go(self, rows: Any, expected: int) -> None:
        first_data = self.report.mapping.first_data_row
        parser = self.parser
        cancel = self.cancel
        nik_col = self.report.mapping.columns.get("nik", -1)
        size = self.batch_size
        # Room for the sheet's rows in the duplicate index at once (no doubling); a
        # CSV file declares no height: estimated from its size.
        self.duplicates.reserve(expected or _rows_in_size(self.report.path))
        chunk: list[tuple[int, list[Any]]] = []
        for number, cells in rows:
            if number < first_data:
                continue
            # A NIK of six digits or more: neither blank nor a total (one C call).
            nik = cells[nik_col] if 0 <= nik_col < len(cells) else None
            plain = nik.__class__ is str and len(nik) >= 6 and nik.isdigit()
            if not plain and parser.is_blank(cells):
                continue
            if cancel is not None and cancel.is_set():
                raise ImportCancelled()
            if not plain and parser.is_footer(cells):
                self.report.footer_rows.append(number)
                continue
            chunk.append((number, cells))
            if len(chunk) >= size:
                self._take(chunk, expected)
                chunk = []
        self._take(chunk, expected)
        self._drain(expected)
        self._finish_duplicates()
        self.report.places = self._place_matches()
        if not self.report.rows and not self.report.outside_share:
            raise ImportFileError(self.report.path, "empty")

    def _take(self, chunk: list[tuple[int, list[Any]]], expected: int) -> None:
        """Validate a batch of rows (read a column at a time) and hand it on."""
        row = self._row
        batch = self._batch
        outside = self._outside_share if self._account_scope else None
        for parsed, (_, cells) in zip(self.parser.parse_many(chunk), chunk, strict=True):
            if outside is not None and outside(parsed):
                self.report.outside_share.append(parsed.row)
                continue
            batch.append(row(parsed, cells))
        self._flush(expected)

    def _outside_share(self, parsed: ParsedRow) -> bool:
        """Whether the importing account may not write the row (the server refuses it)."""
        place = self.places.place(parsed.kabkota, parsed.kecamatan, parsed.desa)
        fields = {
            "kabkota_code": place.kabkota_code,
            "kecamatan_code": place.kecamatan_code,
            "desa_code": place.desa_code,
        }
        return not writable(
            self._account_scope, "supporter", self._pair_scope, fields, SUPPORTER_PLACES
        )

    def _drain(self, expected: int) -> None:
        """Settle the rows still being checked elsewhere (none here)."""

    def _place_matches(self) -> list[PlaceMatch]:
        return self.places.matches

    def close(self) -> None:
        """Release what the run holds beside its report (nothing here)."""

    def _flush(self, expected: int) -> None:
        if self._batch and self.on_batch is not None:
            self.on_batch(self._batch)
        self._batch = []
        self._batch_start = len(self.report.rows)
        if self.progress is not None:
            self.progress(len(self.report.rows) + len(self.report.outside_share), expected)

    def _row(self, parsed: ParsedRow, cells: Sequence[Any]) -> ValidatedRow:
        place = self.places.place(parsed.kabkota, parsed.kecamatan, parsed.desa)
        values = parsed.values
        values["kabkota_code"] = place.kabkota_code
        values["kecamatan_code"] = place.kecamatan_code
        values["desa_code"] = place.desa_code
        # Rows share one list per combination of codes (never mutated: a change
        # makes a new list), which keeps a million-row report small.
        (status, codes), row, empty, domain_notes = self.checker.check(parsed, place)
        rows = self.report.rows
        index = self._count
        self._count = index + 1
        duplicate_of = 0
        flagged_rows = self._add_duplicate(
            index, row.nik, row.name, row.birth_date, row.marital_status
        )
        if flagged_rows:
            status, codes, duplicate_of = self._duplicates(
                index, parsed.row, row.nik, flagged_rows, status, codes
            )
        notes = _NO_NOTES
        if (
            parsed.unreadable
            or parsed.truncated
            or place.unmatched
            or place.ambiguous
            or empty
            or domain_notes
        ):
            notes = row_notes(parsed, place, empty, domain_notes)
        read = None
        shows = self._code_fields.get(id(codes))
        if shows is None:
            shows = self._shows_cells(codes)
        if notes or (status != "MS" and shows):
            read = self._read(cells, codes, notes) or None
        values["check_status"] = status
        values["check_reasons"] = codes
        rows.add(parsed.row, parsed.nik_raw, status, codes, notes, duplicate_of, read)
        return ValidatedRow(parsed.row, values)

    def _duplicates(
        self,
        index: int,
        number: int,
        nik: str,
        flagged_rows: list[tuple[int, ReasonCode]],
        status: str,
        codes: list[str],
    ) -> tuple[str, list[str], int]:
        """Apply the flags a row's NIK set: this row's status, codes and
        ``duplicate_of``; earlier rows are changed (or remembered) here."""
        duplicate_of = 0
        rows = self.report.rows
        for flagged, code in flagged_rows:
            if flagged == index:
                status, codes = self.checker.judge(_with_duplicate(codes, code.value))
                duplicate_of = self._first_row_of(nik, index)
            elif flagged >= EARLIER_BASE:
                self.earlier_flags[flagged - EARLIER_BASE] = code.value
            else:
                self._flag_earlier(flagged, code.value)
                if not rows.duplicate_of(flagged):
                    rows.set_duplicate_of(flagged, number)
        return status, codes, duplicate_of

    def _shows_cells(self, codes: list[str]) -> bool:
        """Whether a reason of ``codes`` is about fields whose cells the problem list
        shows. ``codes`` is one of the checker's shared lists (alive and unchanged for
        the run), so it is remembered by identity."""
        known = self._code_fields.get(id(codes))
        if known is None:
            known = self._code_fields[id(codes)] = any(code in _CODE_FIELDS for code in codes)
        return known

    def _first_row_of(self, nik: str, index: int) -> int:
        """The spreadsheet row a duplicate repeats (EARLIER_IMPORT: an earlier import)."""
        first = self.duplicates.first_index(nik)
        if first is None or first == index:
            return 0
        if first >= EARLIER_BASE:
            return EARLIER_IMPORT
        return self.report.rows.row_number(first)

    def _read(self, cells: Sequence[Any], codes: list[str], notes: list[str]) -> dict[str, str]:
        """The cells as read of the fields a row's problems are about."""
        fields = [n.partition(":")[2] for n in notes if n.partition(":")[0] in _VALUE_NOTES]
        for code in codes:
            fields.extend(_CODE_FIELDS.get(code, ()))
        columns = self.report.mapping.columns
        read: dict[str, str] = {}
        for name in fields:
            col = columns.get(name, -1)
            if col < 0 and name in ("birth_place", "birth_date"):
                col = columns.get("birth_place_date", -1)
            if col < 0 and name in ("rt", "rw"):
                col = columns.get("rt_rw", -1)
            if 0 <= col < len(cells) and name not in read:
                read[name] = _display(cells[col])
        return read

    def _flag_earlier(self, index: int, code: str) -> None:
        """A later row made an earlier one a duplicate: fix it, or remember to."""
        result = self.report.rows[index]
        status, codes = self.checker.judge(_with_duplicate(result.codes, code))
        self.report.update(index, status, codes)
        if index >= self._batch_start:
            if self._batch:  # the values handed to ``on_batch`` (none in a SpreadRun)
                values = self._batch[index - self._batch_start].values
                values["check_status"] = status
                values["check_reasons"] = codes
        else:
            self.late_flags[index] = code

    def _finish_duplicates(self) -> None:
        self.report.late_updates = dict(self.late_flags)
        self.report.earlier_updates = dict(self.earlier_flags)


#: Notes about a value that is in the row (its cell is shown in the problem list).
_VALUE_NOTES = frozenset({"unreadable", "impossible", "truncated", "unmatched", "ambiguous"})
#: Reason codes -> the fields whose cells show the problem (the NIK is always shown).
_CODE_FIELDS: dict[str, tuple[str, ...]] = {
    ReasonCode.NIK_MISMATCH.value: ("birth_date", "sex"),
    ReasonCode.UNDERAGE.value: ("birth_date", "marital_status"),
    ReasonCode.OUTSIDE_REGION.value: ("kabkota", "kecamatan", "desa"),
    ReasonCode.BANNED_OCCUPATION.value: ("occupation",),
    ReasonCode.DUPLICATE_POTENTIAL.value: ("name", "birth_date"),
}


def row_notes(
    parsed: ParsedRow, place: Place, empty: tuple[str, ...], domain_notes: tuple[str, ...]
) -> list[str]:
    """What the problem list notes about a row (called only for a row with something
    to note: a value unreadable, cut or not found, a required field empty, the
    domain's notes)."""
    notes = list(domain_notes)
    notes += [
        f"{'impossible' if f in parsed.impossible else 'unreadable'}:{f}" for f in parsed.unreadable
    ]
    notes += [f"truncated:{f}" for f in parsed.truncated]
    notes += [f"unmatched:{f}" for f in place.unmatched]
    notes += [f"ambiguous:{f}" for f in place.ambiguous]
    # A required field left empty (one present but unreadable or not found is
    # said above already; an ambiguous place leaves the codes around it empty,
    # which its note says).
    said = {*parsed.unreadable, *place.unmatched}
    if place.ambiguous:
        said.update(_PLACE_FIELDS)
    notes += [f"empty:{f}" for f in empty if f not in said]
    return notes


#: The place columns (their codes are found together).
_PLACE_FIELDS = ("kabkota", "kecamatan", "desa")
#: Shared by every row without notes (never mutated).
_NO_NOTES: list[str] = []


def _with_duplicate(codes: list[str], code: str) -> list[str]:
    """``codes`` with ``code`` as its one duplicate reason, in canonical order."""
    kept = [c for c in codes if c not in _DUPLICATE_CODES]
    kept.append(code)
    return sorted(kept, key=REASON_ORDER.__getitem__)


def with_duplicate(codes: list[str], code: str) -> list[str]:
    """``codes`` with ``code`` as its one duplicate reason (a row of an earlier part)."""
    return _with_duplicate(codes, code)


_DUPLICATE_CODES = frozenset(
    {ReasonCode.DUPLICATE_IDENTICAL.value, ReasonCode.DUPLICATE_POTENTIAL.value}
)


def _display(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime | dt.date):
        return cell.strftime("%d-%m-%Y")
    return str(cell)[:200]


__all__ = [
    "BATCH_SIZE",
    "ImportCancelled",
    "ImportOptions",
    "ValidatedRow",
    "preview",
    "validate_file",
]
