"""The import report keeps every row's result in columns and gives them back unchanged."""

from __future__ import annotations

from pathlib import Path

from silon_desktop.importers.columns import ColumnMapping
from silon_desktop.importers.report import EARLIER_IMPORT, ImportReport, RowResult, RowTable


def _results() -> list[RowResult]:
    """Rows of every kind: clean, unreadable, an earlier part's duplicate, empty, cut."""
    return [
        RowResult(2, "3214012001620002", "MS", []),
        RowResult(3, "3.21E+15", "TMS", ["NIK_FORMAT"], ["unreadable:birth_date"], 0, {"nik": "x"}),
        RowResult(4, "0214012001620002", "BMS", ["NO_ID_SCAN"], [], EARLIER_IMPORT),
        RowResult(5, "", "TMS", ["MISSING_FIELD"], ["empty:nik"]),
        RowResult(6, "3214012001620002", "MS", [], ["truncated:name"], 2),
    ]


def test_rows_come_back_as_they_were_added_and_can_be_changed() -> None:
    report = ImportReport(Path("d.xlsx"), "S", ColumnMapping("S", [1], 2, {}))
    results = _results()
    for result in results:
        report.add(result)
    assert list(report.rows) == results and report.rows[-1] == results[-1]
    assert report.rows[1:3] == results[1:3]
    assert [r.row for r in report.rows_to_review()] == [3, 4, 5, 6]
    assert report.earlier_duplicates() == 1
    report.update(0, "BMS", ["DUPLICATE_IDENTICAL"])
    report.rows.set_duplicate_of(0, 6)
    assert report.rows[0] == RowResult(2, "3214012001620002", "BMS", ["DUPLICATE_IDENTICAL"], [], 6)
    assert report.counts() == {"MS": 1, "BMS": 2, "TMS": 2}
    assert report.rows[0].to_json()["duplicate_of"] == 6


def test_rows_added_many_at_once_are_the_rows_added_one_by_one() -> None:
    results = [*_results(), RowResult(7, "3214012001620003", "TMS", ["NIK_FORMAT"])]
    one, many = RowTable(), RowTable()
    for result in results:
        one.append(result)
    verdicts = [(r.status, r.codes) for r in results]
    notes = {at: r.notes for at, r in enumerate(results) if r.notes}
    first = {at: n for at, n in notes.items() if at < 2}
    many.add_many([r.row for r in results[:2]], [r.nik for r in results[:2]], verdicts[:2], first)
    rest = {at - 2: n for at, n in notes.items() if at >= 2}
    many.add_many([r.row for r in results[2:]], [r.nik for r in results[2:]], verdicts[2:], rest)
    for at, result in enumerate(results):
        if result.duplicate_of:
            many.set_duplicate_of(at, result.duplicate_of)
        many.set_read(at, result.read)
    assert list(many) == list(one) == results
    assert sorted(many.verdicts()) == sorted(one.verdicts())
    many.set_read(1, None)
    assert many[1].read is None
