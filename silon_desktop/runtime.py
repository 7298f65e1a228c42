"""Where the program runs from: source checkout or frozen PyInstaller bundle.

Plain Python, no Qt (the main-window hook is duck-typed), cheap to import.

- ``frozen()``: True inside the bundle built from ``build.spec``.
- ``resources_dir()`` / ``resource(*parts)``: shipped resources (regions,
  translations, templates, icons), from source or from the bundle.
- ``server_command()``: the argv that starts ``silon-server`` from here: the
  console script (source) or the bundled executable (frozen). The application
  starts its training server as ``[*server_command(), "training", ...]``.
- ``report_shown_and_maybe_exit(window, qt_app)``: app.py calls it right after
  ``window.show()``; with ``SILON_EXIT_AFTER_SHOW=1`` it prints a marker and
  exits, which is how the start-up benchmark sees a shown window.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path
from typing import Protocol

from silon_desktop import paths

#: hidden first argument of the bundled executable that runs the server instead
SERVER_FLAG = "--server-main"
#: environment variable: print SHOWN_MARKER and exit once the main window is shown
EXIT_AFTER_SHOW_ENV = "SILON_EXIT_AFTER_SHOW"
#: the line the start-up benchmark waits for on stdout
SHOWN_MARKER = "SILON_MAIN_WINDOW_SHOWN"


class _EventPump(Protocol):
    def processEvents(self) -> None: ...  # noqa: N802 (Qt's name)


def frozen() -> bool:
    """True when running from the PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def bundle_dir() -> Path | None:
    """The bundle's folder holding the executables (``dist/silon-desktop``), if frozen."""
    if not frozen():
        return None
    return Path(sys.executable).resolve().parent


def resources_dir() -> Path:
    """The shipped resources folder (same rule as ``paths.resources_dir``)."""
    return paths.resources_dir()


def resource(*parts: str) -> Path:
    """A path inside the shipped resources, e.g. ``resource("i18n", "silon_en.qm")``."""
    return resources_dir().joinpath(*parts)


def _exe_suffix() -> str:
    return ".exe" if os.name == "nt" else ""


def server_command() -> list[str]:
    """The argv prefix that starts the Silon server from this installation.

    Frozen: the bundle's own executable with the hidden ``--server-main``
    argument (the ``silon-server`` wrapper beside it does the same for people).
    From source: the ``silon-server`` console script of the active environment,
    or the interpreter running ``sync.server.cli`` when no script is installed.
    """
    if frozen():
        return [sys.executable, SERVER_FLAG]
    script = Path(sys.executable).parent / f"silon-server{_exe_suffix()}"
    if script.is_file():
        return [str(script)]
    found = shutil.which("silon-server")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from sync.server.cli import main; sys.exit(main())"]


def desktop_command() -> list[str]:
    """The argv prefix that starts ``silon-desktop`` from this installation."""
    if frozen():
        return [sys.executable]
    return [sys.executable, "-m", "silon_desktop"]


def exit_after_show_requested() -> bool:
    """True when ``SILON_EXIT_AFTER_SHOW=1`` (start-up measurements)."""
    return os.environ.get(EXIT_AFTER_SHOW_ENV) == "1"


def print_shown_marker(source: str) -> None:
    """Print the marker line the start-up benchmark waits for, and flush it."""
    sys.stdout.write(f"{SHOWN_MARKER} via={source} frozen={int(frozen())} t={time.time():.3f}\n")
    sys.stdout.flush()


def report_shown_and_maybe_exit(
    window: object, qt_app: _EventPump | None = None, source: str = "app"
) -> None:
    """Call right after ``window.show()`` in app.py; a no-op unless measuring.

    With ``SILON_EXIT_AFTER_SHOW=1``: deliver the pending show/paint events,
    print ``SHOWN_MARKER`` and exit with status 0 (``SystemExit``), so the
    benchmark can time the start-up to a shown main window without a display.

    Args:
        window: the main window just shown (only its ``isVisible`` is used).
        qt_app: the ``QApplication``; its events are processed before the marker.
        source: which window the marker names (``via=app``: the main window;
            ``via=login``: the login dialog, the first window before a login).
    """
    if not exit_after_show_requested():
        return
    if qt_app is not None:
        qt_app.processEvents()
    is_visible = getattr(window, "isVisible", None)
    if callable(is_visible) and not is_visible():
        return  # not shown after all: let the launcher's fallback report it later
    print_shown_marker(source)
    raise SystemExit(0)
