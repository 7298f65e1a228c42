"""Headless subcommands of ``silon-desktop`` (one module each, no Qt)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from silon_desktop.domain.errors import CodedError

if TYPE_CHECKING:
    from silon_desktop.config import Settings
    from silon_desktop.paths import AppPaths
    from silon_desktop.storage.db import Database


def add_data_dir_argument(parser: argparse.ArgumentParser) -> None:
    """``--data-dir`` after the subcommand too (``silon-desktop import F --data-dir D``)."""
    parser.add_argument(
        "--data-dir",
        metavar="PATH",
        default=argparse.SUPPRESS,  # absent: keep the global --data-dir (or the default)
        help="folder data yang menyimpan basis data lokal (sama dengan pilihan global)",
    )


def command_settings(
    args: argparse.Namespace, *, save_server: bool = False
) -> tuple[AppPaths, Settings]:
    """The data folder's paths (the folder made when missing) and its settings, a
    ``--server`` given in place of the saved address (saved too with ``save_server``)."""
    from silon_desktop import paths
    from silon_desktop.config import Settings

    app_paths = paths.resolve(getattr(args, "data_dir", None)).ensure()
    settings = Settings.load(app_paths.settings)
    server = getattr(args, "server", None)
    if server and server != settings.server_url:
        settings.server_url = server
        if save_server:
            settings.save(app_paths.settings)
    return app_paths, settings


def refused(error: CodedError, exit_code: int = 2, prefix: str = "") -> int:
    """Print a coded error's words on stderr (the one table's Indonesian, the words the
    UI shows translated) and return ``exit_code``."""
    print(f"{prefix}{error.message}", file=sys.stderr)
    return exit_code


def open_existing(app_paths: AppPaths, *, refused_exit: int = 2) -> Database | int:
    """The data folder's existing database, opened for a command (an encrypted one with
    the keyring's key, ``SILON_PASSWORD`` or the password asked), or the exit status
    once the reason is printed: no database yet or this computer's environment (2),
    access refused (``refused_exit``)."""
    from silon_desktop.config import Settings
    from silon_desktop.services.access import AccessRefused, open_for_command
    from silon_desktop.storage.errors import StoreEnvironmentError

    if not app_paths.database.exists():
        print(f"Belum ada basis data lokal di {app_paths.data}.", file=sys.stderr)
        return 2
    try:
        return open_for_command(app_paths, Settings.load(app_paths.settings))
    except AccessRefused as error:
        return refused(error, refused_exit)
    except StoreEnvironmentError as error:
        return refused(error)
