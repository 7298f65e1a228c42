"""Log in: online at the server, or offline against the local verifier."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from silon_desktop.domain.errors import ErrorCode
from silon_desktop.services import LoginOutcome
from silon_desktop.services.access import LoginBackend
from silon_desktop.ui.labels import error_text
from silon_desktop.ui.password_field import CapsLockWarning
from silon_desktop.ui.workers import Job, JobRunner


class LoginDialog(QDialog):
    """Asks for the user name and password; the check runs on a worker thread.

    Online first; when the server cannot be reached, the local verifier (kept
    after the last online login) lets the operator work offline.

    A folder's first login converts a plain database to an encrypted one (minutes
    for a million supporters): a progress bar shows it. Closing the dialog then
    stops the conversion and closes once the worker has stopped; the plain
    database stays as it was (the next login converts it again).

    Signals:
        loggedIn(object): the LoginOutcome of a successful login.
        failed(str): the message shown after a refused attempt.
    """

    loggedIn = Signal(object)
    failed = Signal(str)

    def __init__(
        self, backend: LoginBackend, jobs: JobRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.backend = backend
        self.jobs = jobs
        self.result_: LoginOutcome | None = None
        self.setWindowTitle(self.tr("Masuk ke Silon Desktop"))
        self.username = QLineEdit(backend.settings.username)
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.caps_lock = CapsLockWarning(self.password)
        self.server = QLabel(backend.settings.server_url)
        self.message = QLabel()
        self.message.setObjectName("loginMessage")
        self.message.setWordWrap(True)
        self.keyring_notice = QLabel(
            self.tr(
                "Komputer ini tidak memiliki penyimpanan kata sandi (keyring). Token tidak "
                "disimpan di disk; kata sandi akan ditanyakan setiap kali aplikasi dibuka."
            )
        )
        self.keyring_notice.setObjectName("keyringNotice")
        self.keyring_notice.setWordWrap(True)
        self.keyring_notice.setStyleSheet("color: #8a5a00;")
        self.keyring_notice.setVisible(not backend.keyring_available())
        form = QFormLayout()
        form.addRow(self.tr("Server"), self.server)
        form.addRow(self.tr("Nama pengguna"), self.username)
        form.addRow(self.tr("Kata sandi"), self.password)
        form.addRow("", self.caps_lock)
        buttons = QDialogButtonBox()
        self.login_button = buttons.addButton(
            self.tr("Masuk"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.login_button.setObjectName("loginButton")
        self.login_button.setDefault(True)
        self.offline_button = buttons.addButton(
            self.tr("Masuk tanpa koneksi"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.offline_button.setObjectName("offlineButton")
        cancel = buttons.addButton(self.tr("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        self.login_button.clicked.connect(lambda: self.attempt(online=True))
        self.offline_button.clicked.connect(lambda: self.attempt(online=False))
        cancel.clicked.connect(self.reject)
        for button in (self.login_button, self.offline_button, cancel):
            button.setAutoDefault(False)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(lambda: self.attempt(online=True))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.keyring_notice)
        layout.addWidget(self.message)
        self.conversion = QProgressBar()
        self.conversion.setObjectName("conversionProgress")
        self.conversion.setRange(0, 1000)
        self.conversion.setVisible(False)
        layout.addWidget(self.conversion)
        layout.addWidget(buttons)
        self._job: Job | None = None
        self._converting = False
        self._closing = False
        (self.password if backend.settings.username else self.username).setFocus()

    def attempt(self, online: bool) -> None:
        if self._job is not None and self._job.is_running():
            return  # Enter again while the login is checked: the buttons are off, not Enter
        user, password = self.username.text().strip(), self.password.text()
        if not user or not password:
            self.message.setText(self.tr("Isi nama pengguna dan kata sandi."))
            return
        self._busy(True)
        self.message.setText(self.tr("Memeriksa..."))

        def check(progress: Callable[[Any], None], cancel: threading.Event) -> LoginOutcome:
            return self.backend.login(
                user, password, offline=not online, progress=progress, cancel=cancel.is_set
            )

        job = self._job = self.jobs.start(check, "login")
        job.progress.connect(self._conversion_progress)
        job.finished.connect(lambda result: self._done(result, online))
        job.failed.connect(self._failed)

    def _conversion_progress(self, report: object) -> None:
        """The first login's conversion: ``(stage, share)`` from the worker."""
        if self._closing or not isinstance(report, tuple) or len(report) != 2:
            return
        stage, share = report
        self._converting = stage != "done"
        texts = {
            "backup": self.tr("Membuat cadangan sebelum enkripsi..."),
            "encrypt": self.tr("Mengenkripsi data di komputer ini..."),
            "backups": self.tr("Mengenkripsi cadangan lama..."),
            "done": self.tr("Membuka data..."),
        }
        note = self.tr(
            "Login pertama: data di komputer ini dienkripsi, sekali saja. Jika jendela "
            "ini ditutup, data tetap seperti semula dan enkripsi diulang pada login "
            "berikutnya."
        )
        self.message.setText(texts.get(str(stage), "") + "\n" + note)
        self.conversion.setVisible(True)
        self.conversion.setValue(round(float(share) * 1000))

    def reject(self) -> None:
        """Batal, Esc or the window closed: during a conversion, stop it first (the
        plain database stays as it was) and close once the worker has stopped."""
        job = self._job
        if self._converting and job is not None and job.is_running():
            if not self._closing:
                self._closing = True
                job.cancel()
                self._busy(True)
                self.message.setText(
                    self.tr("Menghentikan enkripsi... Data yang belum terenkripsi tetap utuh.")
                )
                job.done.connect(self._closed_after_stop)
            return
        super().reject()

    def _closed_after_stop(self) -> None:
        self._converting = False
        super().reject()

    def _done(self, result: object, asked_online: bool) -> None:
        self._busy(False)
        self._converting = False
        self.conversion.setVisible(False)
        if self._closing:
            return  # closing after a stopped conversion (see reject)
        if not isinstance(result, LoginOutcome):
            return
        if result.ok:
            self.result_ = result
            self.loggedIn.emit(result)
            self.accept()
            return
        code = result.error.code if result.error is not None else None
        if code is ErrorCode.LOGIN_OFFLINE_REFUSED and not asked_online:
            text = self.tr(
                "Nama pengguna atau kata sandi salah (atau belum pernah masuk secara daring di komputer ini)."
            )
        else:
            text = error_text(result.error) or self.tr("Server tidak dapat dihubungi.")
        self.message.setText(text)
        self.password.selectAll()
        self.password.setFocus()
        self.failed.emit(text)

    def _failed(self, message: str) -> None:
        self._busy(False)
        self._converting = False
        self.conversion.setVisible(False)
        if self._closing:
            return
        self.message.setText(message)
        self.failed.emit(message)

    def _busy(self, busy: bool) -> None:
        self.login_button.setEnabled(not busy)
        self.offline_button.setEnabled(not busy)
