"""Sync everywhere: the status bar part and the controller that runs sync in the background.

The controller starts one sync job at a time on a worker thread; the status
(pending, conflicts, last sync, online) is read on a worker thread too, so no
widget waits for the network or the database while sync runs.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from silon_desktop.services import Services, SyncSummary
from silon_desktop.ui.labels import error_text
from silon_desktop.ui.workers import Job, JobRunner


class SyncController(QObject):
    """Runs sync and status reads as jobs.

    Signals:
        statusChanged(object): a fresh SyncSummary.
        syncStarted(): a run began.
        syncProgress(str, int, int): stage, done, total (0 when unknown).
        syncFinished(object): the run's report (a dict).
        syncFailed(str): the operator's message.
    """

    #: a run starts by itself at most this often while changes wait and the server answers
    AUTO_SYNC_S = 120.0

    statusChanged = Signal(object)
    syncStarted = Signal()
    syncProgress = Signal(str, int, int)
    syncFinished = Signal(object)
    syncFailed = Signal(str)

    def __init__(self, backend: Services, jobs: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.jobs = jobs
        self.sync_job: Job | None = None
        self.last: SyncSummary | None = None
        self._last_auto = time.monotonic()
        self.timer = QTimer(self)
        self.timer.setInterval(15_000)
        self.timer.timeout.connect(lambda: self.refresh_status(check_online=True))
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(300)
        self._soon.timeout.connect(self._refresh_soon_due)

    def start(self) -> None:
        self.timer.start()
        self.refresh_status(check_online=True)

    def stop(self) -> None:
        self.timer.stop()

    def is_running(self) -> bool:
        return self.sync_job is not None

    def sync_now(self) -> bool:
        """Start a sync run unless one is running; False when one was."""
        if self.sync_job is not None:
            return False
        job = self.jobs.start(self.backend.run_sync, "sync")
        job.progress.connect(self._progress)
        job.finished.connect(self._finished)
        job.failed.connect(self._failed)
        self.sync_job = job
        self.syncStarted.emit()
        return True

    def cancel(self) -> None:
        if self.sync_job is not None:
            self.sync_job.cancel()

    def refresh_soon(self) -> None:
        """Re-read the status shortly after a local edit (several edits: one read)."""
        self._soon.start()

    def _refresh_soon_due(self) -> None:
        if self.jobs.running("sync-status"):
            self._soon.start()  # a read already under way may predate the edit
            return
        self.refresh_status()

    def refresh_status(self, check_online: bool = False) -> None:
        if self.jobs.running("sync-status"):
            return

        def read(_progress: Any, _cancel: Any) -> SyncSummary:
            if check_online and self.sync_job is None:
                self.backend.check_online()
            return self.backend.sync_status()

        job = self.jobs.start(read, "sync-status")
        job.finished.connect(self._status)

    def _status(self, summary: object) -> None:
        if isinstance(summary, SyncSummary):
            was_offline = self.last is not None and self.last.online is False
            self.last = summary
            self.statusChanged.emit(summary)
            self._maybe_auto_sync(summary, was_offline)

    def _maybe_auto_sync(self, summary: SyncSummary, was_offline: bool = False) -> None:
        """Send waiting changes by themselves when the server is reachable.

        Changes still "sent" (a run cut off before the server's answer) wait too; and
        when the server comes back after being unreachable, the run starts at once.
        """
        waiting = summary.pending + summary.sent
        if not (self.timer.isActive() and summary.online and waiting):
            return
        now = time.monotonic()
        due = was_offline or now - self._last_auto >= self.AUTO_SYNC_S
        if due and self.sync_job is None:
            self._last_auto = now
            self.sync_now()

    def _progress(self, step: object) -> None:
        stage = str(getattr(step, "stage", ""))
        done = int(getattr(step, "done", 0) or 0)
        total = int(getattr(step, "total", 0) or 0)
        self.syncProgress.emit(stage, done, total)

    def _finished(self, report: object) -> None:
        self.sync_job = None
        self.syncFinished.emit(report)
        self.refresh_status()

    def _failed(self, message: str) -> None:
        self.sync_job = None
        self.syncFailed.emit(message)
        self.refresh_status()


def _when(text: str) -> str:
    if not text:
        return "-"
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone().strftime("%d-%m %H:%M")


class SyncStatusWidget(QWidget):
    """Online/offline, pending changes, open conflicts, last sync, progress and cancel.

    Signals:
        conflictsClicked(): the operator wants to see the conflicts.
    """

    conflictsClicked = Signal()

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.online_label = QLabel(self.tr("Status server belum diketahui"))
        self.online_label.setObjectName("onlineLabel")
        self.pending_label = QLabel()
        self.pending_label.setObjectName("pendingLabel")
        self.conflicts_button = QPushButton()
        self.conflicts_button.setObjectName("conflictsButton")
        self.conflicts_button.setFlat(True)
        self.conflicts_button.clicked.connect(self.conflictsClicked)
        self.last_label = QLabel()
        self.last_label.setObjectName("lastSyncLabel")
        self.progress = QProgressBar()
        self.progress.setObjectName("syncProgress")
        self.progress.setMaximumWidth(260)
        # Wide enough for "Kirim 250000/1000000" now that the status bar does not stretch it.
        self.progress.setMinimumWidth(self.progress.fontMetrics().horizontalAdvance("0" * 22))
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.sync_button = QPushButton(self.tr("Sinkronkan (F5)"))
        self.sync_button.setObjectName("syncButton")
        self.sync_button.clicked.connect(controller.sync_now)
        self.cancel_button = QPushButton(self.tr("Batal"))
        self.cancel_button.setObjectName("cancelSyncButton")
        self.cancel_button.clicked.connect(controller.cancel)
        self.cancel_button.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (
            self.online_label,
            self.pending_label,
            self.conflicts_button,
            self.last_label,
            self.progress,
            self.sync_button,
            self.cancel_button,
        ):
            layout.addWidget(widget)
        controller.statusChanged.connect(self.show_status)
        controller.syncStarted.connect(self._started)
        controller.syncProgress.connect(self._progress)
        controller.syncFinished.connect(self._finished)
        controller.syncFailed.connect(self._failed)
        self.show_status(SyncSummary(0, 0, 0, "", None, None))

    def show_status(self, s: SyncSummary) -> None:
        if s.online is None:
            self.online_label.setText(self.tr("● Belum tersambung"))
            self.online_label.setStyleSheet("color: #666;")
        elif s.online:
            self.online_label.setText(self.tr("● Daring"))
            self.online_label.setStyleSheet("color: #1b7a1b; font-weight: bold;")
        else:
            self.online_label.setText(self.tr("● Luring"))
            self.online_label.setStyleSheet("color: #b00020; font-weight: bold;")
        waiting = s.pending + s.sent
        self.pending_label.setText(self.tr("Belum terkirim: %1").replace("%1", str(waiting)))
        self.conflicts_button.setText(self.tr("Konflik: %1").replace("%1", str(s.conflicts)))
        self.conflicts_button.setStyleSheet(
            "color: #b00020; font-weight: bold;" if s.conflicts else ""
        )
        self.last_label.setText(
            self.tr("Sinkron terakhir: %1").replace("%1", _when(s.last_success))
        )
        self.last_label.setToolTip(error_text(s.last_problem))

    def _started(self) -> None:
        self.progress.setRange(0, 0)
        self.progress.setFormat(self.tr("Sinkronisasi..."))
        self.progress.show()
        self.cancel_button.show()
        self.sync_button.setEnabled(False)

    def _progress(self, stage: str, done: int, total: int) -> None:
        names = {
            "push": self.tr("Kirim"),
            "pull": self.tr("Ambil"),
            "apply": self.tr("Terapkan"),
            "resolve": self.tr("Selesaikan"),
        }
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        else:
            self.progress.setRange(0, 0)
        self.progress.setFormat(
            f"{names.get(stage, stage)} {done}" + (f"/{total}" if total else "")
        )

    def _finished(self, report: object) -> None:
        self._idle()
        if isinstance(report, dict) and report.get("error"):
            self.last_label.setToolTip(str(report["error"]))

    def _failed(self, message: str) -> None:
        self._idle()
        self.last_label.setToolTip(message)

    def _idle(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.sync_button.setEnabled(True)
