"""Ganti kata sandi: the logged-in operator changes the password of their own account."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from silon_desktop.domain.errors import CodedError, ErrorCode
from silon_desktop.services.access import new_password_problem
from silon_desktop.ui.labels import error_text
from silon_desktop.ui.password_field import CapsLockWarning
from silon_desktop.ui.workers import Job, JobRunner

#: the field each refusal names: the one focused after it
_FIELD_OF = {
    ErrorCode.PASSWORD_CURRENT_EMPTY: "current",
    ErrorCode.PASSWORD_WRONG_CURRENT: "current",
    ErrorCode.PASSWORD_TOO_SHORT: "new",
    ErrorCode.PASSWORD_TOO_LONG: "new",
    ErrorCode.PASSWORD_SAME: "new",
    ErrorCode.PASSWORD_NEW_REFUSED: "new",
    ErrorCode.PASSWORD_CURRENT_REFUSED: "current",
    # both new fields are cleared: typed again from the first
    ErrorCode.PASSWORD_MISMATCH: "new",
}


class PasswordDialog(QDialog):
    """Asks the current password and the new one twice; the change runs on a worker
    thread (``Services.change_password``: the server, then what opens the data here).

    The fields are checked first (the server's rule for a new password, the two new
    ones alike): a refusal names its field and focuses it, and nothing is sent.
    Without a connection nothing changes and the dialog says so. Batal changes
    nothing; it is off while the server is asked (the change cannot be called back).

    Signals:
        changed(int): the password was changed; how many other sessions of the
            account the server ended.
        revoked(): the server answered that this account's access is revoked: the
            window locks the data (as after a sync told so).
    """

    changed = Signal(int)
    revoked = Signal()

    def __init__(self, backend: Any, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.jobs = jobs
        self.setWindowTitle(self.tr("Ganti kata sandi"))
        self.setMinimumWidth(440)
        self.current = self._password_field("currentPassword")
        self.new = self._password_field("newPassword")
        self.repeated = self._password_field("repeatPassword")
        self.fields = {"current": self.current, "new": self.new, "repeated": self.repeated}
        self.message = QLabel()
        self.message.setObjectName("passwordMessage")
        self.message.setWordWrap(True)
        hint = QLabel(
            self.tr(
                "Paling sedikit %1 karakter. Perlu koneksi ke server. Setelah diganti, "
                "sesi lain akun ini (di komputer lain) berakhir dan kata sandi lama tidak "
                "lagi membuka data di komputer ini; komputer ini tetap masuk."
            ).replace("%1", str(_min_length()))
        )
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Akun"), QLabel(str(backend.user)))
        form.addRow(self.tr("Kata sandi sekarang"), self.current)
        form.addRow("", CapsLockWarning(self.current))
        form.addRow(self.tr("Kata sandi baru"), self.new)
        form.addRow("", CapsLockWarning(self.new))
        form.addRow(self.tr("Ulangi kata sandi baru"), self.repeated)
        form.addRow("", CapsLockWarning(self.repeated))
        buttons = QDialogButtonBox()
        self.change_button = buttons.addButton(
            self.tr("Ganti kata sandi"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.change_button.setObjectName("changePasswordButton")
        self.change_button.setDefault(True)
        self.cancel_button = buttons.addButton(
            self.tr("Batal"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.cancel_button.setObjectName("cancelButton")
        self.change_button.clicked.connect(self.attempt)
        self.cancel_button.clicked.connect(self.reject)
        self.current.returnPressed.connect(self.new.setFocus)
        self.new.returnPressed.connect(self.repeated.setFocus)
        self.repeated.returnPressed.connect(self.attempt)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._job: Job | None = None
        self.current.setFocus()

    def _password_field(self, name: str) -> QLineEdit:
        field = QLineEdit()
        field.setObjectName(name)
        field.setEchoMode(QLineEdit.EchoMode.Password)
        return field

    def attempt(self) -> None:
        if self._job is not None and self._job.is_running():
            return
        current, new = self.current.text(), self.new.text()
        problem = new_password_problem(current, new, self.repeated.text())
        if problem is not None:
            self._refused(problem)
            return
        self._busy(True)
        self.message.setText(self.tr("Menghubungi server..."))

        def change(_progress: Any, _cancel: Any) -> int | CodedError:
            try:
                return int(self.backend.change_password(current, new))
            except CodedError as error:  # worded here, with the field it names
                return error

        job = self._job = self.jobs.start(change, "password")
        job.finished.connect(self._done)
        job.failed.connect(self._failed)

    def reject(self) -> None:
        """Batal, Esc or the window closed: not while the server is asked."""
        if self._job is not None and self._job.is_running():
            return
        super().reject()

    def _done(self, result: object) -> None:
        self._busy(False)
        if isinstance(result, CodedError):
            self._refused(result)
            if result.code is ErrorCode.ACCESS_REVOKED:
                self.revoked.emit()
            return
        self.changed.emit(int(result) if isinstance(result, int) else 0)
        self.accept()

    def _failed(self, message: str) -> None:
        self._busy(False)
        self.message.setText(message)

    def _refused(self, error: CodedError) -> None:
        self.message.setText(error_text(error))
        if error.code is ErrorCode.PASSWORD_MISMATCH:
            self.new.clear()
            self.repeated.clear()
        field = self.fields.get(_FIELD_OF.get(error.code, ""))
        if field is not None:
            field.selectAll()
            field.setFocus()

    def _busy(self, busy: bool) -> None:
        for widget in (self.change_button, self.cancel_button, *self.fields.values()):
            widget.setEnabled(not busy)


def _min_length() -> int:
    from sync.protocol import PASSWORD_MIN_LENGTH

    return PASSWORD_MIN_LENGTH
