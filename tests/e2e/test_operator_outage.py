"""An operator's day with an outage: the REAL server process dies in the middle of a
sync and comes back; the status bar says so, nothing is lost, and the waiting changes
go out by themselves when the server answers again."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

PASSWORD = "rahasia-3214"


def test_server_killed_mid_sync_then_back(qtbot: QtBot, tmp_path: Path) -> None:
    from silon_desktop import paths
    from silon_desktop.ui.main_window import MainWindow
    from tests.gui.sample_data import open_backend, seed_small
    from tests.integration.server_process import ServerProcess

    with ServerProcess.start(tmp_path / "server") as server:
        server.add_user("op3214", PASSWORD, role="kabkota", region="32.14")
        backend: Any = open_backend(paths.resolve(tmp_path / "client").ensure())
        try:
            backend.settings.server_url = server.url
            assert (login := backend.login("op3214", PASSWORD)).ok and login.online
            ids = seed_small(backend)
            window = MainWindow(backend)
            qtbot.addWidget(window)
            window.show()
            window.open_record("pair", ids["pair"])
            bar = window.sync_status

            # The server freezes with the push in flight, then dies.
            os.kill(server.pid, signal.SIGSTOP)
            with qtbot.waitSignal(window.sync.syncFinished, timeout=60_000) as finished:
                with qtbot.waitSignal(window.sync.syncStarted):
                    window.sync.sync_now()
                server.kill()
            report = finished.args[0]
            assert not report["complete"] and report["error_kind"] == "offline", report
            with qtbot.waitSignal(window.sync.statusChanged, timeout=10_000) as status:
                window.sync.refresh_status(check_online=True)
            assert status.args[0].online is False
            assert bar.online_label.text() == "● Luring"
            assert status.args[0].pending + status.args[0].sent == 33  # nothing lost
            message = window.statusBar().currentMessage()
            assert message.startswith("Server tidak dapat dihubungi")

            # Back: the periodic status check finds it and the run starts by itself.
            window.sync.timer.start()
            server.restart()
            with qtbot.waitSignal(window.sync.syncFinished, timeout=60_000) as again:
                window.sync.refresh_status(check_online=True)  # what the 15 s timer does
            assert again.args[0]["complete"], again.args[0]
            with qtbot.waitSignal(window.sync.statusChanged, timeout=10_000) as after:
                window.sync.refresh_status()
            assert after.args[0].pending + after.args[0].sent == 0
            assert bar.online_label.text() == "● Daring"

            # A colleague's computer pulls every record: all of them reached the server.
            colleague: Any = open_backend(paths.resolve(tmp_path / "colleague").ensure())
            try:
                colleague.settings.server_url = server.url
                assert (login := colleague.login("op3214", PASSWORD)).ok and login.online
                assert colleague.run_sync(lambda _p: None, threading.Event())["complete"]
                assert len(colleague.list("supporter", pair_id=ids["pair"])) == 30
            finally:
                colleague.db.engine.dispose()
            window.close()
        finally:
            backend.db.engine.dispose()
