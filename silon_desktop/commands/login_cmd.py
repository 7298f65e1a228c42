"""``silon-desktop login --user U``: log in to the server (token kept in the keyring).

The password is asked for (never echoed), or read from ``SILON_PASSWORD`` for
scripts and tests. With no connection the password is checked against the
verifier of the last online login and the operator works offline.

Exit status: 0 logged in online, 3 logged in offline (no connection),
4 wrong user name or password, 1 other errors (e.g. locked out).
"""

from __future__ import annotations

import argparse
import os
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", metavar="U", help="nama pengguna (bawaan: yang terakhir)")


def run(args: argparse.Namespace) -> int:
    from silon_desktop.commands.sync_cmd import guarded

    return guarded(_run, args)


def _run(args: argparse.Namespace) -> int:
    import getpass

    from silon_desktop.commands.sync_cmd import open_context
    from sync import credentials
    from sync.client.login import LoginFailed, login
    from sync.transport import TransportError

    ctx = open_context(args)
    try:
        username = args.user or ctx.settings.username
        if not username:
            print("Sebutkan nama pengguna: --user NAMA", file=sys.stderr)
            return 1
        password = os.environ.get("SILON_PASSWORD") or getpass.getpass("Kata sandi: ")
        try:
            result = login(ctx.db, ctx.settings, ctx.paths.data, username, password)
        except LoginFailed as exc:
            print(exc.message, file=sys.stderr)
            return 4
        except TransportError as exc:
            print(exc.message, file=sys.stderr)
            return 1
        ctx.settings.save(ctx.paths.settings)
        if not result.online:
            print(f"Masuk tanpa koneksi sebagai {username}; sinkronisasi menunggu koneksi.")
            return 3
        print(f"Masuk sebagai {username} ({result.role} {result.region}).")
        if not credentials.keyring_available():
            print(
                "Catatan: tidak ada keyring di komputer ini; token hanya disimpan selama "
                "proses ini berjalan.",
                file=sys.stderr,
            )
        return 0
    finally:
        ctx.db.close()
