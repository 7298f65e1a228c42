"""A list of a parent's child records with a form beside it (candidates, parties, documents)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from silon_desktop.services import Services
from silon_desktop.ui.labels import error_text
from silon_desktop.ui.record_form import FieldDef, RecordForm


class ChildListWidget(QWidget):
    """Children of one parent record: add (a saved draft at once), pick, edit, delete.

    Args:
        backend: the application's services.
        entity: the child entity (candidate, party, document).
        parent_field: the field naming the parent (pair_id, candidate_id).
        fields: the form's fields.
        describe: a one-line label of a child record.
        add_label: the text of the add button.

    Signals:
        currentRecordChanged(str, str): entity and id of the record now in the form
            ("" when the list has none: what hangs on the record shown is emptied too).
        changed(): a child was added, edited or deleted (written to the database).
    """

    currentRecordChanged = Signal(str, str)
    changed = Signal()

    def __init__(
        self,
        backend: Services,
        entity: str,
        parent_field: str,
        fields: list[FieldDef],
        describe: Callable[[dict[str, Any]], str],
        add_label: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.backend = backend
        self.entity = entity
        self.parent_field = parent_field
        self.describe = describe
        self.parent_id: str | None = None
        self.scope = ""
        self.defaults: dict[str, Any] = {}
        #: values for a new child worked out at the moment it is added (e.g. the free role)
        self.defaults_for: Callable[[list[dict[str, Any]]], dict[str, Any]] | None = None
        #: why no further child may be added (e.g. a pair already has its two
        #: candidates), or None
        self.refuse_add: Callable[[list[dict[str, Any]]], str | None] | None = None

        self.list = QListWidget()
        self.list.setObjectName(f"{entity}_list")
        # Long labels ("Ijazah (paling rendah SLTA) — Diserahkan, belum diperiksa") wrap
        # inside the narrow list instead of hiding behind a horizontal scroll bar.
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentItemChanged.connect(self._picked)
        self.add_button = QPushButton(add_label)
        self.add_button.setObjectName(f"add_{entity}")
        self.add_button.clicked.connect(self.add)
        self.delete_button = QPushButton(self.tr("Hapus"))
        self.delete_button.clicked.connect(self.delete_current)
        self.form = RecordForm(backend, entity, fields)
        self.form.saved.connect(self._saved)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        left_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.form)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([280, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def set_parent_record(self, parent_id: str | None, scope: str, **defaults: Any) -> None:
        self.parent_id = parent_id
        self.scope = scope
        self.defaults = defaults
        self.reload()

    def reload(self, select: str | None = None) -> None:
        current = select or self.current_id()
        self.list.blockSignals(True)
        self.list.clear()
        records = (
            self.backend.list(self.entity, **{self.parent_field: self.parent_id})
            if self.parent_id
            else []
        )
        chosen: QListWidgetItem | None = None
        for record in records:
            item = QListWidgetItem(self.describe(record))
            item.setToolTip(item.text())
            item.setData(Qt.ItemDataRole.UserRole, record["id"])
            self.list.addItem(item)
            if record["id"] == current:
                chosen = item
        self.list.blockSignals(False)
        # An account that only reads (Bawaslu) adds and deletes nothing.
        writes = not self.backend.read_only
        self.add_button.setEnabled(self.parent_id is not None and writes)
        self.delete_button.setEnabled(writes)
        if chosen is None and self.list.count():
            chosen = self.list.item(0)
        if chosen is not None:
            self.list.setCurrentItem(chosen)
            self._picked(chosen)
        else:
            self.form.load(None)
            self.currentRecordChanged.emit(self.entity, "")

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def add(self) -> str | None:
        """Create a draft child at once (autosaved) and put the cursor in its form."""
        if self.parent_id is None:
            return None
        values = {self.parent_field: self.parent_id, **self.defaults}
        if self.defaults_for is not None or self.refuse_add is not None:
            siblings = self.backend.list(self.entity, **{self.parent_field: self.parent_id})
            refused = self.refuse_add(siblings) if self.refuse_add is not None else None
            if refused:
                QMessageBox.warning(self, self.tr("Tidak ditambahkan"), refused)
                return None
            if self.defaults_for is not None:
                values.update(self.defaults_for(siblings))
        record_id, error = self.backend.create(self.entity, values, self.scope)
        if record_id is None:
            QMessageBox.warning(self, self.tr("Tidak tersimpan"), error_text(error))
            return None
        self.reload(select=record_id)
        self.changed.emit()
        first = next(iter(self.form.widgets.values()), None)
        if first is not None:
            first.setFocus()
        return record_id

    def delete_current(self) -> None:
        record_id = self.current_id()
        if record_id is None:
            return
        # "Tidak" by default: a deleted candidate, party or document has no Ctrl+Z.
        answer = QMessageBox.question(
            self,
            self.tr("Hapus"),
            self.tr("Hapus data ini?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        error = self.backend.delete(self.entity, record_id)
        if error is not None:
            QMessageBox.warning(self, self.tr("Tidak dihapus"), error_text(error))
            return
        self.reload()
        self.changed.emit()

    def _picked(self, item: QListWidgetItem | None, _previous: Any = None) -> None:
        record_id = str(item.data(Qt.ItemDataRole.UserRole)) if item else None
        self.form.load(record_id)
        if record_id:
            self.currentRecordChanged.emit(self.entity, record_id)

    def _saved(self, _entity: str, record_id: str) -> None:
        item = self.list.currentItem()
        record = self.backend.get(self.entity, record_id)
        if item is not None and record is not None:
            item.setText(self.describe(record))
        self.changed.emit()
