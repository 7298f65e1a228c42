"""One spreadsheet row -> the supporter's fields, cleaned, before any rule is applied.

The hot path of an import: keep it lean (no regular expressions for good input,
no per-row allocation beyond the row's own dict).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from silon_desktop.importers.columns import ColumnMapping
from silon_desktop.importers.values import (
    clean_text,
    nik_from_cell,
    parse_date,
    parse_marital,
    parse_sex,
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
    """

    row: int
    nik_raw: str
    values: dict[str, Any]
    desa: str
    kecamatan: str
    kabkota: str
    unreadable: list[str]
    truncated: list[str]


class RowParser:
    """Reads data rows of one sheet with a fixed mapping.

    Args:
        mapping: where the fields are.
        reference_date: for two-digit years.
    """

    def __init__(self, mapping: ColumnMapping, reference_date: dt.date) -> None:
        self.reference_date = reference_date
        cols = mapping.columns
        self._get = {name: cols.get(name, -1) for name in _ALL_FIELDS}

    def is_blank(self, cells: Sequence[Any]) -> bool:
        """Whether every mapped cell of the row is empty (blank rows are skipped)."""
        for index in self._get.values():
            if 0 <= index < len(cells):
                cell = cells[index]
                if cell is not None and cell != "" and (not isinstance(cell, str) or cell.strip()):
                    return False
        return True

    def parse(self, number: int, cells: Sequence[Any]) -> ParsedRow:
        get = self._get
        width = len(cells)

        def cell(name: str) -> Any:
            index = get[name]
            return cells[index] if 0 <= index < width else ""

        unreadable: list[str] = []
        truncated: list[str] = []

        def text(name: str) -> str:
            value, cut = clean_text(cell(name), MAX_LENGTH.get(name, _PLACE_MAX))
            if cut:
                truncated.append(name)
            return value

        nik, from_number = nik_from_cell(cell("nik"))
        if len(nik) > MAX_LENGTH["nik"]:
            nik = nik[: MAX_LENGTH["nik"]]
            truncated.append("nik")
        birth_place = text("birth_place")
        birth_cell = cell("birth_date")
        combined = cell("birth_place_date")
        if combined not in ("", None) and not birth_place and birth_cell in ("", None):
            birth_place, birth_cell = _split_place_date(combined)
        birth_date = parse_date(birth_cell, self.reference_date)
        if birth_date is None and _present(birth_cell):
            unreadable.append("birth_date")
        sex_cell = cell("sex")
        sex = parse_sex(sex_cell)
        if sex is None and _present(sex_cell):
            unreadable.append("sex")
        marital_cell = cell("marital_status")
        marital = parse_marital(marital_cell)
        if marital is None and _present(marital_cell):
            unreadable.append("marital_status")
        rt, rw = cell("rt"), cell("rw")
        if get["rt_rw"] >= 0 and not _present(rt) and not _present(rw):
            rt, _, rw = clean_text(cell("rt_rw"))[0].partition("/")
        values = {
            "nik": nik,
            "name": text("name"),
            "birth_place": birth_place,
            "birth_date": birth_date,
            "sex": sex or "",
            "marital_status": marital or "",
            "occupation": text("occupation"),
            "address": text("address"),
            "rt": _neighbourhood(rt, "rt", truncated),
            "rw": _neighbourhood(rw, "rw", truncated),
            "nik_from_number": from_number,
        }
        return ParsedRow(
            row=number,
            nik_raw=nik,
            values=values,
            desa=text("desa"),
            kecamatan=text("kecamatan"),
            kabkota=text("kabkota"),
            unreadable=unreadable,
            truncated=truncated,
        )


_ALL_FIELDS = (
    "nik",
    "name",
    "birth_place",
    "birth_date",
    "birth_place_date",
    "sex",
    "marital_status",
    "occupation",
    "address",
    "rt",
    "rw",
    "rt_rw",
    "desa",
    "kecamatan",
    "kabkota",
)


def _present(cell: Any) -> bool:
    if cell is None:
        return False
    if isinstance(cell, str):
        return bool(cell.strip())
    return True


def _split_place_date(cell: Any) -> tuple[str, Any]:
    """``"Bandung, 17-08-1985"`` -> ``("Bandung", "17-08-1985")``."""
    if not isinstance(cell, str):
        return "", cell
    place, sep, date_text = cell.rpartition(",")
    if not sep:
        return "", cell
    return clean_text(place, _PLACE_MAX)[0], date_text.strip()


def _neighbourhood(cell: Any, name: str, truncated: list[str]) -> str:
    """RT/RW as three digits ("3" -> "003"); other text kept (cut to 3)."""
    value = clean_text(cell)[0]
    if value.isdigit():
        value = value.lstrip("0") or "0"
        return value.zfill(3) if len(value) <= 3 else _cut(value, name, truncated)
    return _cut(value, name, truncated) if len(value) > 3 else value


def _cut(value: str, name: str, truncated: list[str]) -> str:
    truncated.append(name)
    return value[:3]
