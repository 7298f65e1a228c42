"""The main window (first shell: grows with the application issue)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from silon_desktop.config import Settings
from silon_desktop.paths import AppPaths


class MainWindow(QMainWindow):
    def __init__(self, app_paths: AppPaths, settings: Settings) -> None:
        super().__init__()
        self.app_paths = app_paths
        self.settings = settings
        self.setWindowTitle(self.tr("Silon Desktop"))
        self.resize(1280, 720)
        label = QLabel(self.tr("Data tersimpan di: %1").replace("%1", str(app_paths.data)))
        self.setCentralWidget(label)
        self.statusBar().showMessage(self.tr("Luring"))
