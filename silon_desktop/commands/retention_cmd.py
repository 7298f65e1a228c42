"""``silon-desktop retention``: remove from this PC what the server already holds.

- acknowledged changes whose batch has a verified receipt of the server leave
  the working database for ``outbox-archive.db`` in the data folder (without
  their values: the history still shows when each change was saved, sent and
  acknowledged; the server's signed receipts follow their batches there and stay
  verifiable);
- deleted supporters whose deletion the server acknowledged lose their personal
  fields (NIK, name, birth place and date, sex, marital status, occupation,
  address, RT/RW), in the journal too.

The application does the same after each complete sync and at start.
``--dry-run`` only counts; ``--vacuum`` also gives the freed space back to the
disk (close Silon Desktop first). Exit status: 0 done, 2 the database refused
(in use, damaged, disk full), 4 encrypted data without its password (set
``SILON_PASSWORD`` or run it on a terminal).
"""

from __future__ import annotations

import argparse
import sys

from silon_desktop.commands import add_data_dir_argument, open_existing


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="hanya hitung apa yang akan dihapus")
    parser.add_argument(
        "--vacuum", action="store_true", help="kembalikan ruang yang dibebaskan ke disk sesudahnya"
    )
    add_data_dir_argument(parser)


def run(args: argparse.Namespace) -> int:
    from silon_desktop import paths
    from silon_desktop.domain.text import group_thousands
    from silon_desktop.storage import retention
    from silon_desktop.storage.errors import StoreEnvironmentError

    app_paths = paths.resolve(getattr(args, "data_dir", None))
    database = open_existing(app_paths, refused_exit=4)
    if isinstance(database, int):
        return database
    try:
        done = retention.apply(database, dry_run=args.dry_run)
        size = app_paths.database.stat().st_size
        if args.vacuum and not args.dry_run:
            retention.vacuum(database)
    except StoreEnvironmentError as error:
        print(error.message, file=sys.stderr)
        return 2
    finally:
        database.close()
    verb = "akan" if done.dry_run else "telah"
    print(
        f"{group_thousands(done.archived)} perubahan yang sudah diterima server {verb} "
        f"dipindahkan dari basis data kerja ke arsip {done.archive.name} (tanpa isi data; "
        "tanda terima server ikut ke arsip dan tetap dapat diperiksa)."
    )
    for aside in done.set_aside:
        print(
            f"Arsip {done.archive.name} rusak: disisihkan apa adanya sebagai {aside.name} "
            "dan arsip baru dibuat. Riwayat lama yang ada di berkas itu tidak dapat "
            "ditampilkan; simpan salinan berkas itu dan hubungi admin KPU."
        )
    print(
        f"{group_thousands(done.blanked)} pendukung yang terhapus {verb} dikosongkan data "
        "pribadinya (NIK, nama, tempat/tanggal lahir, alamat, pekerjaan...)."
    )
    if not done.dry_run:
        print(
            f"Antrean perubahan (outbox): {_size(done.outbox_bytes_before)} sebelum, "
            f"{_size(done.outbox_bytes_after)} sesudah."
        )
        if args.vacuum:
            after = app_paths.database.stat().st_size
            print(f"Berkas basis data: {_size(size)} sebelum, {_size(after)} sesudah VACUUM.")
    return 0


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size / 1024:.0f} KB"
