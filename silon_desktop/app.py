"""The composition root: paths, logging, database, sync engine, then Qt.

Nothing happens at import time; ``main(args)`` builds everything in order.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys

from silon_desktop import paths
from silon_desktop.config import Settings

log = logging.getLogger(__name__)


def setup_logging(app_paths: paths.AppPaths, verbose: bool = False) -> None:
    """A rotating log file in the log folder plus warnings on stderr."""
    app_paths.logs.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    file_handler = logging.handlers.RotatingFileHandler(
        app_paths.log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(fmt)
    root.addHandler(file_handler)
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING)
    console.setFormatter(fmt)
    root.addHandler(console)


def main(args: argparse.Namespace) -> int:
    app_paths = paths.resolve(args.data_dir).ensure()
    setup_logging(app_paths, args.verbose)
    settings = Settings.load(app_paths.settings)
    if args.lang:
        settings.language = args.lang
    if args.server:
        settings.server_url = args.server
    settings.save(app_paths.settings)
    log.info("starting Silon Desktop with data in %s", app_paths.data)
    sys.stderr.write(f"Silon Desktop: data folder {app_paths.data}\n")

    from PySide6.QtWidgets import QApplication

    from silon_desktop.ui.main_window import MainWindow

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(app_paths=app_paths, settings=settings)
    window.show()
    return int(qt_app.exec())
