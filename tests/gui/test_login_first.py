"""No window with data without a successful login (issue #14): the login dialog comes
first, Cancel quits, even after a refused offline password."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from silon_desktop import app, paths
from silon_desktop.config import Settings
from silon_desktop.storage import keyfile
from silon_desktop.storage.db import open_database
from silon_desktop.ui.login_dialog import LoginDialog
from silon_desktop.ui.main_window import MainWindow

#: nothing listens there: the server "cannot be reached"
NOWHERE = "http://127.0.0.1:9"


def _logged_in_before(folder: paths.AppPaths) -> bytes:
    """A folder whose operator logged in online before: encrypted data, a password wrap;
    returns its data key."""
    key = keyfile.new_data_key()
    kf = keyfile.KeyFile.load(folder.data)
    kf.wrap_password("op1", "sandi-benar-1", key)
    kf.state("op1").expires_at = keyfile.now() + 86400
    kf.save()
    open_database(folder.database, key=key).close()
    return key


def _drive(password: str, offline: bool, seen: list[str]) -> None:
    """Once the dialog is up: type ``password``, press a button, wait, then Batal."""

    def dialog() -> LoginDialog | None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, LoginDialog) and widget.isVisible():
                return widget
        return None

    def start() -> None:
        found = dialog()
        if found is None:
            QTimer.singleShot(20, start)
            return
        found.password.setText(password)
        (found.offline_button if offline else found.login_button).click()
        QTimer.singleShot(50, lambda: wait(found))

    def wait(found: LoginDialog) -> None:
        if not found.login_button.isEnabled():  # still checking on the worker thread
            QTimer.singleShot(50, lambda: wait(found))
            return
        seen.append(found.message.text())
        cancel = next(b for b in found.findChildren(QPushButton) if b.text() == "Batal")
        cancel.click()

    QTimer.singleShot(0, start)


@pytest.mark.parametrize("offline", [True, False], ids=["offline", "server-unreachable"])
def test_cancel_after_a_refused_password_quits_with_no_window_and_no_data(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, offline: bool
) -> None:
    del qtbot  # the QApplication
    folder = paths.resolve(tmp_path / "kantor").ensure()
    _logged_in_before(folder)
    windows: list[Any] = []
    original = MainWindow.__init__

    def record(self: MainWindow, *args: Any, **kwargs: Any) -> None:
        windows.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(MainWindow, "__init__", record)
    seen: list[str] = []
    _drive("sandi-salah-1", offline, seen)
    settings = Settings(server_url=NOWHERE, username="op1", device_id="pc-1")
    code = app._run_qt(folder, settings)
    assert code == 0
    assert seen and "kata sandi" in seen[0]  # the refusal was shown first
    assert windows == []  # no main window was ever made: no data on screen
    assert not any(isinstance(w, MainWindow) for w in QApplication.topLevelWidgets())
    state = keyfile.KeyFile.load(folder.data).offline["op1"]
    assert state.failures == 1  # the refused attempt counts (kept in the key file)


def test_the_right_offline_password_opens_the_data(qtbot: QtBot, tmp_path: Path) -> None:
    del qtbot  # the QApplication
    folder = paths.resolve(tmp_path / "kantor").ensure()
    _logged_in_before(folder)

    def login() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, LoginDialog) and widget.isVisible():
                widget.password.setText("sandi-benar-1")
                widget.offline_button.click()
                return
        QTimer.singleShot(20, login)

    QTimer.singleShot(0, login)
    from silon_desktop.services.access import Access

    access = Access(folder, Settings(server_url=NOWHERE, username="op1", device_id="pc-1"))
    session = app.login_first(access)
    assert session is not None and not session.outcome.online
    assert session.db.key is not None
    session.db.close()


def test_enter_pressed_again_while_the_login_is_checked_starts_no_second_login(
    qtbot: QtBot,
) -> None:
    """An operator pressing Enter twice (the first seemed to do nothing while the server
    was slow): each Enter started a login of its own, two conversions of a first login's
    data at once, two attempts counted against the account. One login runs."""
    from threading import Event
    from types import SimpleNamespace

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from silon_desktop.ui.workers import JobRunner

    release, calls = Event(), []

    def login(user: str, password: str, **_kw: Any) -> None:
        calls.append(user)
        assert release.wait(30)

    backend = SimpleNamespace(
        settings=Settings(username="op1", server_url=NOWHERE),
        keyring_available=lambda: True,
        login=login,
    )
    jobs = JobRunner()
    dialog = LoginDialog(backend, jobs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password.setText("sandi-benar-1")
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    release.set()
    jobs.stop_all()
    assert calls == ["op1"]


def test_the_login_dialog_of_training_mode_says_latihan(qtbot: QtBot, tmp_path: Path) -> None:
    """Training mode's first window is the login dialog when the practice account's own
    login was refused (or after a logout): it looked like the office's real login."""
    from silon_desktop.services.access import Access

    del qtbot  # the QApplication
    practice = paths.resolve(tmp_path / "latihan").ensure()
    (practice.data / paths.TRAINING_SERVER_DIR).mkdir()
    real = paths.resolve(tmp_path / "kantor").ensure()
    titles: list[str] = []

    def look_then_cancel() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, LoginDialog) and widget.isVisible():
                titles.append(widget.windowTitle())
                widget.reject()
                return
        QTimer.singleShot(20, look_then_cancel)

    for folder in (practice, real):
        QTimer.singleShot(0, look_then_cancel)
        settings = Settings(server_url=NOWHERE, device_id="pc-1")
        assert app.login_first(Access(folder, settings), practice=folder.practice) is None
    assert titles[0].startswith("LATIHAN") and not titles[1].startswith("LATIHAN")
