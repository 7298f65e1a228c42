"""Screenshots of the USB bundle dialogs and the LO's problem list at 1366x768
(not part of the test suite; docs/USER_GUIDE.md shows them).

Run under Xvfb::

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python tests/e2e/take_bundle_screenshots.py

It starts a REAL server process, logs in, works offline, exports a bundle, has
the server import it and export its feed bundle, and shows the import's account
before confirming; then imports a list with problems and shows the result view.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.e2e.take_screenshots import OUT, PASSWORD, wait  # noqa: E402


def grab_screen(app: object, name: str) -> None:
    """The whole screen: a dialog over the window is a window of its own."""
    import os

    from PySide6.QtGui import QGuiApplication

    wait(app, lambda: False, 600)
    screen = QGuiApplication.primaryScreen()
    pixmap = screen.grabWindow(0) if os.environ.get("DISPLAY") else None
    if pixmap is None:
        raise SystemExit("run under Xvfb (see the module docstring)")
    path = OUT / f"{name}.png"
    pixmap.save(str(path))
    print(f"wrote {path} ({pixmap.width()}x{pixmap.height()})")


def main() -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from silon_desktop import paths
    from silon_desktop.ui.import_wizard import ImportWizard
    from silon_desktop.ui.main_window import MainWindow
    from tests.gui.sample_data import open_backend, seed_small
    from tests.integration.server_process import ServerProcess
    from tests.unit.importers.sheets import supporter_rows, write_xlsx

    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp(prefix="silon-bundle-shots-"))
    with ServerProcess.start(tmp / "server") as server:
        server.add_user("op3214", PASSWORD)
        backend = open_backend(paths.resolve(tmp / "client").ensure(), user="")
        backend.settings.server_url = server.url
        assert backend.login("op3214", PASSWORD).online
        backend.settings.server_url = "http://127.0.0.1:9"  # the office is offline now
        backend.online = False
        window = MainWindow(backend)
        window.resize(1366, 740)
        window.showMaximized()
        window.update_user()
        ids = seed_small(backend, supporters=40)
        window.reload_tree(select=("pair", ids["pair"]))
        window.sync.refresh_status()
        wait(app, lambda: window.sync.last is not None)

        stick = tmp / "flashdisk" / "bundel-perubahan-op3214.silon"
        stick.parent.mkdir()
        done: list[object] = []
        window.bundles.exported.connect(done.append)
        window.bundles.export_to(stick)
        wait(app, lambda: bool(done))
        box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
        grab_screen(app, "09-bundle-exported")
        box.close()

        server.cli("bundle", "import", str(stick))
        back = tmp / "flashdisk" / "dari-server.silon"
        server.cli("bundle", "export", "--scope", "32.14", "--output", str(back))
        read: list[object] = []
        window.bundles.contentsRead.connect(lambda *args: read.append(args))
        window.bundles.inspect(back)
        wait(app, lambda: bool(read))
        grab_screen(app, "10-bundle-import-account")
        assert window.bundles.confirm is not None
        imported: list[object] = []
        window.bundles.imported.connect(imported.append)
        window.bundles.confirm.close()
        window.bundles.import_from(back)
        wait(app, lambda: bool(imported))
        window.sync.refresh_status()
        wait(app, lambda: "Belum terkirim: 0" in window.sync_status.pending_label.text())
        grab_screen(app, "11-bundle-imported")

        rows = supporter_rows(12)
        rows[1][4] = "31-02-1980"
        rows[3] = list(rows[0])
        rows[5][5] = "X"
        rows[7][11] = "Desa Antah Berantah"
        path = write_xlsx(tmp / "dukungan-kec-campaka.xlsx", [*rows, ["JUMLAH", "", "12"]])
        wizard = ImportWizard(
            backend.imports, ids["pair"], window, pair=backend.get("pair", ids["pair"])
        )
        wizard.resize(1100, 640)
        wizard.show()
        wizard.path_edit.setText(str(path))
        wizard.next_button.click()
        wait(app, lambda: wizard.pages.currentIndex() == wizard.PAGE_MAPPING)
        wizard.scan_check.setChecked(True)
        results: list[object] = []
        wizard.imported.connect(results.append)
        wizard.import_button.click()
        wait(app, lambda: bool(results) and wizard.job is None)
        grab_screen(app, "12-import-problems")
        wizard.close()
        window.close()
        backend.db.engine.dispose()


if __name__ == "__main__":
    main()
