"""The supporters table model: a thin Qt adapter over ``storage.supporter_queries``.

The row count comes from one COUNT; rows are read a block at a time when the
view asks for them and kept in a small cache, so a pair with a million
supporters opens at once and only the visible blocks are ever in memory. With a
background runner (the supporters page's jobs) the first block is shown before
the COUNT: a pair of fewer rows than a block needs none, a larger one shows its
first block at once and grows to its full length when the count, made on a
worker thread, arrives (on an encrypted database every counted index page is
decrypted: a million rows' count is no longer in the way of the first rows).
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from silon_desktop.domain.rules import RuleSet
from silon_desktop.domain.supporters import counted_status
from silon_desktop.services.tables import (
    SORTABLE,
    SupporterFilter,
    SupporterQuery,
    SupporterRow,
    SupporterSort,
)

_Index = QModelIndex | QPersistentModelIndex

#: (attribute of SupporterRow, sortable column name or None). The status (what the
#: verifier reads) follows the name: on a 1366-pixel screen, beside the form and a
#: tree widened by a long pair's name, it stays on screen whatever that name.
COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("nik", "nik"),
    ("name", "name"),
    ("effective_status", "effective_status"),
    ("birth_date", None),
    ("sex", None),
    ("desa_code", "desa_code"),
    ("kecamatan_code", "kecamatan_code"),
    ("effective_reasons", None),
    ("admin_by", None),
)
#: The column of the status as it counts.
STATUS_COLUMN = next(i for i, (attr, _sort) in enumerate(COLUMNS) if attr == "effective_status")

_DISPLAY = Qt.ItemDataRole.DisplayRole
_HORIZONTAL = Qt.Orientation.Horizontal
STATUS_COLOURS = {"MS": "#d8f0d8", "BMS": "#fff0c0", "TMS": "#f6d0d0"}
MAX_CACHED_BLOCKS = 64


def _counted(record: dict[str, Any], rules: RuleSet) -> str:
    """A supporter record's ``effective_status`` as it counts (the table's column)."""
    return counted_status(
        str(record.get("effective_status") or ""),
        str(record.get("admin_status") or ""),
        str(record.get("field_status") or ""),
        str(record.get("round") or ""),
        rules,
    )


def _replace_row(row: SupporterRow, record: dict[str, Any], rules: RuleSet) -> SupporterRow:
    known = {f.name for f in dataclasses.fields(row)} - {"rowid", "id", "counted_status"}
    changes: dict[str, Any] = {}
    for key, value in record.items():
        if key not in known:
            continue
        if key == "effective_reasons" and isinstance(value, list):
            value = ",".join(value)
        if value is None and key not in ("birth_date", "admin_at"):
            value = 0 if key == "version" else ""
        changes[key] = value
    stored = changes.get("effective_status", row.effective_status)
    changes["counted_status"] = _counted({**record, "effective_status": stored}, rules)
    return dataclasses.replace(row, **changes)


class SupportersModel(QAbstractTableModel):
    """Supporters of one pair under a filter and a sort, read block by block.

    Args:
        open_query: opens the block-wise query of a pair's live supporters
            (``Services.supporter_query``; reads only, writes go through the services).
        region_name: turns a region code into its name for display.
        reason_label: turns a reason code into a short label.
        count_in_background: runs a count function off the UI thread and calls
            its second argument with the result on the UI thread; None: the
            count is made on the UI thread before the first rows.

    Signals:
        countChanged(int): the number of rows under the current filter changed.
    """

    countChanged = Signal(int)

    def __init__(
        self,
        open_query: Callable[[str, SupporterFilter, SupporterSort], SupporterQuery],
        region_name: Callable[[str], str] | None = None,
        reason_label: Callable[[str], str] | None = None,
        parent: Any = None,
        count_in_background: (
            Callable[[Callable[[], int], Callable[[int], None]], None] | None
        ) = None,
    ) -> None:
        super().__init__(parent)
        self._open_query = open_query
        self._count_in_background = count_in_background
        #: the rows the view is told of (the count, or the first block until it comes)
        self._rows = 0
        self._region_name = region_name or (lambda code: code)
        self._reason_label = reason_label or (lambda code: code)
        self._query: SupporterQuery | None = None
        self._blocks: OrderedDict[int, list[SupporterRow]] = OrderedDict()
        self._headers = (
            self.tr("NIK"),
            self.tr("Nama"),
            self.tr("Status"),
            self.tr("Tgl lahir"),
            self.tr("L/P"),
            self.tr("Desa/Kel."),
            self.tr("Kecamatan"),
            self.tr("Alasan"),
            self.tr("Diverifikasi oleh"),
        )

    # -- what the owner calls ---------------------------------------------

    def set_pair(self, pair_id: str | None, flt: SupporterFilter | None = None) -> None:
        """Show the supporters of ``pair_id`` (None: an empty table) under ``flt``
        (None: the filter already in use)."""
        if flt is None:
            flt = self._query.flt if self._query else SupporterFilter()
        sort = self._query.sort if self._query else SupporterSort()
        self._reset(pair_id, flt, sort)

    def set_filter(self, flt: SupporterFilter) -> None:
        if self._query is not None:
            self._reset(self._query.pair_id, flt, self._query.sort)

    def current_filter(self) -> SupporterFilter:
        return self._query.flt if self._query else SupporterFilter()

    def pair_id(self) -> str | None:
        return self._query.pair_id if self._query else None

    def refresh(self) -> None:
        """Re-read after an edit or a sync; rows keep their positions where they can."""
        if self._query is None:
            return
        before = self._rows
        self._query.invalidate()
        self._blocks.clear()
        after = self._rows = self._query.count()
        if after != before:
            self.beginResetModel()
            self.endResetModel()
            self.countChanged.emit(after)
        elif after:
            self.dataChanged.emit(self.index(0, 0), self.index(after - 1, len(COLUMNS) - 1))

    def status_as_counted(self, record: dict[str, Any]) -> str:
        """A supporter record's status as this table (and the counts above it) shows
        it; the stored one where no pair is shown."""
        if self._query is None:
            return str(record.get("effective_status") or "")
        return _counted(record, self._query.rules)

    def row_at(self, row: int) -> SupporterRow | None:
        """The supporter shown at ``row`` (plain data)."""
        if self._query is None or not 0 <= row < self._rows:
            return None
        size = self._query.block_size
        block = self._block(row // size)
        offset = row % size
        return block[offset] if offset < len(block) else None

    def patch_row(self, row: int, record: dict[str, Any]) -> None:
        """Show a saved edit in place, without re-reading or moving rows.

        A verified row stays where it is (even when it no longer matches the
        filter) until the next refresh, so the operator's cursor never jumps.
        """
        if self._query is None:
            return
        size = self._query.block_size
        block = self._blocks.get(row // size)
        if block is None or row % size >= len(block):
            return
        block[row % size] = _replace_row(block[row % size], record, self._query.rules)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def shown_positions(self, record_ids: Iterable[str]) -> dict[str, int]:
        """Where the rows read so far show these supporters: the place to patch a saved
        edit (under a sort or filter the edit changes, the record's place in the query
        is no longer the row on screen)."""
        wanted = set(record_ids)
        size = self.block_size()
        found: dict[str, int] = {}
        for index, block in self._blocks.items():
            for offset, row in enumerate(block):
                if row.id in wanted:
                    found[row.id] = index * size + offset
        return found

    def position_of(self, record_id: str) -> int | None:
        """The row showing ``record_id`` under the current filter and sort."""
        return self._query.position_of(record_id) if self._query else None

    def block_size(self) -> int:
        return self._query.block_size if self._query else 200

    # -- QAbstractTableModel -----------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._query is None:
            return 0
        return self._rows

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != _DISPLAY or orientation != _HORIZONTAL:
            return None
        return self._headers[section] if 0 <= section < len(self._headers) else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        attr = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, attr)
        if role == Qt.ItemDataRole.FontRole and row.deleted:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and row.deleted:
            return QBrush(QColor("#888888"))
        if role == Qt.ItemDataRole.BackgroundRole and attr == "effective_status":
            colour = STATUS_COLOURS.get(row.counted_status)
            return QBrush(QColor(colour)) if colour else None
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and attr == "effective_status"
            and row.public_objection
        ):
            return self.tr("Ada tanggapan masyarakat")
        if role == Qt.ItemDataRole.ToolTipRole and attr == "effective_reasons":
            return "\n".join(self._reason_label(c) for c in row.reasons)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self._query is None or not 0 <= column < len(COLUMNS):
            return
        name = COLUMNS[column][1]
        if name is None or name not in SORTABLE:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self._reset(self._query.pair_id, self._query.flt, SupporterSort(name, descending))

    # -- internals -----------------------------------------------------------

    def _display(self, row: SupporterRow, attr: str) -> str:
        if attr == "birth_date":
            return row.birth_date.strftime("%d-%m-%Y") if row.birth_date else ""
        if attr in ("desa_code", "kecamatan_code"):
            code = getattr(row, attr)
            return self._region_name(code) if code else ""
        if attr == "effective_status":
            if row.deleted:
                return self.tr("Dihapus")
            status = row.counted_status or "-"  # as the counts above the table count it
            # A citizen objected on the public pages: "ada tanggapan masyarakat".
            return f"{status} \N{BLACK FLAG}" if row.public_objection else status
        if attr == "effective_reasons":
            return "; ".join(self._reason_label(code) for code in row.reasons)
        return str(getattr(row, attr) or "")

    def _reset(self, pair_id: str | None, flt: SupporterFilter, sort: SupporterSort) -> None:
        self.beginResetModel()
        self._blocks.clear()
        query = self._open_query(pair_id, flt, sort) if pair_id is not None else None
        self._query = query
        if query is None:
            self._rows = 0
        elif self._count_in_background is None:
            self._rows = query.count()
        else:
            first = self._blocks[0] = query.block(0)  # no COUNT for the first rows
            self._rows = len(first)
        self.endResetModel()
        if query is not None and query.known_count is None:
            assert self._count_in_background is not None
            self._count_in_background(query.counter(), lambda n: self._counted(query, n))
            return
        self.countChanged.emit(self._rows)

    def _counted(self, query: SupporterQuery, count: int) -> None:
        """The background count of ``query`` arrived (UI thread)."""
        if query is not self._query:
            return  # another pair, filter or sort meanwhile: its own count follows
        query.set_count(count)
        if count > self._rows:
            self.beginInsertRows(QModelIndex(), self._rows, count - 1)
            self._rows = count
            self.endInsertRows()
        elif count < self._rows:  # rows went between the first block and the count
            self.beginResetModel()
            self._blocks.clear()
            self._rows = count
            self.endResetModel()
        self.countChanged.emit(count)

    def _block(self, index: int) -> list[SupporterRow]:
        block = self._blocks.get(index)
        if block is not None:
            self._blocks.move_to_end(index)
            return block
        assert self._query is not None
        block = self._query.block(index)
        self._blocks[index] = block
        while len(self._blocks) > MAX_CACHED_BLOCKS:
            self._blocks.popitem(last=False)
        return block
