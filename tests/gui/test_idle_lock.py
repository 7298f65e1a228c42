"""A shared office PC: the window locks itself after a time without input, and the
password opens it again (silon_desktop.ui.idle_lock)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from silon_desktop import app, paths
from silon_desktop.config import IDLE_LOCK_MINUTES, Settings
from silon_desktop.ui import idle_lock
from silon_desktop.ui.login_dialog import LoginDialog
from silon_desktop.ui.main_window import MainWindow
from silon_desktop.ui.settings_dialog import SettingsDialog
from silon_desktop.ui.workers import writing
from sync import credentials
from tests.gui.test_data_entry import importing_3000_rows, typing_a_date, typing_a_deputy_name
from tests.gui.test_login_first import _logged_in_before
from tests.gui.test_practice_mark import _practice

NOWHERE = "http://127.0.0.1:9"


class Clock:
    """The seconds clock the watch reads, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    made = Clock()
    monkeypatch.setattr(idle_lock, "monotonic", made)
    monkeypatch.setattr(idle_lock, "CHECK_S", 0.02)  # the watch looks every 20 ms
    return made


def test_input_keeps_the_window_open_and_silence_locks_it(
    qtbot: QtBot, window: Any, clock: Clock
) -> None:
    """A key press, a click or a mouse move anywhere restarts the time; the window locks
    only after the set minutes with none, and says why on the login dialog."""
    backend = window.backend
    backend.settings.idle_lock_minutes = 2
    idled: list[bool] = []
    backend.idle_lock = lambda: idled.append(True)
    window.start()
    assert window.idle_watch is not None
    clock.now += 100
    QTest.keyClick(window.tree, Qt.Key.Key_Down)  # an operator at work
    clock.now += 100  # 200 s since the start, 100 s since the key
    qtbot.wait(100)
    assert window.isVisible() and not idled
    QTest.mouseMove(window.tree, QPoint(5, 5))
    clock.now += 119
    qtbot.wait(100)
    assert window.isVisible() and not idled
    clock.now += 1  # two minutes without input
    qtbot.waitUntil(lambda: bool(idled), timeout=5000)
    assert not window.isVisible() and window.ended_by == "idle"
    assert "lama tidak digunakan" in app._ended_text("idle")


def test_an_idle_lock_saves_what_is_being_typed_and_closes_the_dialogs(
    qtbot: QtBot, window: Any, seeded: dict[str, str], clock: Clock
) -> None:
    """The operator went away in the middle of a name, a record's history open: the name
    is saved before the data closes, and no dialog stays on screen with the data."""
    backend = window.backend
    backend.settings.idle_lock_minutes = 1
    typing_a_deputy_name(qtbot, window, seeded["pair"], "SITI AMINAH")
    history = window.show_history()
    qtbot.addWidget(history)
    at_lock: list[str] = []
    backend.idle_lock = lambda: at_lock.append(backend.get("pair", seeded["pair"])["deputy_name"])
    backend.lock = lambda: pytest.fail("an idle lock erases nothing")
    window.start()
    clock.now += 61
    qtbot.waitUntil(lambda: bool(at_lock), timeout=5000)
    assert at_lock == ["SITI AMINAH"]
    assert not history.isVisible() and window.ended_by == "idle"


def test_an_idle_lock_over_a_value_a_form_refused_names_it_on_the_login_dialog(
    qtbot: QtBot, window: Any, seeded: dict[str, str], clock: Clock
) -> None:
    """A date that does not exist, typed and left: the lock cannot save it (nor wait
    for the operator, who is away), so the login dialog names the field instead of
    saying that everything typed was saved."""
    backend = window.backend
    backend.settings.idle_lock_minutes = 1
    backend.idle_lock = lambda: None
    typing_a_date(qtbot, window, seeded["election"], "31-02-2024")
    window.start()
    clock.now += 61
    qtbot.waitUntil(lambda: window.ended_by == "idle", timeout=5000)
    assert window.unsaved_at_lock == ["Tanggal penetapan"]
    said = app._ended_text("idle", window.unsaved_at_lock)
    assert "Tanggal penetapan tidak tersimpan" in said and "lama tidak digunakan" in said
    assert "Semua yang sudah diketik tersimpan" not in said


def test_a_lock_stops_the_jobs_under_way_before_it_closes_the_data(
    qtbot: QtBot, window: Any
) -> None:
    """The window locks while a sync pulls pages and a list is written: the data was
    closed at once and the sync went on writing it on its own thread, the window gone.
    The window's jobs are cancelled and waited for first."""
    import threading
    import time

    backend = window.backend
    order: list[str] = []
    started = threading.Event()

    def run_sync(_progress: Any, cancel: threading.Event) -> dict[str, Any]:
        started.set()
        cancel.wait(10)
        time.sleep(0.2)  # the page under way is written after the cancel is seen
        order.append("sync ended")
        return {"cancelled": True}

    def write_report(_progress: Any, cancel: threading.Event) -> None:
        cancel.wait(10)
        order.append("report ended")

    backend.run_sync = run_sync
    backend.idle_lock = lambda: order.append("data closed")
    assert window.sync.sync_now() and started.wait(5)
    window.jobs.start(write_report, "b11")
    window.lock("idle")
    assert sorted(order[:2]) == ["report ended", "sync ended"]
    assert order[2:] == ["data closed"]


def test_a_file_being_written_when_the_window_locks_stops_and_is_not_left_half_made(
    qtbot: QtBot, window: Any, tmp_path: Path
) -> None:
    """A long list being written when the window locks (the operator away): the lock
    waited ten seconds for it, then closed the data under it while it went on reading.
    A writing job stops at its next progress report, and its file is not made."""
    import threading

    from sync.privacy import written_whole

    target = tmp_path / "B11.xlsx"
    rows_written: list[int] = []
    writing_started = threading.Event()
    failed: list[str] = []

    def export(progress: Any, _cancel: threading.Event) -> int:
        with written_whole(target) as partial:
            for n in range(1, 2000):
                partial.write_bytes(b"x" * n)
                rows_written.append(n)
                writing_started.set()
                progress(n)
                time.sleep(0.01)
        return n

    window.backend.idle_lock = lambda: None
    job = window.jobs.start(writing(export), "report-b11")
    job.failed.connect(failed.append)
    assert writing_started.wait(5)
    started = time.monotonic()
    window.lock("idle")
    assert time.monotonic() - started < 5  # stopped, not waited out
    assert len(rows_written) < 1999 and not target.exists()
    assert not list(tmp_path.glob("B11.xlsx.*"))  # no partial file left
    qtbot.waitUntil(lambda: bool(failed), timeout=5000)
    assert "dihentikan" in failed[0]


def test_practice_data_is_not_locked(qtbot: QtBot, window: Any) -> None:
    """A Bimtek room: practice data holds no citizen's data, and a lock in the middle of
    a trainer's explanation would only interrupt the room."""
    _practice(window.backend)
    window.start()
    assert window.idle_watch is None


def test_an_import_running_finishes_before_the_idle_lock_and_a_revocation_outranks_it(
    qtbot: QtBot, window: Any, seeded: dict[str, str], tmp_path: Path
) -> None:
    """An operator starts a long import and leaves the desk: the window hides at once,
    the import finishes, then the lock. A revocation told meanwhile erases what opens the
    data, as it would have without the idle lock."""
    backend = window.backend
    wizard = importing_3000_rows(qtbot, window, seeded["pair"], tmp_path)
    calls: list[str] = []
    backend.idle_lock = lambda: calls.append("idle")
    backend.lock = lambda: calls.append("locked")
    seen: dict[str, Any] = {}

    def lock_once(_progress: object) -> None:
        if not seen:
            window.lock("idle")
            seen.update(window=window.isVisible(), note=wizard.progress_label.text())
            window.lock("locked")  # the next sync is told the account was disabled

    wizard.import_button.click()
    assert wizard.job is not None
    wizard.job.progress.connect(lock_once)
    qtbot.waitUntil(lambda: bool(calls), timeout=60_000)
    assert seen["window"] is False
    assert "lama tidak digunakan" in seen["note"]
    assert calls == ["locked"] and window.ended_by == "locked"


def test_the_setting_is_kept_within_its_bounds(qtbot: QtBot, tmp_path: Path) -> None:
    """The minutes are chosen in the settings; a hand-edited file with nonsense gets the
    default, and zero or a negative number does not switch the lock off."""
    assert idle_lock.lock_minutes("lima") == IDLE_LOCK_MINUTES
    assert idle_lock.lock_minutes(None) == IDLE_LOCK_MINUTES
    assert idle_lock.lock_minutes(0) == idle_lock.MIN_MINUTES
    assert idle_lock.lock_minutes(-5) == idle_lock.MIN_MINUTES
    assert idle_lock.lock_minutes(10_000) == idle_lock.MAX_MINUTES
    settings = Settings()
    assert settings.idle_lock_minutes == IDLE_LOCK_MINUTES
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.idle_minutes.setValue(5)
    dialog._accept()
    assert settings.idle_lock_minutes == 5
    settings.save(tmp_path / "settings.json")
    assert Settings.load(tmp_path / "settings.json").idle_lock_minutes == 5


def test_after_an_idle_lock_the_login_comes_back_and_the_password_reopens_the_data(
    qtbot: QtBot, tmp_path: Path, clock: Clock
) -> None:
    """The whole application: an offline login, a window left alone, the login dialog
    again with the reason, the keyring's key of the data forgotten (a restart asks
    the password too), and the same password opening the data again."""
    del qtbot  # the QApplication
    folder = paths.resolve(tmp_path / "kantor").ensure()
    key = _logged_in_before(folder)
    credentials.set_data_key_secret(folder.data, b"k" * 32)
    settings = Settings(server_url=NOWHERE, username="op1", device_id="pc-1")
    settings.idle_lock_minutes = 1
    messages: list[str] = []
    windows: list[MainWindow] = []

    def visible(kind: type) -> Any:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, kind) and widget.isVisible():
                return widget
        return None

    def login() -> None:
        dialog = visible(LoginDialog)
        if dialog is None:
            QTimer.singleShot(20, login)
            return
        messages.append(dialog.message.text())
        if len(messages) == 1:
            dialog.password.setText("sandi-benar-1")
            dialog.offline_button.click()
            QTimer.singleShot(20, leave)
        else:  # locked: the operator comes back another day
            next(b for b in dialog.findChildren(QPushButton) if b.text() == "Batal").click()

    def leave() -> None:
        window = visible(MainWindow)
        if window is None or window.idle_watch is None:
            QTimer.singleShot(20, leave)
            return
        windows.append(window)
        clock.now += 61
        QTimer.singleShot(20, login)

    QTimer.singleShot(0, login)
    qt_app = QApplication.instance()
    assert app._sessions(folder, settings, qt_app) == 0
    assert len(windows) == 1 and windows[0].ended_by == "idle"
    assert "lama tidak digunakan" in messages[1]
    assert credentials.data_key_secret(folder.data) is None
    from silon_desktop.services.access import Access

    opened, _ = Access(folder, settings).unlock_with_password("op1", "sandi-benar-1")
    assert opened == key
