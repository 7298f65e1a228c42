from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from silon_desktop import paths
from silon_desktop.config import Settings
from silon_desktop.ui.main_window import MainWindow


def test_main_window_opens_on_its_data_folder(qtbot: QtBot, data_dir: Path) -> None:
    app_paths = paths.resolve(data_dir).ensure()
    window = MainWindow(app_paths=app_paths, settings=Settings())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.isVisible()
    assert window.app_paths.database == data_dir / "silon.db"
