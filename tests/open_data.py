"""The public open data files read as their users read them: dukungan.csv by a CSV
reader (``utf-8-sig``), dukungan.xlsx by python-calamine (the desktop's XLSX reader)."""

from __future__ import annotations

import csv
import io
from typing import Any

import python_calamine


def csv_rows(body: bytes) -> list[list[str]]:
    """The rows of a dukungan.csv, header first."""
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(body: bytes, sheet: str = "dukungan") -> list[list[Any]]:
    """The cells of a dukungan.xlsx's ``sheet`` (the first, the CSV's table; or
    ``pasangan``, ``pemilihan``), header first, as calamine types them (text ``str``, a
    number ``float`` or ``int``, a yes/no ``bool``, an empty cell ``""``)."""
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(body))
    assert book.sheet_names == ["dukungan", "pasangan", "pemilihan"]
    return list(book.get_sheet_by_name(sheet).to_python())


def as_csv_text(rows: list[list[Any]]) -> list[list[str]]:
    """XLSX cells as the CSV writes them: a whole number without ``.0``, text as is."""
    return [
        [str(int(v)) if isinstance(v, float | int) and int(v) == v else str(v) for v in row]
        for row in rows
    ]


def xlsx_text(body: bytes) -> str:
    """Every cell of a dukungan.xlsx, every sheet, as one text (to search it)."""
    return repr([xlsx_rows(body, name) for name in ("dukungan", "pasangan", "pemilihan")])
