"""``silon-desktop sync``: one sync run with the server, a progress line, an honest exit code.

Exit status:

- 0: everything was pushed and answered, and no conflict waits for a decision;
- 1: an error: of this computer (database locked, disk full; its message on
  stderr) or an unexpected one (logged with its traceback);
- 3: the server could not be reached (the data stays safe locally);
- 4: the login expired or is missing: "Silakan masuk lagi" (``silon-desktop login``);
- 5: conflicts wait for the operator's decision (open the application);
- 6: the run stopped early or some changes are still waiting (cancelled, refused).

With no saved token (e.g. no keyring on this machine and a new process) the command
logs in first: with ``SILON_PASSWORD`` (scripts), or by asking for the password
when it runs on a terminal.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from silon_desktop.commands import command_settings, refused

if TYPE_CHECKING:
    from silon_desktop.config import Settings
    from silon_desktop.paths import AppPaths
    from silon_desktop.storage.db import Database

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_OFFLINE = 3
EXIT_AUTH = 4
EXIT_CONFLICTS = 5
EXIT_INCOMPLETE = 6


@dataclass
class Context:
    paths: AppPaths
    settings: Settings
    db: Database
    #: the password asked on the terminal to open the encrypted data (a login reuses it)
    password: str | None = None


def open_context(args: argparse.Namespace) -> Context:
    """Paths, settings (``--server`` saved into them, a device id made) and the database."""
    from silon_desktop.services.access import open_for_command
    from sync.client.login import ensure_device_id

    app_paths, settings = command_settings(args, save_server=True)
    ensure_device_id(settings, app_paths.settings)
    asked: list[str] = []
    db = open_for_command(app_paths, settings, asked)
    return Context(app_paths, settings, db, asked[0] if asked else None)


def guarded(body: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command; an error of this computer's database (locked, disk full, damaged)
    becomes its message on stderr and exit status 1. Anything else is a bug and raises."""
    from sqlalchemy.exc import DBAPIError

    from silon_desktop.services.access import AccessRefused
    from silon_desktop.storage.errors import StoreEnvironmentError, environment_error

    try:
        return body(args)
    except AccessRefused as exc:  # encrypted data: no or wrong password, locked
        print(exc.message, file=sys.stderr)
        return EXIT_AUTH
    except (StoreEnvironmentError, DBAPIError) as exc:
        problem = exc if isinstance(exc, StoreEnvironmentError) else environment_error(exc)
        if problem is None:
            raise
        return refused(problem, EXIT_ERROR)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true", help="tanpa baris kemajuan")


def run(args: argparse.Namespace) -> int:
    return guarded(_run, args)


def _run(args: argparse.Namespace) -> int:
    from sync.client import Progress, SyncEngine
    from sync.client.login import authenticated_transport
    from sync.client.training import check_practice_server, remember_practice
    from sync.transport import AuthExpired

    ctx = open_context(args)
    try:
        try:
            transport = authenticated_transport(ctx.settings)
        except AuthExpired:
            transport = _login_from_env(ctx)
            if transport == "offline":
                print(
                    "Server tidak dapat dihubungi; data tetap tersimpan di sini.", file=sys.stderr
                )
                return EXIT_OFFLINE
            if transport is None:
                print("Silakan masuk lagi: silon-desktop login --user NAMA", file=sys.stderr)
                return EXIT_AUTH
            if transport == "error":
                return EXIT_ERROR
        # As the window's sync: a reset training server, or one met by real data.
        problem = check_practice_server(ctx.db, transport, folder=ctx.paths.practice)
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_ERROR
        remember_practice(ctx.db, ctx.paths.data)  # a first sync with a training server

        def progress(p: Progress) -> None:
            if not args.quiet:
                total = f"/{p.total}" if p.total is not None else ""
                print(f"\rsinkronisasi: {p.stage} {p.done}{total}   ", end="", file=sys.stderr)

        report = SyncEngine(ctx.db, ctx.settings, transport).run(progress)
        if not args.quiet:
            print(file=sys.stderr)
        _print_report(report)
        if report.error_kind == "revoked":
            from silon_desktop.services.access import Access

            Access(ctx.paths, ctx.settings).lock(ctx.settings.username, ctx.db)
        return _exit_code(report)
    finally:
        ctx.db.close()


def _login_from_env(ctx: Context) -> Any:
    from silon_desktop.services.access import Access, Session
    from sync.client.login import ServerKeyChanged, make_transport
    from sync.credentials import KeyringUnreadable
    from sync.transport import TransportError

    password = os.environ.get("SILON_PASSWORD") or ctx.password
    if not password and ctx.settings.username and sys.stdin.isatty():
        import getpass

        # No keyring: the token of `login` lived only in that process. Ask, like `login`.
        print(
            "Token masuk tidak tersimpan di komputer ini (tidak ada keyring) atau sudah "
            "kedaluwarsa; masukkan kata sandi untuk masuk lagi.",
            file=sys.stderr,
        )
        password = getpass.getpass(f"Kata sandi {ctx.settings.username}: ")
    if not password or not ctx.settings.username:
        return None
    transport = make_transport(ctx.settings)
    access = Access(ctx.paths, ctx.settings)
    result = access.login(ctx.settings.username, password, transport=transport, reuse=ctx.db)
    if isinstance(result, Session):
        ctx.settings.save(ctx.paths.settings)
        return transport if result.outcome.online else "offline"
    if result.error is not None:
        refused(result.error)
    if result.online and isinstance(result.error, (TransportError, ServerKeyChanged)):
        # refused for another reason: e.g. locked out, certificate not trusted, a server
        # whose signing key is not the one pinned here
        return "error"
    if isinstance(result.error, KeyringUnreadable):  # unlock it and run again
        return "error"
    return None


def _print_report(report: Any) -> None:
    print(
        f"dikirim {report.pushed} (diterima {report.acked}, konflik {report.conflicts_new}, "
        f"ditolak {report.rejected}), diterima dari server {report.pulled}; "
        f"menunggu {report.remaining}, konflik terbuka {report.conflicts_open}"
    )
    if report.error:
        print(report.error, file=sys.stderr)


def _exit_code(report: Any) -> int:
    if report.error_kind in ("auth", "revoked"):
        return EXIT_AUTH
    if report.error_kind == "offline":
        return EXIT_OFFLINE
    if report.error:
        return EXIT_ERROR
    if report.conflicts_open:
        return EXIT_CONFLICTS
    if not report.complete or report.rejected:
        return EXIT_INCOMPLETE
    return EXIT_OK
