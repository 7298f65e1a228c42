"""``silon-desktop login --user U``: log in to the server (token kept in the keyring).

The password is asked for (never echoed), or read from ``SILON_PASSWORD`` for
scripts and tests. The login opens the encrypted local database (a folder's
first login makes its data key and converts a plain database, see
``services/access.py``). With no connection the password is checked against the
data key's wrap of the last online login (offline rules: attempts, expiry).

Exit status: 0 logged in online, 3 logged in offline (no connection),
4 wrong user name or password (or locked, expired), 1 other errors (e.g. locked
out, a server whose signing key is not the one pinned at the first login, a
keyring that could not be read, a refusal of a password that opens the data here
that the pinned server key did not sign: nothing is changed).
"""

from __future__ import annotations

import argparse
import os
import sys

from silon_desktop.commands import command_settings, refused


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", metavar="U", help="nama pengguna (bawaan: yang terakhir)")


def run(args: argparse.Namespace) -> int:
    from silon_desktop.commands.sync_cmd import guarded

    return guarded(_run, args)


def _run(args: argparse.Namespace) -> int:
    import getpass

    from silon_desktop.domain.errors import ErrorCode
    from silon_desktop.services.access import Access, Session, has_database
    from silon_desktop.storage import db as storage_db
    from sync import credentials
    from sync.client.login import ServerKeyChanged, ensure_device_id
    from sync.transport import TransportError

    app_paths, settings = command_settings(args)
    ensure_device_id(settings, app_paths.settings)
    username = args.user or settings.username
    if not username:
        print("Sebutkan nama pengguna: --user NAMA", file=sys.stderr)
        return 1
    access = Access(app_paths, settings)
    if not access.encrypted and has_database(app_paths):
        # An older version's plain database is checked before the server is asked
        # (locked, disk full, damaged: the message and exit 1); an encrypted one opens
        # only after the login, and a first login makes it (encrypted, never plain).
        storage_db.open_database(app_paths.database).close()
    password = os.environ.get("SILON_PASSWORD") or getpass.getpass("Kata sandi: ")
    result = access.login(username, password)
    if not isinstance(result, Session):
        # refused for another reason than the password (a transport error, a server
        # whose signing key is not the one pinned here, a keyring that could not be
        # read, a login refusal the pinned key did not sign: nothing changed here): 1
        others = (TransportError, ServerKeyChanged, credentials.KeyringUnreadable)
        unproven = getattr(result.error, "code", None) is ErrorCode.LOGIN_REFUSAL_UNPROVEN
        other = 1 if isinstance(result.error, others) or unproven else 4
        return refused(result.error, other) if result.error is not None else other
    result.db.close()
    settings.username = username
    settings.save(app_paths.settings)
    if not result.outcome.online:
        print(f"Masuk tanpa koneksi sebagai {username}; sinkronisasi menunggu koneksi.")
        return 3
    print(f"Masuk sebagai {username} ({result.outcome.role} {result.outcome.scope}).")
    if not credentials.keyring_available():
        print(
            "Catatan: tidak ada keyring di komputer ini; token hanya disimpan selama "
            "proses ini berjalan.",
            file=sys.stderr,
        )
    return 0
