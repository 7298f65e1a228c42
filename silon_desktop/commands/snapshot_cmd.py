"""``silon-desktop snapshot import FILE [--server-key KEY]``: a first sync from a USB stick.

FILE is a scope snapshot written by ``silon-server snapshot export``. It is
checked whole against the server key saved on this computer (at login or the
first sync) before anything is kept, and installed in one transaction: a
damaged, truncated or foreign file changes nothing. An office that never
reached the server gives the key with ``--server-key`` (``silon-server init``
prints its id; ``GET /v1/server-key`` shows it); a key already saved here is
never replaced.

When this computer has not synced yet and the snapshot is of its account's
whole scope, the next ``sync`` pulls only what changed after the snapshot.

Exit status: 0 installed, 2 refused (message on stderr), 1 other errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from silon_desktop.commands import refused


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("import",), help="import: pasang salinan data")
    parser.add_argument("file", type=Path, help="berkas salinan data dari server")
    parser.add_argument(
        "--server-key",
        metavar="BASE64",
        help="kunci publik server, bila komputer ini belum pernah terhubung ke server",
    )


def run(args: argparse.Namespace) -> int:
    from silon_desktop.commands.sync_cmd import guarded

    return guarded(_run, args)


def _run(args: argparse.Namespace) -> int:
    from silon_desktop.commands.sync_cmd import open_context
    from sync import signing
    from sync.client.snapshots import account_scope, install_file
    from sync.client.state import SERVER_KEY, get_state, set_state
    from sync.snapshot import SnapshotError

    ctx = open_context(args)
    try:
        if args.server_key:
            try:
                signing.load_public_key(args.server_key)
            except ValueError:
                print("Kunci server tidak sah (harus base64 32 bita).", file=sys.stderr)
                return 2
            with ctx.db.engine.begin() as conn:
                known = get_state(conn, SERVER_KEY)
                if known and known != args.server_key:
                    print(
                        "Kunci server yang diberikan berbeda dengan yang tersimpan; ditolak.",
                        file=sys.stderr,
                    )
                    return 2
                if not known:
                    set_state(conn, SERVER_KEY, args.server_key)
        scope = account_scope(ctx.db, ctx.settings.username) if ctx.settings.username else None
        try:
            result = install_file(ctx.db, args.file, account_scope=scope)
        except SnapshotError as exc:  # which file: the operator may have several
            name = exc.params.get("name") or args.file.name
            return refused(exc, 2, f"Snapshot {name} ditolak: ")
        except OSError as exc:
            print(f"Berkas snapshot tidak dapat dibaca: {exc}", file=sys.stderr)
            return 2
        print(f"{result.count} data dari snapshot diterapkan.")
        if not result.cursor_moved:
            print(
                "Sinkronisasi berikutnya tetap mengambil semua perubahan dari server "
                "(komputer ini sudah pernah sinkron, atau snapshot bukan wilayah akun ini)."
            )
        return 0
    finally:
        ctx.db.close()
