"""A list to hand over on paper or as a spreadsheet: title, header, one line per item.

The import's problem list (``importers/problems.py``) and the verification's
BMS/TMS list (``reports/problem_list.py``) both produce one; the XLSX writer
(``reports/problem_list.py``) and the PDF (``ui/pdf_reports.py``) print it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProblemLine:
    """One problem of one row: every column as text, ready to print."""

    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProblemList:
    """A list to hand over: its title lines, its column header and its lines."""

    title: str
    subtitle: list[str]
    header: tuple[str, ...]
    lines: list[ProblemLine]
    #: of practice data from a training server: every printout says LATIHAN
    practice: bool = False
