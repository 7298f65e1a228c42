"""``silon-desktop``: the application and its headless subcommands.

Without a subcommand the desktop application starts. Each subcommand lives in
its own module under ``silon_desktop.commands`` with ``add_arguments(parser)``
and ``run(args) -> int``; it is imported only when asked for, so ``--version``
and the headless commands start fast and never load Qt.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence

from silon_desktop import __version__, cli_words

#: subcommand -> (module under silon_desktop.commands, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "sync": ("sync_cmd", "sinkronisasi sekali dengan server; keluar 0 bila semua terkirim"),
    "status": (
        "status_cmd",
        "perubahan yang menunggu, konflik terbuka, sinkronisasi terakhir yang berhasil",
    ),
    "bundle": ("bundle_cmd", "ekspor atau impor paket sinkronisasi bertanda tangan (flashdisk)"),
    "snapshot": (
        "snapshot_cmd",
        "pasang berkas salinan data server untuk sinkronisasi pertama (flashdisk)",
    ),
    "validate": ("validate_cmd", "periksa lembar kerja pendukung tanpa basis data"),
    "import": ("import_cmd", "impor lembar kerja pendukung ke basis data lokal"),
    "export": (
        "export_cmd",
        "tulis daftar B.1.1-KWK dan rekap B.2-KWK satu pasangan sebagai berkas Excel",
    ),
    "backup": ("backup_cmd", "buat cadangan basis data lokal sekarang, atau pulihkan cadangan"),
    "login": (
        "login_cmd",
        "masuk ke server dan simpan token di keyring (tanpa keyring: kata sandi ditanyakan lagi saat perlu)",
    ),
    "retention": (
        "retention_cmd",
        "hapus perubahan yang sudah diterima server dan data pribadi pendukung yang dihapus "
        "(--dry-run: hanya tampilkan)",
    ),
    "password": (
        "password_cmd",
        "ganti kata sandi sendiri di server (kata sandi sekarang, lalu yang baru dua kali; "
        "tidak ditampilkan)",
    ),
    "logout": (
        "logout_cmd",
        "keluar: token dilupakan; data di komputer ini lalu hanya terbuka dengan kata sandi",
    ),
}


def build_parser() -> argparse.ArgumentParser:
    cli_words.install()
    parser = argparse.ArgumentParser(
        prog="silon-desktop",
        description="Silon Desktop: pengisian dan verifikasi data pencalonan, tetap jalan tanpa koneksi.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"silon-desktop {__version__}",
        help="tampilkan nomor versi lalu keluar",
    )
    parser.add_argument(
        "--data-dir", metavar="PATH", help="simpan semua data di PATH (satu folder per operator)"
    )
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="periksa basis data, data wilayah, terjemahan, keyring dan server; lalu keluar",
    )
    parser.add_argument(
        "--training",
        action="store_true",
        help="jalankan server latihan lokal dengan data latihan, lalu aplikasinya",
    )
    parser.add_argument("--server", metavar="URL", help="alamat server (disimpan di pengaturan)")
    parser.add_argument("--lang", choices=("id", "en"), help="bahasa tampilan (id atau en)")
    parser.add_argument("-v", "--verbose", action="store_true", help="catat pesan debug")
    sub = parser.add_subparsers(dest="command", metavar="PERINTAH", title="perintah tanpa layar")
    for name, (module, help_text) in SUBCOMMANDS.items():
        if importlib.util.find_spec(f"silon_desktop.commands.{module}") is None:
            continue  # not built yet in this checkout
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        _command_module(module).add_arguments(cmd)
    return parser


def _command_module(module: str):  # type: ignore[no-untyped-def]
    return importlib.import_module(f"silon_desktop.commands.{module}")


def main(argv: Sequence[str] | None = None) -> int:
    from sync.privacy import restrict_process

    # Everything this program writes (database, logs, exports, bundles) is owner-only.
    restrict_process()
    args = build_parser().parse_args(argv)
    if args.training and (args.command or args.self_check):
        from silon_desktop import paths

        # The commands read --data-dir only: with --training, the practice folder.
        args.data_dir = str(paths.resolve_training(args.data_dir).data)
    _tidy_data_folder(args)
    if args.self_check:
        return int(_command_module("self_check").run(args))
    if args.command:
        return int(_command_module(SUBCOMMANDS[args.command][0]).run(args))
    from silon_desktop import app

    return app.main(args)


def _tidy_data_folder(args: argparse.Namespace) -> None:
    """Left-overs of a killed run removed, old files made owner-only (an existing
    data folder only: ``validate`` and ``--version`` create none)."""
    from silon_desktop import paths

    if getattr(args, "training", False):
        paths.tidy(paths.resolve_training(args.data_dir))
    else:
        paths.tidy(paths.resolve(args.data_dir))


if __name__ == "__main__":
    sys.exit(main())
