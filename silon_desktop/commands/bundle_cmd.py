"""``silon-desktop bundle export FILE | import FILE``: sync by USB stick.

- ``export FILE``: the changes waiting for the server, signed with this device's
  key, into FILE (take it to a connected machine or to the server).
- ``import FILE``: a feed bundle from the server (server changes for this
  offline machine), or an outbox bundle of this very device and operator
  (queued again, pushed at the next ``sync``). Another device's or another
  person's outbox bundle is refused (take it to the server); so is a damaged,
  truncated or tampered file. Nothing changes when a bundle is refused.

Exit status: 0 done, 2 the bundle was refused (message on stderr), 1 other errors
(e.g. the stick is full: message on stderr).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from silon_desktop.commands import refused


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=("export", "import"),
        help="export: tulis perubahan yang menunggu ke berkas; import: terapkan paket dari server",
    )
    parser.add_argument("file", type=Path, help="berkas paket (di flashdisk)")


def run(args: argparse.Namespace) -> int:
    from silon_desktop.commands.sync_cmd import guarded

    return guarded(_run, args)


def _run(args: argparse.Namespace) -> int:
    from silon_desktop.commands.sync_cmd import open_context
    from silon_desktop.domain.wording import personal_data_warning
    from sync.bundle import BundleError
    from sync.client.bundles import export_outbox, import_bundle, trusted_signers
    from sync.credentials import KeyringUnreadable

    ctx = open_context(args)
    try:
        if args.action == "export":
            try:
                result = export_outbox(ctx.db, ctx.settings, ctx.paths.data, args.file)
            except (BundleError, KeyringUnreadable) as exc:
                return refused(exc, 1)
            print(f"{result.count} perubahan diekspor ke {args.file}.")
            print(personal_data_warning(str(args.file)))
            return 0
        try:
            trusted = trusted_signers(ctx.settings, ctx.paths.data)
        except KeyringUnreadable as exc:  # the device key not read: no bundle refused
            return refused(exc, 1)
        try:
            result = import_bundle(ctx.db, args.file, trusted=trusted)
        except BundleError as exc:
            return refused(exc, 2, "Bundel ditolak: ")
        if result.kind == "feed":
            print(f"{result.count} data dari server diterapkan.")
        else:
            print(
                f"{result.count} perubahan diantrekan untuk dikirim "
                f"({result.already_known} sudah ada sebelumnya); jalankan 'silon-desktop sync'."
            )
        return 0
    finally:
        ctx.db.close()
