"""Berkas > Ganti kata sandi: the dialog refuses what the server would (naming the
field), says when there is no connection, changes nothing on Batal, and on success
the new password opens the data here after a restart (the old one does not).

Against a real server process (tests/gui/conftest.py live_server)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from silon_desktop import paths
from silon_desktop.config import Settings
from silon_desktop.domain.errors import ErrorCode
from silon_desktop.services import Services
from silon_desktop.services.access import Access, AccessRefused, LoginGate
from silon_desktop.storage import keyfile
from silon_desktop.ui.password_dialog import PasswordDialog
from silon_desktop.ui.workers import JobRunner

OLD = "sandi-lama-3214"
NEW = "sandi-baru-3214"


@pytest.fixture
def working(tmp_path: Path, live_server: Any) -> Iterator[tuple[Services, JobRunner]]:
    """An operator of its own account logged in online to an encrypted folder, and the
    application's services over it."""
    user = f"pw{uuid.uuid4().hex[:8]}"
    live_server.add_user(user, OLD, role="kabkota", region="32.14")
    folder = paths.resolve(tmp_path / "kantor").ensure()
    settings = Settings(server_url=live_server.url, device_id="pc-kantor", username=user)
    access = Access(folder, settings)
    gate = LoginGate(access)
    assert gate.login(user, OLD).ok
    assert gate.session is not None
    backend = Services(folder, settings, gate.session.db, access=access)
    backend.start_session(gate.session)
    jobs = JobRunner()
    yield backend, jobs
    jobs.stop_all()
    backend.db.close()


def _dialog(qtbot: QtBot, backend: Services, jobs: JobRunner) -> PasswordDialog:
    dialog = PasswordDialog(backend, jobs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()  # the refusals' focus is read back
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def _fill(dialog: PasswordDialog, current: str, new: str, repeated: str) -> None:
    dialog.current.setText(current)
    dialog.new.setText(new)
    dialog.repeated.setText(repeated)


def _old_still_logs_in(server: Any, user: str) -> bool:
    r = server.request(
        "POST", "/v1/auth/login", json={"username": user, "password": OLD, "device_id": "x"}
    )
    return bool(r.status_code == 200)


def test_cancel_changes_nothing(
    qtbot: QtBot, working: tuple[Services, JobRunner], live_server: Any
) -> None:
    backend, jobs = working
    key_file = keyfile.KeyFile.path_in(backend.paths.data)
    before = key_file.read_bytes()
    dialog = _dialog(qtbot, backend, jobs)
    _fill(dialog, OLD, NEW, NEW)
    dialog.cancel_button.click()
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    assert jobs.running("password") is None
    assert key_file.read_bytes() == before
    assert _old_still_logs_in(live_server, backend.user)


def test_a_mismatch_or_a_weak_password_is_refused_naming_the_field(
    qtbot: QtBot, working: tuple[Services, JobRunner], live_server: Any
) -> None:
    backend, jobs = working
    dialog = _dialog(qtbot, backend, jobs)
    _fill(dialog, OLD, NEW, NEW + "x")
    dialog.change_button.click()
    assert dialog.message.text().startswith("Ulangi kata sandi baru: tidak sama")
    assert (dialog.new.text(), dialog.repeated.text()) == ("", "")
    assert dialog.new.hasFocus() and dialog.isVisible()
    _fill(dialog, OLD, "pendek", "pendek")
    dialog.repeated.returnPressed.emit()  # Enter in the last field
    assert dialog.message.text() == "Kata sandi baru: terlalu pendek, paling sedikit 8 karakter."
    _fill(dialog, "", NEW, NEW)
    dialog.change_button.click()
    assert dialog.message.text() == "Kata sandi sekarang: wajib diisi."
    assert dialog.current.hasFocus()
    assert jobs.running("password") is None  # nothing was sent
    assert _old_still_logs_in(live_server, backend.user)


def test_without_a_connection_the_dialog_says_so_and_nothing_changes(
    qtbot: QtBot, working: tuple[Services, JobRunner], live_server: Any
) -> None:
    backend, jobs = working
    backend.settings.server_url = "http://127.0.0.1:9"  # the office lost its connection
    dialog = _dialog(qtbot, backend, jobs)
    _fill(dialog, OLD, NEW, NEW)
    dialog.change_button.click()
    qtbot.waitUntil(lambda: dialog.change_button.isEnabled(), timeout=30_000)
    assert dialog.message.text().startswith("Mengganti kata sandi perlu koneksi ke server")
    assert dialog.isVisible()
    assert _old_still_logs_in(live_server, backend.user)


def test_a_wrong_current_password_is_refused_by_the_server(
    qtbot: QtBot, working: tuple[Services, JobRunner], live_server: Any
) -> None:
    backend, jobs = working
    dialog = _dialog(qtbot, backend, jobs)
    _fill(dialog, "bukan-sandinya", NEW, NEW)
    dialog.change_button.click()
    qtbot.waitUntil(lambda: dialog.change_button.isEnabled(), timeout=30_000)
    assert dialog.message.text().startswith("Kata sandi sekarang: salah.")
    assert dialog.current.hasFocus() and dialog.isVisible()
    assert _old_still_logs_in(live_server, backend.user)


def test_the_new_password_opens_the_data_after_a_restart_and_the_old_does_not(
    qtbot: QtBot, working: tuple[Services, JobRunner], live_server: Any
) -> None:
    backend, jobs = working
    other = live_server.login(backend.user, OLD, device_id="pc-lain")
    dialog = _dialog(qtbot, backend, jobs)
    _fill(dialog, OLD, NEW, NEW)
    with qtbot.waitSignal(dialog.changed, timeout=60_000) as changed:
        dialog.change_button.click()
    assert changed.args == [1]  # the session on pc-lain ended
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert live_server.request("GET", "/v1/me", other).json()["error"] == "revoked"
    assert live_server.request("GET", "/v1/me", backend._token).status_code == 200
    backend.db.close()
    restarted = Access(backend.paths, Settings(device_id="pc-kantor", username=backend.user))
    key, _state = restarted.unlock_with_password(backend.user, NEW)
    assert key == backend.db.key
    with pytest.raises(AccessRefused) as old:
        restarted.unlock_with_password(backend.user, OLD)
    assert old.value.code is ErrorCode.LOGIN_OFFLINE_REFUSED
    assert not _old_still_logs_in(live_server, backend.user)


def test_a_change_answered_revoked_locks_the_window(
    qtbot: QtBot, working: tuple[Services, JobRunner], live_server: Any
) -> None:
    """An account disabled since the login: the change is refused as revoked, and the
    window locks the data at once (as a sync told so would)."""
    from silon_desktop.ui.main_window import MainWindow

    backend, _jobs = working
    window = MainWindow(backend)
    qtbot.addWidget(window)
    window.show()
    live_server.cli("user", "disable", backend.user)
    dialog = window.show_password_change()
    _fill(dialog, OLD, NEW, NEW)  # type: ignore[arg-type]
    with qtbot.waitSignal(window.ended, timeout=60_000) as ended:
        dialog.change_button.click()  # type: ignore[attr-defined]
    assert ended.args == ["locked"]
    assert keyfile.KeyFile.load(backend.paths.data).password == {}


def test_the_berkas_menu_opens_the_dialog_for_the_logged_in_account(
    qtbot: QtBot, window: Any
) -> None:
    menu = window.menuBar().actions()[0].menu()
    assert menu.title() == "&Berkas"
    action = next(a for a in menu.actions() if a.objectName() == "changePassword")
    assert action.text() == "Ganti &kata sandi..."
    action.trigger()
    dialog = window.findChild(PasswordDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Ganti kata sandi"
    dialog.reject()
