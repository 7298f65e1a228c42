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

from silon_desktop import __version__

#: subcommand -> (module under silon_desktop.commands, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "sync": ("sync_cmd", "one sync run with the server; exit 0 when everything was pushed"),
    "status": ("status_cmd", "pending changes, open conflicts, last successful sync"),
    "bundle": ("bundle_cmd", "export or import a signed sync bundle (USB stick)"),
    "snapshot": ("snapshot_cmd", "install a server snapshot file for a first sync (USB stick)"),
    "validate": ("validate_cmd", "validate a supporter spreadsheet without a database"),
    "import": ("import_cmd", "import a supporter spreadsheet into the local database"),
    "export": ("export_cmd", "write a pair's B.1.1-KWK list and B.2-KWK recap as Excel files"),
    "backup": ("backup_cmd", "make a backup of the local database now, or restore one"),
    "login": ("login_cmd", "log in to the server and keep the token in the keyring"),
    "retention": (
        "retention_cmd",
        "remove acknowledged changes and deleted supporters' personal data (--dry-run)",
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="silon-desktop",
        description="Silon Desktop: offline-first candidacy data entry and verification.",
    )
    parser.add_argument("--version", action="version", version=f"silon-desktop {__version__}")
    parser.add_argument(
        "--data-dir", metavar="PATH", help="keep all data in PATH (one folder per operator)"
    )
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check database, region data, translations, keyring and server; then exit",
    )
    parser.add_argument(
        "--training",
        action="store_true",
        help="start a local training server on loopback with practice data, then the app",
    )
    parser.add_argument("--server", metavar="URL", help="server address (saved in settings)")
    parser.add_argument("--lang", choices=("id", "en"), help="interface language")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in SUBCOMMANDS.items():
        if importlib.util.find_spec(f"silon_desktop.commands.{module}") is None:
            continue  # not built yet in this checkout
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        _command_module(module).add_arguments(cmd)
    return parser


def _command_module(module: str):  # type: ignore[no-untyped-def]
    return importlib.import_module(f"silon_desktop.commands.{module}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_check:
        return int(_command_module("self_check").run(args))
    if args.command:
        return int(_command_module(SUBCOMMANDS[args.command][0]).run(args))
    from silon_desktop import app

    return app.main(args)


if __name__ == "__main__":
    sys.exit(main())
