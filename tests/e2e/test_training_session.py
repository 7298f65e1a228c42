"""The newcomer's first minute: ``silon-desktop --training`` starts a local training
server, prints a practice account, and a login with it syncs the practice data."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

ROOT = Path(__file__).resolve().parents[2]


def test_training_flag_prints_an_account_and_stops_its_server(tmp_path: Path) -> None:
    env = dict(os.environ, SILON_EXIT_AFTER_SHOW="1", QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "silon_desktop", "--training", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Akun latihan: latih01  kata sandi: bimtek2024" in done.stdout
    # the practice account logged in by itself: the main window, not the login dialog
    assert "SILON_MAIN_WINDOW_SHOWN via=app" in done.stdout
    assert (tmp_path / "silon.key").exists()  # the first login made the data key
    url = next(
        line.split()[-1] for line in done.stdout.splitlines() if line.startswith("Server latihan: ")
    )
    port = int(url.rsplit(":", 1)[1])
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass  # the child server was stopped with the application
    settings = (tmp_path / "settings.json").read_text()
    assert url in settings and "bimtek2024" not in settings


def test_log_in_with_the_practice_account_and_sync(qtbot: QtBot, tmp_path: Path) -> None:
    from silon_desktop import paths
    from silon_desktop.app import TrainingServer
    from silon_desktop.ui.login_dialog import LoginDialog
    from silon_desktop.ui.main_window import MainWindow
    from tests.gui.sample_data import open_backend

    server = TrainingServer(tmp_path / "training-server").start()
    try:
        # it stops by itself should this program be killed (test_training_parent)
        assert server.proc is not None and server.proc.args[-2:] == ["--parent", str(os.getpid())]
        backend: Any = open_backend(paths.resolve(tmp_path / "client").ensure(), user="")
        backend.settings.server_url = server.url
        window = MainWindow(backend)
        qtbot.addWidget(window)
        window.show()
        login = LoginDialog(backend, window.jobs, window)
        qtbot.addWidget(login)
        login.show()
        QTest.keyClicks(login.username, server.username)
        QTest.keyClicks(login.password, server.password)
        with qtbot.waitSignal(login.loggedIn, timeout=20_000):
            QTest.keyClick(login.password, Qt.Key.Key_Return)
        with qtbot.waitSignal(window.sync.syncFinished, timeout=60_000) as finished:
            window.sync.sync_now()
        report = finished.args[0]
        assert report["complete"] and report["pulled"] > 0, report
        window.reload_tree()
        assert window.tree.topLevelItemCount() >= 1
        election = window.tree.topLevelItem(0)
        window.tree.setCurrentItem(election.child(0))
        assert window.stack.currentWidget() is window.pair_page
        pair_id = window.pair_page.pair_id
        total = backend.status_counts(pair_id)["total"]
        model = window.pair_page.supporters.model
        # the table shows its first rows at once and grows to the count made in the background
        qtbot.waitUntil(lambda: model.rowCount() == total, timeout=20_000)
        window.close()
        backend.db.engine.dispose()
    finally:
        server.stop()
    assert server.proc is not None and server.proc.poll() is not None
