"""Catch a QThread a test leaves running (Qt aborts the process when a running QThread
is destroyed, so a leak crashes some later test instead of failing this one).

The GUI conftest watches every ``QThread.start`` (the idea of napari's
``_dangling_qthreads`` fixture) and fails the test that leaves one running. It fails
too on a Python thread of the program's own (``silon_desktop``, ``sync``: a WAL
checkpoint, a server's snapshot builder) that the test started and left running: it
goes on reading or writing that test's files while the next tests run.
"""

from __future__ import annotations

import sys
import threading
from weakref import WeakKeyDictionary

import pytest
from PySide6.QtCore import QThread

#: the packages whose own threads a test must not leave running
PROGRAM = ("silon_desktop.", "sync.")
ROOT = str(__import__("pathlib").Path(__file__).resolve().parents[1])


def _caller() -> str:
    """The project frames (file:line, innermost first) that started the thread."""
    frame = sys._getframe(2)
    places: list[str] = []
    while frame is not None and len(places) < 4:
        if frame.f_code.co_filename.startswith(ROOT):
            places.append(f"{frame.f_code.co_filename}:{frame.f_lineno}")
        frame = frame.f_back  # type: ignore[assignment]
    return " <- ".join(places) or "(outside the project)"


class ThreadWatch:
    """Remembers where each QThread was started, while installed."""

    def __init__(self) -> None:
        self.started: WeakKeyDictionary[QThread, str] = WeakKeyDictionary()
        #: Python threads alive before the test (a module's live server, say)
        self.before: set[threading.Thread] = set()

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        base_start = QThread.start
        started = self.started

        def start(thread: QThread, *args: object) -> None:
            started[thread] = _caller()
            base_start(thread, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(QThread, "start", start)
        self.before = set(threading.enumerate())

    def running(self) -> list[str]:
        """Where the threads still running were started."""
        out = []
        for thread, where in list(self.started.items()):
            try:
                if thread.isRunning():
                    out.append(f"{thread.objectName() or type(thread).__name__} from {where}")
            except RuntimeError:  # its C++ object is gone: it is not running
                continue
        for thread in threading.enumerate():
            module = getattr(getattr(thread, "_target", None), "__module__", None) or ""
            if thread not in self.before and module.startswith(PROGRAM):
                out.append(f"{thread.name} (a Python thread of {module})")
        return out

    def stop_all(self, ms: int = 5_000) -> None:
        for thread in list(self.started):
            try:
                thread.quit()
                thread.wait(ms)
            except RuntimeError:
                continue


def check_no_dangling_threads(watch: ThreadWatch) -> None:
    """Fail, naming where each thread still running was started."""
    left = watch.running()
    assert not left, (
        "Thread(s) left running by this test (wait for the job, or close the widget "
        "or database that owns it, before the test ends):\n" + "\n".join(left)
    )
