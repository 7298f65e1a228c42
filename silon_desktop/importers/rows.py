"""One spreadsheet row -> the supporter's fields, cleaned, before any rule is applied.

The hot path of an import: keep it lean (no regular expressions for good input,
no per-row allocation beyond the row's own dict).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

from silon_desktop.domain.text import clean_text
from silon_desktop.importers.columns import FIELDS, ColumnMapping
from silon_desktop.importers.values import (
    date_at_end,
    impossible_date,
    nik_from_cell,
    parse_date,
    parse_marital,
    parse_sex,
    reads_as_day,
    split_rt_rw,
    unlabelled,
)

#: Column sizes of the local store (storage.models.Supporter): longer text is cut
#: and the cut is noted in the report.
MAX_LENGTH = {
    "nik": 32,
    "name": 200,
    "birth_place": 100,
    "occupation": 100,
    "address": 500,
    "rt": 3,
    "rw": 3,
}
_PLACE_MAX = 100
_NIK_MAX = MAX_LENGTH["nik"]
_NAME_MAX = MAX_LENGTH["name"]
_ADDRESS_MAX = MAX_LENGTH["address"]


@dataclass(slots=True)
class ParsedRow:
    """A data row as read.

    Attributes:
        row: the spreadsheet's row number (1 = top of the sheet).
        nik_raw: the NIK as read (text; a number cell's digits).
        values: supporter fields (``nik``, ``name``, ``birth_place``,
            ``birth_date``, ``sex``, ``marital_status``, ``occupation``,
            ``address``, ``rt``, ``rw``, ``nik_from_number``).
        desa, kecamatan, kabkota: place names as written (codes come later).
        unreadable: fields present in the row but not readable (a date like
            "31-02-1990", sex "X").
        truncated: fields cut to the column size.
        impossible: the unreadable fields holding a well-formed date that does
            not exist ("31-02-1990"): the problem list says so, naming the day.
    """

    row: int
    nik_raw: str
    values: dict[str, Any]
    desa: str
    kecamatan: str
    kabkota: str
    unreadable: list[str]
    truncated: list[str]
    impossible: tuple[str, ...] = ()


class RowParser:
    """Reads data rows of one sheet with a fixed mapping.

    Columns with few distinct values (places, sex, status, occupation, dates) are
    read through a memo: a 100,000-row list has a few thousand distinct dates and
    a few hundred distinct desa, so most cells cost one dictionary lookup.

    Args:
        mapping: where the fields are.
        reference_date: for two-digit years.
    """

    def __init__(self, mapping: ColumnMapping, reference_date: dt.date) -> None:
        self.reference_date = reference_date
        cols = mapping.columns
        self._get = {name: cols.get(name, -1) for name in FIELDS}
        self._mapped = tuple(i for i in self._get.values() if i >= 0)
        #: one past the widest mapped column: cells beyond a short row read as ""
        self._width = max(self._mapped, default=-1) + 1
        self._memo: dict[str, dict[Any, Any]] = {name: {} for name in _MEMO_FIELDS}
        get = self._get
        self._cols1 = tuple(
            get[name]
            for name in (
                "nik", "name", "address", "birth_place", "birth_date", "birth_place_date", "sex"
            )
        )  # fmt: skip
        self._cols2 = tuple(
            get[name]
            for name in (
                "marital_status", "occupation", "rt", "rw", "rt_rw", "desa", "kecamatan", "kabkota"
            )
        )  # fmt: skip
        #: The columns read a column at a time by :meth:`parse_many` (every field
        #: but the NIK, name and address), and per field the memo of cells whose
        #: value is clean (read, not cut): cell -> value.
        self._columnar = get["birth_place_date"] < 0 and get["rt_rw"] < 0
        self._clean: dict[str, dict[Any, Any]] = {name: {} for name in _MEMO_FIELDS}
        self._resolve: dict[str, Callable[[Any], tuple[Any, bool]]] = {
            "birth_date": self._resolve_date,
            "sex": _resolver(parse_sex),
            "marital_status": _resolver(parse_marital),
            "rt": _neighbourhood_resolver("rt"),
            "rw": _neighbourhood_resolver("rw"),
        }
        for name in ("birth_place", "occupation", "desa", "kecamatan", "kabkota"):
            self._resolve[name] = _text_resolver(MAX_LENGTH.get(name, _PLACE_MAX))

    def is_blank(self, cells: Sequence[Any]) -> bool:
        """Whether every mapped cell of the row is empty (blank rows are skipped)."""
        width = len(cells)
        for index in self._mapped:
            if index < width:
                cell = cells[index]
                if cell != "" and cell is not None and (cell.__class__ is not str or cell.strip()):
                    return False
        return True

    def is_footer(self, cells: Sequence[Any]) -> bool:
        """Whether a row under the list is no supporter: a total ("JUMLAH", "TOTAL:
        1.234": no NIK-like number and a cell starting with such a word), or a line of
        the form's closing block (its place and date, "Bakal Pasangan Calon", the
        names of those who sign: no NIK and at most one other field filled)."""
        nik_col = self._get["nik"]
        nik_cell = cells[nik_col] if 0 <= nik_col < len(cells) else ""
        text = (
            nik_cell if nik_cell.__class__ is str else str(nik_cell if nik_cell is not None else "")
        )
        if len(text) >= 6 and (text.isdigit() or sum(map(str.isdigit, text)) >= 6):
            return False  # a NIK-like number (the common case: one C call)
        for cell in cells:
            if cell.__class__ is str and cell.lstrip().upper().startswith(_FOOTER_WORDS):
                return True
        return not text.strip() and self._filled(cells) <= 1

    def _filled(self, cells: Sequence[Any]) -> int:
        """How many mapped cells of a row are not empty."""
        width = len(cells)
        return sum(
            1
            for index in self._mapped
            if index < width and cells[index] is not None and str(cells[index]).strip()
        )

    def parse(self, number: int, cells: Sequence[Any]) -> ParsedRow:
        # The hot path: column numbers and memos are locals, a memo's hit costs one
        # lookup here (a miss goes to the _memo_* methods, which remember it).
        (c_nik, c_name, c_address, c_birth_place, c_birth_date, c_combined, c_sex) = self._cols1
        (c_marital, c_occupation, c_rt, c_rw, c_rt_rw, c_desa, c_kecamatan, c_kabkota) = self._cols2
        memo = self._memo
        # One "" past the end: unmapped fields (index -1) and short rows read it.
        missing = self._width - len(cells)
        padded = [*cells, ""] if missing <= 0 else [*cells, *([""] * (missing + 1))]
        unreadable: list[str] = []
        truncated: list[str] = []

        nik, from_number = nik_from_cell(padded[c_nik])
        if len(nik) > _NIK_MAX:
            nik = nik[:_NIK_MAX]
            truncated.append("nik")
        name, cut = clean_text(padded[c_name], _NAME_MAX)
        if cut:
            truncated.append("name")
        address, cut = clean_text(padded[c_address], _ADDRESS_MAX)
        if cut:
            truncated.append("address")
        cell = padded[c_birth_place]
        found = memo["birth_place"].get(cell) if cell.__class__ is str else None
        if found is None or found[1]:
            birth_place = self._memo_text("birth_place", cell, truncated)
        else:
            birth_place = found[0]
        birth_cell = padded[c_birth_date]
        combined = padded[c_combined]
        if combined not in ("", None) and not birth_place and birth_cell in ("", None):
            birth_place, birth_cell = _split_place_date(combined)
        birth_date = self._memoised("birth_date", birth_cell, self._date)
        impossible: tuple[str, ...] = ()
        if birth_date is None and _present(birth_cell):
            unreadable.append("birth_date")
            if impossible_date(birth_cell):
                impossible = ("birth_date",)
        sex_cell = padded[c_sex]
        sex = self._memoised("sex", sex_cell, parse_sex)
        if sex is None and _present(sex_cell):
            unreadable.append("sex")
        marital_cell = padded[c_marital]
        marital = self._memoised("marital_status", marital_cell, parse_marital)
        if marital is None and _present(marital_cell):
            unreadable.append("marital_status")
        rt, rw = padded[c_rt], padded[c_rw]
        if c_rt_rw >= 0 and not _present(rt) and not _present(rw):
            rt = rw = padded[c_rt_rw]
            if not _no_neighbourhood(rt):
                rt, rw = split_rt_rw(clean_text(rt)[0])
        if _no_neighbourhood(rt):
            rt = ""
            unreadable.append("rt")
        if _no_neighbourhood(rw):
            rw = ""
            unreadable.append("rw")
        cell = padded[c_occupation]
        found = memo["occupation"].get(cell) if cell.__class__ is str else None
        if found is None or found[1]:
            occupation = self._memo_text("occupation", cell, truncated)
        else:
            occupation = found[0]
        found = memo["rt"].get((rt.__class__, rt)) if rt.__class__ is str else None
        if found is None or found[1]:
            rt = self._neighbourhood("rt", rt, truncated)
        else:
            rt = found[0]
        found = memo["rw"].get((rw.__class__, rw)) if rw.__class__ is str else None
        if found is None or found[1]:
            rw = self._neighbourhood("rw", rw, truncated)
        else:
            rw = found[0]
        places = []
        for field, cell in (
            ("desa", padded[c_desa]),
            ("kecamatan", padded[c_kecamatan]),
            ("kabkota", padded[c_kabkota]),
        ):
            found = memo[field].get(cell) if cell.__class__ is str else None
            if found is None or found[1]:
                places.append(self._memo_text(field, cell, truncated))
            else:
                places.append(found[0])
        desa, kecamatan, kabkota = places
        values = {
            "nik": nik,
            "name": name,
            "birth_place": birth_place,
            "birth_date": birth_date,
            "sex": sex or "",
            "marital_status": marital or "",
            "occupation": occupation,
            "address": address,
            "rt": rt,
            "rw": rw,
            "nik_from_number": from_number,
        }
        return ParsedRow(
            number, nik, values, desa, kecamatan, kabkota, unreadable, truncated, impossible
        )

    def parse_many(self, rows: Sequence[tuple[int, Sequence[Any]]]) -> list[ParsedRow]:
        """:meth:`parse` of many rows: the same rows, in order.

        The fields with few distinct values are read a column at a time: each
        column's cells are looked up in a memo of clean values (one C-level ``map``
        over the column), and only the cells not found are read one by one. A row
        whose NIK, name or address is not plain text, or with a cell that is not
        clean (unreadable, cut to fit), is read by :meth:`parse`, which says why.
        """
        if not self._columnar:
            return [self.parse(number, cells) for number, cells in rows]
        count = len(rows)
        if not count:
            return []
        width = self._width
        lists = [cells for _, cells in rows]
        if min(map(len, lists)) < width:
            pad = [""] * width
            lists = [cells if len(cells) >= width else [*cells, *pad][:width] for cells in lists]
        columns = list(zip(*lists, strict=False))
        get = self._get
        blank = ("",) * count

        def column(name: str) -> Sequence[Any]:
            index = get[name]
            return columns[index] if index >= 0 else blank

        slow: set[int] = set()
        read = [self._column(name, column(name), slow) for name in _MEMO_FIELDS]
        parsed: list[ParsedRow] = []
        append = parsed.append
        parse = self.parse
        for (
            at,
            (number, cells),
            nik,
            name,
            address,
            place,
            date,
            sex,
            marital,
            occupation,
            rt,
            rw,
            desa,
            kecamatan,
            kabkota,
        ) in zip(
            range(count), rows, column("nik"), column("name"), column("address"), *read, strict=True
        ):
            if (
                nik.__class__ is not str
                or len(nik) != 16
                or not nik.isdigit()
                or not nik.isascii()
                or name.__class__ is not str
                or not name.isascii()
                or not name.isprintable()
                or "  " in name
                or address.__class__ is not str
                or not address.isascii()
                or not address.isprintable()
                or "  " in address
                or at in slow
            ):
                append(parse(number, cells))
                continue
            name = name.strip()
            address = address.strip()
            if len(name) > _NAME_MAX or len(address) > _ADDRESS_MAX:
                append(parse(number, cells))
                continue
            values = {
                "nik": nik,
                "name": name,
                "birth_place": place,
                "birth_date": date,
                "sex": sex or "",
                "marital_status": marital or "",
                "occupation": occupation,
                "address": address,
                "rt": rt,
                "rw": rw,
                "nik_from_number": False,
            }
            append(ParsedRow(number, nik, values, desa, kecamatan, kabkota, [], []))
        return parsed

    def _column(self, field: str, cells: Sequence[Any], slow: set[int]) -> list[Any]:
        """A column's clean values; the rows of a cell that is not clean are added
        to ``slow``."""
        clean = self._clean[field]
        values = list(map(clean.get, cells, repeat(_MISS)))
        if _MISS not in values:
            return values
        resolve = self._resolve[field]
        at = values.index(_MISS)
        while True:
            cell = cells[at]
            value, ok = resolve(cell)
            if ok:
                values[at] = value
                # Only keys no other kind of cell equals (True == 1 == 1.0).
                if cell.__class__ in _CLEAN_KEYS and len(clean) < _MEMO_LIMIT:
                    clean[cell] = value
            else:
                slow.add(at)
            try:
                at = values.index(_MISS, at + 1)
            except ValueError:
                return values

    def _resolve_date(self, cell: Any) -> tuple[Any, bool]:
        value = parse_date(cell, self.reference_date)
        return value, value is not None or not _present(cell)

    def _memoised(self, field: str, cell: Any, parse: Any) -> Any:
        """:meth:`_memo_call` with its hit inline."""
        if cell.__class__ is not bool:
            try:
                return self._memo[field][cell]
            except (KeyError, TypeError):
                pass
        return self._memo_call(field, cell, parse)

    def _date(self, cell: Any) -> dt.date | None:
        return parse_date(cell, self.reference_date)

    def _memo_call(self, field: str, cell: Any, parse: Any) -> Any:
        if cell.__class__ is bool:
            return parse(cell)
        memo = self._memo[field]
        try:
            return memo[cell]
        except KeyError:
            pass
        except TypeError:  # an unhashable cell: never from calamine or csv, but be total
            return parse(cell)
        value = parse(cell)
        if len(memo) < _MEMO_LIMIT:
            memo[cell] = value
        return value

    def _memo_text(self, field: str, cell: Any, truncated: list[str]) -> str:
        memo = self._memo[field]
        found = memo.get(cell) if cell.__class__ is str else None
        if found is None:
            found = clean_text(cell, MAX_LENGTH.get(field, _PLACE_MAX))
            if cell.__class__ is str and len(memo) < _MEMO_LIMIT:
                memo[cell] = found
        if found[1]:
            truncated.append(field)
        text: str = found[0]
        return text

    def _neighbourhood(self, field: str, cell: Any, truncated: list[str]) -> str:
        memo = self._memo[field]
        key = (cell.__class__, cell) if not isinstance(cell, list) else None
        found = memo.get(key) if key is not None else None
        if found is None:
            cut: list[str] = []
            found = (_neighbourhood(cell, field, cut), bool(cut))
            if key is not None and len(memo) < _MEMO_LIMIT:
                memo[key] = found
        if found[1]:
            truncated.append(field)
        value: str = found[0]
        return value


#: Cells a spreadsheet holds as a day or a time of day (never an RT or RW).
_CALENDAR = (dt.date, dt.time, dt.timedelta)
#: RT and RW numbers run to 999.
_NEIGHBOURHOOD_MAX = 999


def _no_neighbourhood(cell: Any) -> bool:
    """Whether a cell of the RT or RW column is a day, not a number: "03/05" typed in
    it and made a day by Excel (a date cell, its serial, 45415, once the cell's
    format is set back to a number, or its text in a CSV). Which number was the RT hangs on the typist's
    locale, so neither is guessed; nor is the day's text or serial cut to three
    characters, which gives another RT."""
    if isinstance(cell, _CALENDAR):
        return True
    if cell.__class__ is str:
        # Its text in a CSV ("03/05/2024", "03-Mei"); "003" and "RT 3" are short or digits.
        return len(cell) > 3 and not cell.isdigit() and reads_as_day(cell)
    return cell.__class__ in (int, float) and abs(cell) > _NEIGHBOURHOOD_MAX


#: Words a total row under the list starts with.
_FOOTER_WORDS = ("JUMLAH", "TOTAL", "JML.", "JML ", "GRAND TOTAL")

#: Fields read through a memo, and how many distinct values each memo keeps.
_MEMO_FIELDS = (
    "birth_place",
    "birth_date",
    "sex",
    "marital_status",
    "occupation",
    "rt",
    "rw",
    "desa",
    "kecamatan",
    "kabkota",
)
_MEMO_LIMIT = 50_000
#: The kinds of cell a memo of clean values is keyed by.
_CLEAN_KEYS = frozenset({str, dt.date, dt.datetime})


class _Miss:
    """A cell whose clean value is not known (:meth:`RowParser.parse_many`)."""


_MISS: Any = _Miss()


def _resolver(parse: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, bool]]:
    """A code's value and whether it is clean (read, or the cell is empty)."""

    def resolve(cell: Any) -> tuple[Any, bool]:
        value = parse(cell)
        return value, value is not None or not _present(cell)

    return resolve


def _text_resolver(limit: int) -> Callable[[Any], tuple[Any, bool]]:
    """A text's value and whether it is clean (not cut to ``limit``)."""

    def resolve(cell: Any) -> tuple[Any, bool]:
        text, cut = clean_text(cell, limit)
        return text, not cut

    return resolve


def _neighbourhood_resolver(name: str) -> Callable[[Any], tuple[Any, bool]]:
    """An RT or RW and whether it is clean (not cut to three characters)."""

    def resolve(cell: Any) -> tuple[Any, bool]:
        cut: list[str] = []
        value = _neighbourhood(cell, name, cut)
        return value, not cut

    return resolve


def _present(cell: Any) -> bool:
    if cell is None:
        return False
    if isinstance(cell, str):
        return bool(cell.strip())
    return True


def _split_place_date(cell: Any) -> tuple[str, Any]:
    """``"Bandung, 17-08-1985"`` or ``"Bandung 17-08-1985"`` -> ``("Bandung",
    "17-08-1985")``; with no date at the end, the text after the last comma is the
    (unreadable) date, or the whole cell when there is no comma."""
    if not isinstance(cell, str):
        return "", cell
    place, sep, date_text = cell.rpartition(",")
    split = date_at_end(cell)
    if split is not None:
        place, date_text = split
    elif not sep:
        return "", cell
    return clean_text(place, _PLACE_MAX)[0], date_text.strip()


def _neighbourhood(cell: Any, name: str, truncated: list[str]) -> str:
    """RT/RW as three digits ("3" -> "003", "'003" -> "003"); other text kept (cut to 3)."""
    value = clean_text(cell)[0].removeprefix("'")  # the mark keeping "003" as text
    if value[:2].isalpha():
        value = unlabelled(value, name)
    if value.isdigit():
        value = value.lstrip("0") or "0"
        return value.zfill(3) if len(value) <= 3 else _cut(value, name, truncated)
    return _cut(value, name, truncated) if len(value) > 3 else value


def _cut(value: str, name: str, truncated: list[str]) -> str:
    truncated.append(name)
    return value[:3]
