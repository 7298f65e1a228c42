"""Screenshots of the main screens at 1366x768 (not part of the test suite).

Run under Xvfb::

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python tests/e2e/take_screenshots.py

It starts a REAL server process, fills a local database with sample data, makes a
conflict with a second client, and writes PNGs into docs/screenshots/.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = Path(os.environ.get("SILON_SCREENSHOTS") or ROOT / "docs" / "screenshots")
PASSWORD = "rahasia-3214"


def wait(app: Any, condition: Any, timeout_ms: int = 20_000) -> None:
    from PySide6.QtCore import QDeadlineTimer, QEventLoop, QTimer

    deadline = QDeadlineTimer(timeout_ms)
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(lambda: (condition() or deadline.hasExpired()) and loop.quit())
    timer.start()
    loop.exec()
    timer.stop()


def grab(app: Any, widget: Any, name: str) -> None:
    wait(app, lambda: False, 400)  # let layouts and paint settle
    screen = widget.screen()
    pixmap = screen.grabWindow(widget.winId()) if os.environ.get("DISPLAY") else widget.grab()
    path = OUT / f"{name}.png"
    pixmap.save(str(path))
    print(f"wrote {path} ({pixmap.width()}x{pixmap.height()})")


def main() -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from silon_desktop import paths
    from silon_desktop.ui.login_dialog import LoginDialog
    from silon_desktop.ui.main_window import MainWindow
    from tests.gui.sample_data import open_backend, seed_small
    from tests.integration.server_process import ServerProcess

    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp(prefix="silon-shots-"))
    with ServerProcess.start(tmp / "server") as server:
        server.add_user("op3214", PASSWORD)
        backend = open_backend(paths.resolve(tmp / "client").ensure(), user="")
        backend.settings.server_url = server.url
        window = MainWindow(backend)
        window.resize(1366, 740)
        window.showMaximized()

        login = LoginDialog(backend, window.jobs, window)
        login.username.setText("op3214")
        login.password.setText(PASSWORD)
        login.show()
        grab(app, window, "01-login")
        login.attempt(online=True)
        wait(app, lambda: login.result_ is not None)
        login.close()
        window.update_user()

        ids = seed_small(backend, supporters=400)
        window.reload_tree(select=("pair", ids["pair"]))
        page = window.pair_page
        supporters = page.supporters
        page.setCurrentWidget(supporters)
        supporters.verify_mode.setChecked(True)
        supporters.table.setFocus()
        for reason in ("", "", "NO_ID_SCAN", "", "DECEASED", "", "", "OUTSIDE_REGION", ""):
            row = supporters.table.currentIndex().row()
            supporters.verify_rows([row], reason)
            supporters._advance()
        supporters.refresh_counts()
        wait(app, lambda: "MS <b>6" in supporters.counts_label.text())
        window.sync.refresh_status()
        wait(app, lambda: window.sync.last is not None)
        grab(app, window, "02-supporters-verification")

        page.setCurrentIndex(1)
        form = page.candidates.form
        nik = form.widgets["nik"]
        nik.setFocus()
        nik.selectAll()
        QTest.keyClicks(nik, "3214014508800001")  # fills birth date and sex
        QTest.keyClick(nik, Qt.Key.Key_Return)
        for name, text in (("birth_place", "PURWAKARTA"), ("occupation", "WIRASWASTA")):
            form.widgets[name].setText(text)
            QTest.keyClick(form.widgets[name], Qt.Key.Key_Return)
        QTest.keyClicks(form.widgets["name"], "X")  # a typo shows the check as you type
        QTest.mouseClick(page.documents.add_button, Qt.MouseButton.LeftButton)
        scan = tmp / "ijazah.pdf"
        scan.write_bytes(b"%PDF-1.4 ijazah")
        attached: list[str] = []
        page.documentAttached.connect(attached.append)
        page.attach_file(scan)
        wait(app, lambda: bool(attached))
        form.widgets["nik"].setFocus()
        grab(app, window, "03-candidate-form")

        window.sync.sync_now()
        wait(app, lambda: not window.sync.is_running())
        colleague = open_backend(paths.resolve(tmp / "colleague").ensure(), user="op3214")
        colleague.settings.server_url = server.url
        colleague.login("op3214", PASSWORD)
        colleague.run_sync(lambda _p: None, threading.Event())
        colleague.update("pair", ids["pair"], {"deputy_name": "SITI AMINAH", "number": 2})
        colleague.run_sync(lambda _p: None, threading.Event())
        backend.update("pair", ids["pair"], {"deputy_name": "SITI NURHALIZA, S.H.", "number": 5})
        window.sync.sync_now()
        wait(app, lambda: not window.sync.is_running())
        window.sync.refresh_status()
        wait(app, lambda: window.sync.last is not None and window.sync.last.conflicts == 2)

        page.setCurrentWidget(page.dashboard)
        wait(app, lambda: page.dashboard.data is not None)
        grab(app, window, "04-dashboard")

        dialog = window.show_conflicts()
        dialog.choose(0, "edited", "SITI AMINAH NURHALIZA")
        grab(app, dialog, "05-conflicts")
        dialog.close()

        window.reload_tree(select=("pair", ids["pair"]))
        page.setCurrentWidget(page.pair_form)
        history = window.show_history()
        assert history is not None
        grab(app, history, "06-sync-history")
        history.close()
        window.close()
        colleague.db.engine.dispose()
        backend.db.engine.dispose()


if __name__ == "__main__":
    main()
