"""GUI fixtures: a fresh database with sample data per test, and a main window over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from silon_desktop import paths
from tests.fixtures import new_database
from tests.gui.sample_data import open_backend, seed_small
from tests.qt_keys import release_held_modifiers
from tests.qt_threads import ThreadWatch, check_no_dangling_threads


@pytest.fixture(autouse=True)
def _no_dangling_qthreads(monkeypatch: pytest.MonkeyPatch) -> Iterator[ThreadWatch]:
    """Every GUI test fails if it leaves a QThread running (see tests/qt_threads.py)."""
    watch = ThreadWatch()
    watch.install(monkeypatch)
    yield watch
    try:
        check_no_dangling_threads(watch)
    finally:
        watch.stop_all()  # the next tests run on, whatever this one left


@pytest.fixture(autouse=True)
def _no_modifier_held() -> Iterator[None]:
    """Every GUI test starts and ends with no Ctrl/Shift held: a test ending with
    Ctrl+Z leaves Ctrl held app-wide, and the next test's ``selectRow`` toggled
    (see tests/qt_keys.py)."""
    release_held_modifiers()
    yield
    release_held_modifiers()


@pytest.fixture
def backend(data_dir: Path) -> Iterator[Any]:
    app_paths = paths.resolve(data_dir).ensure()
    new_database(app_paths.database)  # a copy of an empty one: faster than making it
    b = open_backend(app_paths)
    yield b
    b.db.close()  # stops a WAL checkpoint a bulk commit started, then the engine


@pytest.fixture
def seeded(backend: Any) -> dict[str, str]:
    return seed_small(backend)


@pytest.fixture
def window(qtbot: QtBot, backend: Any) -> Iterator[Any]:
    from silon_desktop.ui.main_window import MainWindow

    win = MainWindow(backend)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


PASSWORD = "rahasia-3214"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A REAL server process on loopback with an operator account for Kab. Purwakarta."""
    from tests.integration.server_process import ServerProcess

    with ServerProcess.start(tmp_path_factory.mktemp("server")) as server:
        server.add_user("op3214", PASSWORD, role="kabkota", region="32.14")
        yield server
