"""The first login's conversion of a plain database shows its progress on the login
dialog (issue #14: about two minutes for a million supporters), the dialog stays
responsive, and closing it midway leaves the plain data usable.

Against a real server process (tests/gui/conftest.py live_server)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from silon_desktop import paths
from silon_desktop.config import Settings
from silon_desktop.services.access import Access, LoginGate
from silon_desktop.storage import backup, cipher
from silon_desktop.ui.login_dialog import LoginDialog
from silon_desktop.ui.workers import JobRunner
from tests.gui.conftest import PASSWORD
from tests.unit.services.test_conversion_progress import NIK, ROWS, plant_plain


@pytest.fixture(autouse=True)
def _report_every_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cipher, "REPORT_EVERY_S", 0.0)


def _dialog(qtbot: QtBot, data: Path, server: Any) -> tuple[LoginDialog, LoginGate, JobRunner]:
    folder = paths.resolve(data).ensure()
    plant_plain(folder.database)
    settings = Settings(server_url=server.url, device_id="pc-konversi", username="op3214")
    gate = LoginGate(Access(folder, settings))
    jobs = JobRunner()
    dialog = LoginDialog(gate, jobs)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password.setText(PASSWORD)
    return dialog, gate, jobs


def test_the_login_dialog_shows_the_conversion_and_the_data_is_whole(
    qtbot: QtBot, tmp_path: Path, live_server: Any
) -> None:
    dialog, gate, jobs = _dialog(qtbot, tmp_path / "kantor", live_server)
    shown: list[tuple[bool, int, str]] = []

    def seen(value: int) -> None:  # on the UI thread, while the worker converts
        shown.append((dialog.conversion.isVisible(), value, dialog.message.text()))

    dialog.conversion.valueChanged.connect(seen)
    with qtbot.waitSignal(dialog.loggedIn, timeout=120_000):
        dialog.login_button.click()
    jobs.stop_all()
    assert len(shown) > 3  # the bar moved while converting
    assert all(visible for visible, _, _ in shown)
    values = [value for _, value, _ in shown]
    assert values == sorted(values) and values[-1] == 1000
    texts = " ".join(text_ for _, _, text_ in shown)
    assert "Mengenkripsi data di komputer ini" in texts
    assert "data tetap seperti semula" in texts
    assert not dialog.conversion.isVisible()  # hidden once the data is open
    session = gate.session
    assert session is not None
    with session.db.session(readonly=True) as s:
        assert s.execute(text("SELECT count(*) FROM planted")).scalar_one() == ROWS
        assert s.execute(text("SELECT name FROM planted WHERE nik = :n"), {"n": NIK}).scalar() == (
            "Warga 0"
        )
    session.db.close()
    assert not cipher.is_plain(session.db.path)
    assert all(not cipher.is_plain(b.path) for b in backup.list_backups(gate.access.paths.backups))


def test_closing_the_dialog_midway_stops_the_conversion_and_the_plain_data_stays(
    qtbot: QtBot, tmp_path: Path, live_server: Any
) -> None:
    dialog, gate, jobs = _dialog(qtbot, tmp_path / "kantor", live_server)
    database = gate.access.paths.database
    closed = threading.Event()
    login = gate.login

    def held_login(*args: Any, progress: Any = None, **kwargs: Any) -> Any:
        """The worker waits at its first report of the copy until the window was
        closed: the close lands midway however fast this machine converts."""

        def report(value: Any) -> None:
            progress(value)
            if value[0] == "encrypt" and not closed.is_set():
                assert closed.wait(30)

        return login(*args, progress=report, **kwargs)

    gate.login = held_login  # type: ignore[method-assign]

    seen: dict[str, Any] = {}

    def close_when_copying(value: int) -> None:
        if "Mengenkripsi data" in dialog.message.text() and not closed.is_set():
            dialog.close()  # the window's close button
            # read while the worker is still held: once released it may stop at once
            seen.update(
                visible=dialog.isVisible(),
                message=dialog.message.text(),
                button=dialog.login_button.isEnabled(),
            )
            closed.set()

    dialog.conversion.valueChanged.connect(close_when_copying)
    dialog.login_button.click()
    qtbot.waitUntil(closed.is_set, timeout=120_000)
    assert seen["visible"]  # still open while the worker stops
    assert "Menghentikan enkripsi" in seen["message"]
    assert not seen["button"]
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=60_000)
    assert dialog.result() == LoginDialog.DialogCode.Rejected
    assert gate.session is None  # no data opened
    jobs.stop_all()
    assert not database.with_name("silon.db.encrypting").exists()
    assert cipher.is_plain(database) and backup.verify(database)
    from silon_desktop.storage.db import open_database

    plain = open_database(database)
    with plain.session(readonly=True) as s:
        assert s.execute(text("SELECT count(*) FROM planted")).scalar_one() == ROWS
    plain.close()
