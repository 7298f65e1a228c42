"""The navigation tree: elections, each with its pairs.

Redrawn only when elections or pairs change (``Changes.navigation``); an edit of a
name relabels its item in place.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

#: The tree never takes more of a 1366-pixel screen than this.
MAX_WIDTH = 380
ROLE_ENTITY = Qt.ItemDataRole.UserRole
ROLE_ID = Qt.ItemDataRole.UserRole + 1

Record = dict[str, Any]


def election_label(election: Record) -> str:
    return str(
        election.get("name") or QCoreApplication.translate("NavigationTree", "(pemilihan baru)")
    )


def pair_label(pair: Record) -> str:
    names = " - ".join(n for n in (pair.get("head_name"), pair.get("deputy_name")) if n)
    number = f"{pair['number']}. " if pair.get("number") else ""
    return number + (names or QCoreApplication.translate("NavigationTree", "(pasangan baru)"))


class NavigationTree(QTreeWidget):
    """The tree on the left of the main window; items carry (entity, id)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigation")
        self.setHeaderLabel(self.tr("Pemilihan dan pasangan calon"))
        self._fit_width()

    def _fit_width(self) -> None:
        """Wide enough for the header and every name (pair names are not cut at
        1366x768), up to :data:`MAX_WIDTH`; a longer name is in its tooltip."""
        metrics = self.fontMetrics()
        need = metrics.horizontalAdvance(self.headerItem().text(0)) + 32
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while stack:
            item = stack.pop()
            depth, parent = 1, item.parent()
            while parent is not None:
                depth, parent = depth + 1, parent.parent()
            need = max(
                need, depth * self.indentation() + metrics.horizontalAdvance(item.text(0)) + 16
            )
            stack += [item.child(i) for i in range(item.childCount())]
        width = min(need + 2 * self.frameWidth() + 4, MAX_WIDTH)
        self.setMinimumWidth(width)

    @staticmethod
    def key_of(item: QTreeWidgetItem) -> tuple[str, str]:
        return (str(item.data(0, ROLE_ENTITY)), str(item.data(0, ROLE_ID)))

    def current_key(self) -> tuple[str, str] | None:
        item = self.currentItem()
        return None if item is None else self.key_of(item)

    def fill(
        self, elections: list[tuple[Record, list[Record]]], current: tuple[str, str] | None
    ) -> QTreeWidgetItem | None:
        """Redraw the tree without emitting signals; returns the item of ``current``."""
        self.blockSignals(True)
        self.clear()
        chosen: QTreeWidgetItem | None = None
        for election, pairs in elections:
            top = self._item("election", election["id"], election_label(election))
            self.addTopLevelItem(top)
            if current == ("election", election["id"]):
                chosen = top
            for pair in pairs:
                child = self._item("pair", pair["id"], pair_label(pair))
                top.addChild(child)
                if current == ("pair", pair["id"]):
                    chosen = child
            top.setExpanded(True)
        self.blockSignals(False)
        self._fit_width()
        return chosen

    def relabel_current(self, record: Record) -> None:
        """A name was edited: the current item's label follows, nothing is rebuilt."""
        item = self.currentItem()
        if item is None:
            return
        entity = self.key_of(item)[0]
        label = election_label(record) if entity == "election" else pair_label(record)
        item.setText(0, label)
        item.setToolTip(0, label)
        self._fit_width()

    @staticmethod
    def _item(entity: str, record_id: str, label: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([label])
        item.setToolTip(0, label)
        item.setData(0, ROLE_ENTITY, entity)
        item.setData(0, ROLE_ID, record_id)
        return item
