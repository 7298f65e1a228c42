"""The supporters table shows each status as the counts above it count it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from silon_desktop.storage.db import Database
from tests.unit.reports.test_counts_agree import _flag, _rows
from tests.unit.reports.test_counts_agree import db as db  # the same seeded database


def test_the_supporters_table_shows_each_status_as_its_counts_count_it(
    db: Database, tmp_path: Path, qtbot: Any
) -> None:
    """The supporters table's status column: a correction round's supporter and one met
    in the field, each also backing another pair, were shown BMS beside counts (and under
    a TMS filter) that count them TMS; a verdict given in the table shows as it counts."""
    from silon_desktop.storage.supporter_queries import SupporterFilter, SupporterQuery
    from silon_desktop.ui.supporters_model import STATUS_COLUMN, SupportersModel

    first = _rows(db, tmp_path, "submission", 6, 1)
    late = _rows(db, tmp_path, "correction_1", 4, 2)
    _flag(db, first[0], field="MS")
    _flag(db, late[0])
    _flag(db, first[1])  # never met in the field: BMS, fixable in a correction
    model = SupportersModel(
        lambda pair, flt, sort: SupporterQuery(db.engine, pair, flt, sort, live_only=True)
    )
    model.set_pair("p1")
    column = STATUS_COLUMN
    shown = {
        model.data(model.index(r, 0), 256): model.data(model.index(r, column))
        for r in range(model.rowCount())
    }
    assert (shown[first[0]], shown[late[0]], shown[first[1]]) == ("TMS", "TMS", "BMS")
    model.set_filter(SupporterFilter(status="TMS"))
    assert [model.data(model.index(r, column)) for r in range(model.rowCount())] == ["TMS"] * 2
    # A verdict patched in place (as after a key press) shows as it counts, too.
    record = {"effective_status": "BMS", "admin_status": "MS", "field_status": "",
              "round": "correction_1", "effective_reasons": ["DUPLICATE_EXTERNAL"]}  # fmt: skip
    model.patch_row(0, record)
    assert model.data(model.index(0, column)) == "TMS"
    assert model.status_as_counted(record) == "TMS"  # the form's 'Status akhir' too


def test_a_sort_by_status_orders_the_statuses_as_the_column_shows_them(
    db: Database, tmp_path: Path, qtbot: Any
) -> None:
    """Clicking *Status* sorted by the stored verdict: a row shown TMS (a correction
    round's or a field-met supporter also backing another pair, stored BMS) sat among
    the BMS rows. Now the rows come in the order of the status shown (belum
    diverifikasi, BMS, MS, TMS, or the reverse), read block by block in any order."""
    import random

    from PySide6.QtCore import Qt

    from silon_desktop.storage.supporter_queries import SupporterQuery, SupporterSort
    from silon_desktop.ui.supporters_model import STATUS_COLUMN, SupportersModel

    first = _rows(db, tmp_path, "submission", 6, 1)
    late = _rows(db, tmp_path, "correction_1", 4, 2)
    _flag(db, first[0], field="MS")
    _flag(db, late[0])
    _flag(db, first[1])
    model = SupportersModel(
        lambda pair, flt, sort: SupporterQuery(db.engine, pair, flt, sort, live_only=True)
    )
    model.set_pair("p1")
    every = [model.row_at(r) for r in range(model.rowCount())]
    assert {r.counted_status for r in every} >= {"BMS", "MS", "TMS"}
    rank = {"": 0, "BMS": 1, "MS": 2, "TMS": 3}
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        model.sort(STATUS_COLUMN, order)
        shown = [model.row_at(r).counted_status for r in range(model.rowCount())]
        descending = order == Qt.SortOrder.DescendingOrder
        assert shown == sorted(shown, key=rank.__getitem__, reverse=descending)
        assert len(shown) == len(every)
        # Blocks of 3 read in any order give the same rows, each once; positions agree.
        whole = [model.row_at(r).id for r in range(model.rowCount())]
        query = SupporterQuery(
            db.engine, "p1", sort=SupporterSort("effective_status", descending),
            block_size=3, live_only=True,
        )  # fmt: skip
        blocks = list(range((query.count() + 2) // 3))
        random.Random(5).shuffle(blocks)
        got = {b: [r.id for r in query.block(b)] for b in blocks}
        assert [i for b in sorted(got) for i in got[b]] == whole
        again = SupporterQuery(
            db.engine, "p1", sort=SupporterSort("effective_status", descending),
            block_size=3, live_only=True,
        )  # fmt: skip
        for position, record_id in enumerate(whole):
            assert again.position_of(record_id) == position, position
