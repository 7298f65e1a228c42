"""Conflicts side by side: original, mine and theirs, field by field, resolved by field."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from silon_desktop.services import Services
from silon_desktop.ui.labels import entity_label, error_text, field_label, yes_no
from sync.protocol import ENTITIES, FieldType


def show_value(value: Any, entity: str = "", name: str = "") -> str:
    """A wire value in the operator's words; a date of ``entity.name`` as dd-mm-yyyy,
    the form the "Nilai baru" box reads back (see :func:`wire_value`)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):  # an edit against a delete: the fields edited here
        return "; ".join(f"{field_label(k)}: {show_value(v, entity, k)}" for k, v in value.items())
    fields = ENTITIES[entity].field_names if entity in ENTITIES else ()
    if name in fields and ENTITIES[entity].spec(name).type is FieldType.DATE:
        from silon_desktop.ui.record_form import format_date

        return format_date(value)
    return str(value)


def wire_value(entity: str, name: str, text: str) -> Any:
    """The operator's edited text as a wire value of the field's type.

    Raises:
        ValueError: the text does not fit the field.
    """
    known = entity in ENTITIES and name in ENTITIES[entity].field_names
    spec = ENTITIES[entity].spec(name) if known else None  # not "_deleted" (edit vs delete)
    text = text.strip()
    if spec is None or spec.type is FieldType.STR:
        return text
    if not text:
        return None
    if spec.type is FieldType.INT:
        return int(text)
    if spec.type is FieldType.BOOL:
        return text.lower() in ("ya", "yes", "true", "1", yes_no(True).lower())
    if spec.type is FieldType.LIST:
        return [p.strip() for p in text.split(",") if p.strip()]
    if spec.type is FieldType.DATE:
        from silon_desktop.ui.record_form import parse_date

        parsed = parse_date(text)
        return parsed.isoformat() if parsed else None
    return text


class ConflictsDialog(QDialog):
    """Open conflicts, one row per field.

    Signals:
        resolved(int): how many conflicts were resolved by the last apply.
    """

    resolved = Signal(int)

    COLUMNS = 7

    def __init__(self, backend: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.setWindowTitle(self.tr("Konflik sinkronisasi"))
        self.resize(1100, 520)
        self.intro = QLabel(
            self.tr(
                "Data ini diubah di komputer ini dan di server. Pilih per kolom: "
                "milik saya, dari server, atau isi nilai baru. Pilihan dikirim sebagai "
                "perubahan baru; riwayat konflik tetap disimpan. Baris yang belum dipilih "
                "tetap terbuka."
            )
        )
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setObjectName("conflictsTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Data"),
                self.tr("Kolom"),
                self.tr("Semula"),
                self.tr("Milik saya"),
                self.tr("Server"),
                self.tr("Pilihan"),
                self.tr("Nilai baru"),
            ]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        buttons = QDialogButtonBox()
        # An action, not the dialog's accept (default) button: Enter after typing a new
        # value must not resolve every conflict of the list at once (the others as "Server").
        self.apply_button = buttons.addButton(
            self.tr("Terapkan pilihan"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.apply_button.setObjectName("applyResolutions")
        self.apply_button.setAutoDefault(False)
        close = buttons.addButton(self.tr("Tutup"), QDialogButtonBox.ButtonRole.RejectRole)
        self.apply_button.clicked.connect(self.apply)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.conflicts: list[dict[str, Any]] = []
        self.reload()

    def reload(self) -> None:
        self.conflicts = self.backend.conflicts()
        self.table.setRowCount(len(self.conflicts))
        for row, c in enumerate(self.conflicts):
            entity, name = str(c["entity"]), str(c["field"])
            record = self.backend.get(entity, str(c["record_id"])) or {}
            label = record.get("name") or record.get("head_name") or str(c["record_id"])[:8]
            cells = [
                f"{entity_label(entity)}: {label}",
                field_label(name),
                show_value(c.get("base"), entity, name),
                show_value(c.get("mine"), entity, name),
                show_value(c.get("theirs"), entity, name),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, item)
            if c.get("mine_edited_since"):
                # Edited here again since the conflict: "mine" is that later edit.
                mine_item = self.table.item(row, 3)
                mine_item.setText(
                    self.tr("%1 (diubah lagi di komputer ini)").replace("%1", cells[3])
                )
                mine_item.setToolTip(
                    self.tr(
                        "Isian ini diubah lagi di komputer ini sesudah konflik terjadi; "
                        "'Milik saya' menyimpan perubahan terakhir itu."
                    )
                )
            choice = QComboBox()
            choice.setObjectName(f"choice_{row}")
            # No side is chosen for the operator: a conflict left so stays open (its
            # edit here kept) when the others are applied.
            choice.addItem(self.tr("— pilih —"), None)
            choice.addItem(self.tr("Milik saya"), "mine")
            choice.addItem(self.tr("Server"), "theirs")
            choice.addItem(self.tr("Nilai baru"), "edited")
            choice.setCurrentIndex(0)
            mine = c.get("mine")
            edit = QLineEdit(show_value(mine, entity, name) if mine is not None else "")
            edit.setObjectName(f"edited_{row}")
            edit.setEnabled(False)
            choice.currentIndexChanged.connect(
                lambda _i, cb=choice, e=edit: e.setEnabled(cb.currentData() == "edited")
            )
            self.table.setCellWidget(row, 5, choice)
            self.table.setCellWidget(row, 6, edit)
        self.apply_button.setEnabled(bool(self.conflicts))

    def choose(self, row: int, choice: str, value: str = "") -> None:
        """Set the choice of one row (what the operator does with the combo box)."""
        combo = self.table.cellWidget(row, 5)
        edit = self.table.cellWidget(row, 6)
        if isinstance(combo, QComboBox):
            combo.setCurrentIndex(combo.findData(choice))
        if isinstance(edit, QLineEdit) and value:
            edit.setText(value)

    def apply(self) -> None:
        done = 0
        problems: list[str] = []
        for row, c in enumerate(self.conflicts):
            combo = self.table.cellWidget(row, 5)
            edit = self.table.cellWidget(row, 6)
            if not isinstance(combo, QComboBox) or not isinstance(edit, QLineEdit):
                continue
            if combo.currentData() is None:
                continue  # not chosen: stays open
            choice = str(combo.currentData())
            value: Any = None
            if choice == "edited":
                try:
                    value = wire_value(str(c["entity"]), str(c["field"]), edit.text())
                except ValueError:
                    problems.append(
                        self.tr("Nilai baru untuk %1 tidak valid.").replace(
                            "%1", field_label(str(c["field"]))
                        )
                    )
                    continue
            error = self.backend.resolve(int(c["id"]), choice, value)
            if error is not None:
                problems.append(error_text(error))
            else:
                done += 1
        if problems:
            QMessageBox.warning(self, self.tr("Sebagian belum selesai"), "\n".join(problems))
        self.reload()
        self.resolved.emit(done)
