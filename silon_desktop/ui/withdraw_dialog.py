"""Withdrawing a supporter (with a reason) and merging two rows of one person."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from silon_desktop.services.withdrawal import REASONS
from silon_desktop.ui.labels import field_label, status_label, withdrawal_reason_label


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    return "-" if value in (None, "") else str(value)


class WithdrawDialog(QDialog):
    """Ask why a supporter is withdrawn; the row stays as a tombstone with its history."""

    def __init__(self, record: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Tarik dukungan"))
        who = f"{_shown(record.get('nik'))} {_shown(record.get('name'))}"
        intro = QLabel(
            self.tr(
                "Data pendukung <b>%1</b> ditarik: tidak dihitung lagi, tetapi riwayatnya "
                "tetap tersimpan dan penarikan dikirim ke server."
            ).replace("%1", who.replace("&", "&amp;").replace("<", "&lt;"))
        )
        intro.setWordWrap(True)
        self.reason = QComboBox()
        self.reason.setObjectName("withdrawReason")
        for code in REASONS:
            if code not in ("ganda", "diganti_impor"):  # set by a merge / a replacing import
                self.reason.addItem(withdrawal_reason_label(code), code)
        self.note = QLineEdit()
        self.note.setObjectName("withdrawNote")
        self.note.setMaxLength(500)
        self.note.setPlaceholderText(self.tr("mis. surat penarikan dukungan tanggal ..."))
        form = QFormLayout()
        form.addRow(self.tr("Alasan"), self.reason)
        form.addRow(self.tr("Catatan"), self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Tarik"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def choice(self) -> tuple[str, str]:
        """(reason code, note)."""
        return str(self.reason.currentData()), self.note.text()


class MergeDialog(QDialog):
    """Two rows of one person: which to keep, and per differing field whose value."""

    def __init__(
        self,
        first: dict[str, Any],
        second: dict[str, Any],
        keep_id: str,
        fields: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Gabungkan data ganda"))
        self.rows = (first, second)
        intro = QLabel(
            self.tr(
                "Pilih data yang dipertahankan (bawaan: yang verifikasinya lebih baik). "
                "Data lainnya ditarik dengan alasan ganda dan merujuk ke data yang dipertahankan."
            )
        )
        intro.setWordWrap(True)
        grid = QGridLayout()
        self.keep_group = QButtonGroup(self)
        self.keep_buttons: list[QRadioButton] = []
        for column, row in enumerate(self.rows, start=1):
            verdict = row.get("field_status") or row.get("admin_status") or ""
            button = QRadioButton(
                self.tr("Pertahankan data %1").replace("%1", "AB"[column - 1])
                + f"\n({status_label(str(verdict))})"
            )
            button.setObjectName(f"keep{'AB'[column - 1]}")
            button.setChecked(str(row["id"]) == keep_id)
            self.keep_group.addButton(button, column - 1)
            self.keep_buttons.append(button)
            grid.addWidget(button, 0, column)
        self.choosers: dict[str, QComboBox] = {}
        for line, name in enumerate(fields, start=1):
            grid.addWidget(QLabel(field_label(name)), line, 0)
            combo = QComboBox()
            combo.setObjectName(f"merge_{name}")
            for index, row in enumerate(self.rows):
                combo.addItem(f"{'AB'[index]}: {_shown(row.get(name))}", index)
            grid.addWidget(combo, line, 1, 1, 2)
            self.choosers[name] = combo
        self.keep_group.idToggled.connect(self._keep_changed)
        self._keep_changed(self.keep_group.checkedId(), True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Gabungkan"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(buttons)

    def _keep_changed(self, index: int, checked: bool) -> None:
        if not checked:
            return
        for combo in self.choosers.values():  # by default every value of the kept row
            combo.setCurrentIndex(index)

    def choice(self) -> tuple[str, str, dict[str, Any]]:
        """(id kept, id withdrawn, values the kept row takes from the other)."""
        kept = max(self.keep_group.checkedId(), 0)
        keep, drop = self.rows[kept], self.rows[1 - kept]
        values = {
            name: drop.get(name)
            for name, combo in self.choosers.items()
            if combo.currentData() != kept
        }
        return str(keep["id"]), str(drop["id"]), values
