"""Withdrawing a supporter (with a reason), restoring a withdrawn one, and merging
two rows of one person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from silon_desktop.services.withdrawal import REASONS, person_verdict
from silon_desktop.ui.labels import field_label, status_label, withdrawal_reason_label


def _cancel_by_default(buttons: QDialogButtonBox) -> None:
    """Make Batal the default (Enter) once ``buttons`` is in its dialog: set before, the
    button box makes its first accepting button (Tarik, Gabungkan) the default when shown."""
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)


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
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        _cancel_by_default(buttons)

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
            verdict = person_verdict(row)
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
        _cancel_by_default(buttons)  # as for a withdrawal: Enter while choosing values

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


class RestoreDialog(QDialog):
    """The withdrawn supporters of a pair; the chosen one is restored (asked first,
    No by default). ``restore(record_id)`` saves it and returns an error message or
    "" (the supporters page passes the backend's :meth:`restore_supporter`)."""

    def __init__(
        self,
        rows: list[dict[str, Any]],
        restore: Callable[[str], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Pulihkan dukungan yang ditarik"))
        self.rows = list(rows)
        self._restore = restore
        self.restored: list[str] = []
        intro = QLabel(
            self.tr(
                "Dukungan yang ditarik karena keliru dapat dipulihkan: datanya dihitung "
                "kembali, pemulihan dicatat di riwayat dan dikirim ke server."
            )
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("withdrawnTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("NIK"), self.tr("Nama"), self.tr("Alasan"), self.tr("Oleh"),
             self.tr("Waktu")]
        )  # fmt: skip
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.empty = QLabel(self.tr("Tidak ada dukungan yang ditarik pada pasangan ini."))
        self._fill()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = self.buttons.addButton(
            self.tr("Pulihkan"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.restore_button.setObjectName("restoreSupporter")
        self.restore_button.setAutoDefault(False)
        self.restore_button.clicked.connect(self.restore_selected)
        self.buttons.rejected.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self._selection_changed()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        layout.addWidget(self.buttons)
        self.resize(760, 420)

    def _fill(self) -> None:
        self.table.setRowCount(len(self.rows))
        for line, row in enumerate(self.rows):
            reason = withdrawal_reason_label(str(row.get("withdrawn_reason") or ""))
            if row.get("withdrawn_note"):
                reason += f" ({row['withdrawn_note']})"
            when = row.get("withdrawn_at")
            shown = when.strftime("%d-%m-%Y %H:%M") if isinstance(when, dt.datetime) else ""
            name = _shown(row.get("name"))
            if not row.get("nik") and not row.get("name"):
                # Retention erased a withdrawn supporter's personal data here after the
                # server had it; restoring brings it back from the server at the sync.
                name = self.tr(
                    "(data pribadi sudah dihapus dari komputer ini; kembali saat sinkron)"
                )
            for column, text in enumerate(
                (_shown(row.get("nik")), name, reason, _shown(row.get("withdrawn_by")), shown)
            ):
                self.table.setItem(line, column, QTableWidgetItem(text))
        self.empty.setVisible(not self.rows)
        self.table.setVisible(bool(self.rows))

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def restore_selected(self) -> bool:
        """Ask (No by default), then restore the selected supporter."""
        selected = self.table.selectionModel().selectedRows()
        if not selected:
            return False
        row = self.rows[selected[0].row()]
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Pulihkan dukungan"),
            self.tr(
                "Pulihkan dukungan %1? Data ini dihitung kembali dan pemulihannya "
                "dikirim ke server pada sinkronisasi berikutnya."
            ).replace("%1", f"{_shown(row.get('nik'))} {_shown(row.get('name'))}"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return False
        problem = self._restore(str(row["id"]))
        if problem:
            QMessageBox.warning(self, self.tr("Tidak dipulihkan"), problem)
            return False
        self.restored.append(str(row["id"]))
        self.rows.remove(row)
        self._fill()
        self._selection_changed()
        return True
