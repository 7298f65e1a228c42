"""Where Silon Desktop keeps its files: one module, so tests and trainers can redirect it.

By default the platform's user folders (platformdirs); ``--data-dir PATH`` or the
``SILON_DATA_DIR`` environment variable puts everything (database, documents,
backups, logs, settings) under one folder, so several operators' data can live
side by side on one machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "SilonDesktop"
APP_AUTHOR = "KPU"
#: The training server's folder inside a practice data folder (made by training mode).
TRAINING_SERVER_DIR = "training-server"


@dataclass(frozen=True, slots=True)
class AppPaths:
    data: Path
    logs: Path

    @property
    def database(self) -> Path:
        return self.data / "silon.db"

    @property
    def documents(self) -> Path:
        """Requirement documents, kept beside the database."""
        return self.data / "documents"

    @property
    def backups(self) -> Path:
        return self.data / "backups"

    @property
    def settings(self) -> Path:
        return self.data / "settings.json"

    @property
    def training_server(self) -> Path:
        """Training mode's server data (``--training``), inside its practice folder."""
        return self.data / TRAINING_SERVER_DIR

    @property
    def practice(self) -> bool:
        """Whether training mode made this folder (its training server's folder inside):
        its data is practice data, LATIHAN from the first window on, whatever it synced."""
        return self.training_server.is_dir()

    @property
    def log_file(self) -> Path:
        return self.logs / "silon-desktop.log"

    @property
    def tmp(self) -> Path:
        """Temporary files (export scratch files, bundles being written): inside the
        data folder, never the system's temp folder; emptied at every start."""
        return self.data / "tmp"

    def ensure(self) -> AppPaths:
        """The folders created owner-only (0700), and what a killed run left removed."""
        from sync.privacy import private_folder

        for folder in (self.data, self.logs, self.documents, self.backups, self.tmp):
            private_folder(folder)
        return tidy(self)


def tidy(app_paths: AppPaths) -> AppPaths:
    """At start: remove what a killed run left (scratch files, ``.partial`` backups,
    a half-restored database) and make every file of the data and log folders
    owner-only (files of earlier versions were created 0644). Does not create folders."""
    from sync.privacy import sweep_leftovers, tighten_tree

    if not app_paths.data.is_dir():
        return app_paths
    sweep_leftovers(app_paths.tmp, app_paths.data, app_paths.backups)
    tighten_tree(app_paths.data)
    if not app_paths.logs.is_relative_to(app_paths.data):
        tighten_tree(app_paths.logs)
    return app_paths


def resolve(data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
    """The folders to use: an explicit folder, ``SILON_DATA_DIR``, or the platform's."""
    chosen = data_dir or os.environ.get("SILON_DATA_DIR")
    if chosen:
        root = Path(chosen).expanduser().resolve()
        return AppPaths(data=root, logs=root / "logs")
    return AppPaths(
        data=Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)),
        logs=Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR)),
    )


PRACTICE_NAME = "SilonDesktop-Latihan"


def resolve_training(data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
    """The folders of ``--training`` (practice data): an explicit folder, else a
    practice folder of its own beside (never inside) the real data folder, whatever
    ``SILON_DATA_DIR`` says, so practice records never mix with real ones."""
    if data_dir:
        return resolve(data_dir)
    real = os.environ.get("SILON_DATA_DIR")
    if real:
        root = Path(real).expanduser().resolve()
        practice = root.with_name(f"{root.name}-latihan")
        return AppPaths(data=practice, logs=practice / "logs")
    return AppPaths(
        data=Path(platformdirs.user_data_dir(PRACTICE_NAME, APP_AUTHOR)),
        logs=Path(platformdirs.user_log_dir(PRACTICE_NAME, APP_AUTHOR)),
    )


def resources_dir() -> Path:
    """The shipped resources (regions, translations, templates, icons).

    In a PyInstaller bundle they sit under ``sys._MEIPASS``; from source, at the
    repository root.
    """
    import sys

    bundled = getattr(sys, "_MEIPASS", None)
    if bundled:
        return Path(bundled) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
