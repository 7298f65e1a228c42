"""LATIHAN on every window while the data here is practice data, and the fresh start
offered after a training server was reset.

Practice data (from a training server, see :mod:`sync.client.training`) must never
be mistaken for real data: the main window carries a red banner, and every
top-level window's title (main window, dialogs, message boxes) starts with
"LATIHAN" while :attr:`Backend.practice` holds.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from silon_desktop.domain.errors import CodedError

PREFIX = "LATIHAN"


def _tr(text: str) -> str:
    return QCoreApplication.translate("PracticeMark", text)


def banner() -> QLabel:
    """The red band shown on top of the main window in practice mode (hidden otherwise)."""
    label = QLabel(_tr("LATIHAN: data di komputer ini adalah data latihan, bukan data sungguhan."))
    label.setObjectName("practiceBanner")
    label.setStyleSheet(
        "QLabel#practiceBanner{background:#b00020;color:white;font-weight:bold;padding:6px;}"
    )
    label.setVisible(False)
    return label


def marked(title: str) -> str:
    return title if title.startswith(PREFIX) else f"{PREFIX} - {title}"


class PracticeMark(QObject):
    """Prefixes the title of every top-level window shown while practice mode is on."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.active = False
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_active(self, active: bool) -> None:
        self.active = active
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible():
                self._mark(widget)

    def _mark(self, widget: QWidget) -> None:
        title = widget.windowTitle()
        if self.active and title:
            widget.setWindowTitle(marked(title))
        elif not self.active and title.startswith(f"{PREFIX} - "):
            widget.setWindowTitle(title[len(PREFIX) + 3 :])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (
            self.active
            and event.type() == QEvent.Type.Show
            and isinstance(watched, QWidget)
            and watched.isWindow()
        ):
            self._mark(watched)
        return super().eventFilter(watched, event)


def offer_start_over(parent: QWidget, backend: Any) -> bool:
    """Say the training server was reset; on Yes delete the practice data here."""
    answer = QMessageBox.question(
        parent,
        _tr("Server latihan diatur ulang"),
        _tr(
            "Server latihan sudah diatur ulang (reset): data latihan di laptop ini berasal "
            "dari sesi sebelumnya dan tidak cocok lagi.\n\nMulai dari awal? Data latihan di "
            "laptop ini dihapus, lalu data latihan yang baru diambil dari server."
        ),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        backend.start_over_practice()
    except CodedError as refused:  # rows no server has seen: kept
        QMessageBox.warning(parent, _tr("Server latihan diatur ulang"), refused.message)
        return False
    return True
