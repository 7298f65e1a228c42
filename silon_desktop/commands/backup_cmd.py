"""``silon-desktop backup``: back up the local database now, list backups, or restore one.

- ``silon-desktop backup``: a verified backup into the backups folder, keeping
  the newest ``backup_keep`` (settings);
- ``silon-desktop backup --list``: the backups, newest first;
- ``silon-desktop backup --restore FILE``: replace the database by a backup
  (a file path, or a name from ``--list``); the current database is backed up
  first. Close Silon Desktop before restoring.

Exit status: 0 done, 1 nothing to do or not found, 2 the environment refused
(database in use, damaged backup, disk full).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from silon_desktop.commands import refused

if TYPE_CHECKING:
    from silon_desktop.storage.backup import BackupInfo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--list", action="store_true", help="daftar cadangan, yang terbaru dahulu")
    group.add_argument(
        "--restore", metavar="FILE", help="pulihkan cadangan ini (path atau nama dari --list)"
    )


def run(args: argparse.Namespace) -> int:
    from silon_desktop import paths
    from silon_desktop.config import Settings
    from silon_desktop.services.access import AccessRefused, command_key, require_login_first
    from silon_desktop.storage import backup
    from silon_desktop.storage.errors import StoreEnvironmentError

    app_paths = paths.resolve(getattr(args, "data_dir", None))
    settings = Settings.load(app_paths.settings)
    try:
        if args.list:
            return _list(backup.list_backups(app_paths.backups))
        key = command_key(app_paths, settings)  # encrypted data: backups encrypted alike
        if args.restore:
            require_login_first(app_paths)  # no plain database made in a fresh folder
            return _restore(Path(args.restore), app_paths.database, app_paths.backups, key)
        keep = settings.backup_keep
        if not app_paths.database.exists():
            print(f"Belum ada basis data di {app_paths.database}.", file=sys.stderr)
            return 1
        made = backup.make_backup(
            app_paths.database, app_paths.backups, keep, reason="manual", key=key
        )
    except AccessRefused as error:
        print(error.message, file=sys.stderr)
        return 4
    except StoreEnvironmentError as error:
        return refused(error)
    print(f"Cadangan dibuat: {made.path} ({_size(made.size)}); disimpan {keep} terbaru.")
    return 0


def _list(found: list[BackupInfo]) -> int:
    if not found:
        print("Belum ada cadangan.")
        return 0
    for item in found:
        stamp = item.created.strftime("%Y-%m-%d %H:%M:%S UTC")
        print(f"{item.path.name}\t{stamp}\t{_size(item.size)}\t{item.reason}")
    return 0


def _restore(chosen: Path, database: Path, backups: Path, key: bytes | None = None) -> int:
    from silon_desktop.storage import backup

    source = chosen if chosen.exists() else backups / chosen.name
    if not source.is_file():
        print(f"Berkas cadangan tidak ditemukan: {chosen}", file=sys.stderr)
        return 1
    previous = backup.restore(source, database, backups, key)
    print(f"Basis data dipulihkan dari {source.name}.")
    if previous is not None:
        print(f"Basis data sebelumnya disimpan sebagai {previous.path.name}.")
    return 0


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size / 1024:.0f} KB"
