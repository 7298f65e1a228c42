"""``silon-desktop logout``: forget the session token (revoked at the server when it
answers). The encrypted data then opens only with the password again.

Exit status: 0 (also when nobody was logged in).
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


def run(args: argparse.Namespace) -> int:
    from silon_desktop import paths
    from silon_desktop.config import Settings
    from silon_desktop.services.access import Access

    app_paths = paths.resolve(getattr(args, "data_dir", None)).ensure()
    settings = Settings.load(app_paths.settings)
    if not settings.username:
        print("Tidak ada pengguna yang masuk.")
        return 0
    Access(app_paths, settings).logout(settings.username)
    print(f"{settings.username} sudah keluar.")
    return 0
