"""``silon-desktop status``: pending changes, open conflicts, last successful sync.

``--json`` prints one JSON object for scripts. Exit status 0; 1 when the local
database cannot be used (locked, disk full, damaged: the message on stderr).
"""

from __future__ import annotations

import argparse
import json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="cetak sebagai satu objek JSON")


def run(args: argparse.Namespace) -> int:
    from silon_desktop.commands.sync_cmd import guarded

    return guarded(_run, args)


def _run(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from silon_desktop.commands.sync_cmd import open_context
    from sync import credentials
    from sync.client import status

    ctx = open_context(args)
    try:
        now = status(ctx.db)
    finally:
        ctx.db.close()
    keyring_ok = credentials.keyring_available()
    if args.json:
        device = {"device_id": ctx.settings.device_id, "user": ctx.settings.username}
        print(json.dumps({**asdict(now), "keyring_available": keyring_ok, **device}))
        return 0
    print(f"Perubahan menunggu dikirim : {now.pending}")
    print(f"Terkirim, menunggu jawaban : {now.sent}")
    print(f"Konflik terbuka            : {now.conflicts_open}")
    print(f"Sinkronisasi berhasil      : {now.last_success_at or 'belum pernah'}")
    # what the server's administrator names in `silon-server bundle export --user --device`
    print(f"Perangkat ini              : {ctx.settings.device_id} ({ctx.settings.username})")
    if now.last_error:
        print(f"Kesalahan terakhir         : {now.last_error}")
    if not keyring_ok:
        print(
            "Catatan: tidak ada keyring; kata sandi akan diminta lagi setiap kali aplikasi dibuka."
        )
    return 0
