"""Damage, lost changes and failed backups, said on screen with the offer to restore.

At start (:meth:`IntegrityNotice.check_at_start`) a plain thread runs the
services' start checks (``PRAGMA quick_check`` over the whole file, then the
automatic backup when due) so the window is usable at once; a timer picks the
result up on the UI thread:

- damage or lost committed changes: a message box says so and offers
  *Pulihkan dari cadangan...*;
- a failed backup: a warning stays in the status bar (its tooltip says why)
  and a message box says it once.

The same restore is in the *Berkas* menu (*Pulihkan dari cadangan...*). A
restore closes the database and the program: it is started again on the
restored file.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel, QMessageBox

from silon_desktop.services import Services
from silon_desktop.services.results import StartHealth
from silon_desktop.ui.i18n import format_count
from silon_desktop.ui.workers import operator_message

log = logging.getLogger(__name__)


class IntegrityNotice(QObject):
    """Tells the operator what the start checks found and restores a backup on request.

    Signals:
        checked(object): the :class:`StartHealth` of the start checks, once shown.
        restored(str): a backup was brought back (its file name); the program closes.
    """

    checked = Signal(object)
    restored = Signal(str)

    def __init__(self, window: Any, backend: Services) -> None:
        super().__init__(window)
        self.window = window
        self.backend = backend
        self.health: StartHealth | None = None
        self.restore_action = QAction(self.tr("Pulihkan dari &cadangan..."), window)
        self.restore_action.setObjectName("restoreBackup")
        self.restore_action.triggered.connect(lambda: self.offer_restore())
        self.backup_warning = QLabel()
        self.backup_warning.setObjectName("backupWarning")
        self.backup_warning.setStyleSheet("QLabel#backupWarning{color:#b00020;font-weight:bold;}")
        self.backup_warning.setVisible(False)
        window.statusBar().addPermanentWidget(self.backup_warning)
        self._thread: threading.Thread | None = None
        self._result: list[Any] = []
        self._timer = QTimer(self)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self._poll)

    # -- the start ------------------------------------------------------------------

    def check_at_start(self, lost: Any = None) -> threading.Thread:
        """Run the start checks (and the due backup) on a plain thread; the result is
        shown when it arrives. ``lost``: ``Services.lost_changes()`` taken before
        anything was committed. Returns the thread (joined before the program ends)."""
        backend = self.backend

        def run() -> None:
            try:
                self._result.append(backend.start_checks(lost))
            except Exception as error:  # noqa: BLE001 (reported on screen, never a crash)
                log.exception("start checks failed")
                self._result.append(error)

        self._thread = threading.Thread(target=run, name="start-checks", daemon=False)
        self._thread.start()
        self._timer.start()
        return self._thread

    def _poll(self) -> None:
        if self._thread is None or self._thread.is_alive():
            return
        self._timer.stop()
        result = self._result.pop() if self._result else None
        if isinstance(result, StartHealth):
            self.show_health(result)
        elif isinstance(result, BaseException):
            text = operator_message(result) or repr(result)
            self.show_health(StartHealth(damaged=[text], backups=self._backups()))

    def _backups(self) -> list[str]:
        try:
            return self.backend.backup_names()
        except OSError:
            return []

    def show_health(self, health: StartHealth) -> None:
        """Say what the start checks found (nothing when all is well)."""
        self.health = health
        self.show_backup_failure(health.backup_failed)
        if health.archive_set_aside:
            self.say_archive_set_aside(health.archive_set_aside)
        if health.damaged:
            text = self.tr(
                "Pemeriksaan integritas menemukan kerusakan pada basis data di komputer "
                "ini. Data yang tampil bisa tidak lengkap, dan laporan resmi (rekapitulasi, "
                "berita acara, B.1.1-KWK, B.2-KWK) tidak dibuat sampai basis data "
                "dipulihkan.\n\nPulihkan dari cadangan sekarang?"
            )
            self._offer(self.tr("Basis data rusak"), text, health, QMessageBox.Icon.Critical)
        elif health.lost:
            text = (
                self.tr(
                    "Perubahan terakhir hilang: sedikitnya %1 perubahan yang sudah disimpan "
                    "tidak ada lagi di basis data (berkas -wal hilang atau rusak setelah "
                    "program berhenti mendadak). Perubahan itu belum tentu sudah terkirim "
                    "ke server.\n\nPulihkan dari cadangan sekarang?"
                )
            ).replace("%1", format_count(health.lost))
            self._offer(
                self.tr("Perubahan terakhir hilang"), text, health, QMessageBox.Icon.Warning
            )
        self.checked.emit(health)

    def show_backup_failure(self, message: str) -> None:
        """A failed backup: a warning kept in the status bar and said once in a box."""
        if not message:
            self.backup_warning.setVisible(False)
            return
        self.backup_warning.setText(self.tr("⚠ Cadangan gagal"))
        self.backup_warning.setToolTip(message)
        self.backup_warning.setVisible(True)
        QMessageBox.warning(
            self.window,
            self.tr("Cadangan gagal"),
            self.tr(
                "Cadangan otomatis basis data gagal dibuat: %1\n\nData di komputer ini "
                "belum dicadangkan. Perbaiki penyebabnya (misalnya ruang disk), lalu buat "
                "cadangan dengan 'silon-desktop backup'."
            ).replace("%1", message),
        )

    def say_archive_set_aside(self, name: str) -> None:
        """Retention (at start, or after a sync) found the archive of accepted changes
        damaged and set it aside as ``name`` (``storage.outbox``): said once, in a box
        over the window (``open``: the start and the sync do not wait for it; the status
        bar is too narrow for the file's name and what to do)."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Arsip riwayat rusak"),
            self.tr(
                "Arsip perubahan yang sudah diterima server rusak. Berkas itu disisihkan apa "
                "adanya sebagai %1 (di folder data) dan arsip baru dibuat. Riwayat lama di "
                "berkas itu tidak dapat ditampilkan; data dan perubahan yang belum terkirim "
                "tidak terpengaruh, dan server tetap menyimpan riwayat lengkapnya. Simpan "
                "salinan berkas itu dan hubungi admin KPU."
            ).replace("%1", name),
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        box.setObjectName("archiveSetAside")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _offer(self, title: str, text: str, health: StartHealth, icon: QMessageBox.Icon) -> None:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, self.window)
        box.setObjectName("integrityOffer")
        restore = box.addButton(
            self.tr("Pulihkan dari cadangan..."), QMessageBox.ButtonRole.YesRole
        )
        box.addButton(self.tr("Nanti"), QMessageBox.ButtonRole.RejectRole)
        restore.setEnabled(bool(health.backups))
        if not health.backups:
            box.setInformativeText(self.tr("Belum ada cadangan di komputer ini."))
        box.exec()
        if box.clickedButton() is restore:
            self.offer_restore(health.backups)

    # -- restoring ------------------------------------------------------------------

    def offer_restore(self, backups: list[str] | None = None) -> str:
        """Let the operator pick a backup (newest first), confirm, and restore it.

        Returns the restored backup's name ("" when nothing was restored).
        """
        names = backups if backups is not None else self._backups()
        if not names:
            QMessageBox.information(
                self.window,
                self.tr("Pulihkan dari cadangan"),
                self.tr("Belum ada cadangan di komputer ini."),
            )
            return ""
        chosen, ok = QInputDialog.getItem(
            self.window,
            self.tr("Pulihkan dari cadangan"),
            self.tr("Cadangan (terbaru di atas):"),
            names,
            0,
            False,
        )
        if not ok or not chosen:
            return ""
        sure = QMessageBox.question(
            self.window,
            self.tr("Pulihkan dari cadangan"),
            self.tr(
                "Basis data diganti dengan cadangan %1. Basis data sekarang disimpan dulu "
                "sebagai cadangan. Perubahan sesudah cadangan itu dibuat tidak ada di "
                "dalamnya. Silon Desktop ditutup sesudahnya. Lanjutkan?"
            ).replace("%1", chosen),
        )
        if sure != QMessageBox.StandardButton.Yes:
            return ""
        syncing = self.window.sync.timer.isActive()
        self.window.sync.stop()
        self.window.sync.cancel()
        self.window.jobs.stop_all()
        try:
            previous = self.backend.restore_backup(chosen)
        except Exception as error:  # noqa: BLE001 (said to the operator)
            # Nothing was restored: the window works on (its jobs and sync as before).
            self.window.jobs.resume()
            if syncing:
                self.window.sync.start()
            QMessageBox.warning(
                self.window,
                self.tr("Pulihkan dari cadangan"),
                self.tr("Cadangan tidak dapat dipulihkan: %1").replace(
                    "%1", operator_message(error) or repr(error)
                ),
            )
            return ""
        kept = (
            self.tr("Basis data sebelumnya disimpan sebagai %1.").replace("%1", previous)
            if previous
            else ""
        )
        QMessageBox.information(
            self.window,
            self.tr("Pulihkan dari cadangan"),
            self.tr("Basis data dipulihkan dari %1. %2\nBuka Silon Desktop lagi untuk melanjutkan.")
            .replace("%1", chosen)
            .replace("%2", kept),
        )
        self.restored.emit(chosen)
        self.window.close()
        QApplication.quit()
        return chosen
