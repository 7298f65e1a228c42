"""Entry script of the frozen Silon Desktop bundle (PyInstaller needs a file).

One program, two roles, chosen before anything heavy is imported:

* ``silon-desktop [ARGS]``: the desktop application and its headless subcommands
  (``silon_desktop.cli:main``), exactly as the ``silon-desktop`` console script.
* ``silon-desktop --server-main [ARGS]`` or an executable named ``silon-server``:
  the server (``sync.server.cli:main``), so the application can start its
  training server from inside the bundle (see ``silon_desktop.runtime.server_command``).

The same file runs from source (``python packaging/launcher.py``); the start-up
benchmark uses that to compare the bundle with the source run like for like.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path

SERVER_FLAG = "--server-main"


def _wants_server(argv: list[str]) -> bool:
    if argv[1:2] == [SERVER_FLAG]:
        return True
    return Path(argv[0]).stem.lower().startswith("silon-server")


def _run_server(argv: list[str]) -> int:
    from sync.server.cli import main as server_main

    args = argv[2:] if argv[1:2] == [SERVER_FLAG] else argv[1:]
    sys.argv = ["silon-server", *args]
    return int(server_main(args) or 0)


def _install_shown_fallback() -> None:
    """Benchmark aid: report the first shown main window, then quit.

    Only active with ``SILON_EXIT_AFTER_SHOW=1``. The precise hook is
    ``silon_desktop.runtime.report_shown_and_maybe_exit`` called by app.py; this
    fallback (Qt is allowed here: the launcher is not part of the package) wraps
    ``QApplication.exec`` and polls for a visible main window, so the benchmark
    works whether or not app.py calls the hook.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    from silon_desktop import runtime

    original_exec = QApplication.exec

    def poll() -> None:
        shown = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMainWindow) and w.isVisible()
        ]
        if not shown:
            QTimer.singleShot(20, poll)
            return
        runtime.print_shown_marker("launcher")
        QApplication.exit(0)

    def exec_and_report(*_args: object) -> int:
        QTimer.singleShot(0, poll)
        return int(original_exec())

    QApplication.exec = exec_and_report  # type: ignore[method-assign]


def main() -> int:
    multiprocessing.freeze_support()
    if _wants_server(sys.argv):
        return _run_server(sys.argv)
    if os.environ.get("SILON_EXIT_AFTER_SHOW") == "1":
        _install_shown_fallback()
    from silon_desktop.cli import main as desktop_main

    return int(desktop_main())


if __name__ == "__main__":
    sys.exit(main())
