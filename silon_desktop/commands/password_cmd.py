"""``silon-desktop password [--user U]``: change one's own password at the server.

As the window's *Berkas → Ganti kata sandi*: the current password and the new one
(typed twice) are asked on the terminal, never echoed, never logged, never read from
the environment or the command line. The server checks the current one (counted as
a login's), takes the new one and ends the account's other sessions; here the data
then opens with the new one only (``Access.change_password``: the key file's wrap
and the offline login's verifier). A saved session (the keyring's token) is used as
it is; without one the command logs in online with the current password first.

Exit status: 0 changed; 2 the new password refused before the server is asked (too
short, too long, typed differently the second time, the same as the current one);
3 the server cannot be reached (nothing changed); 4 the current password is wrong,
or the session ended (log in again), or the access was revoked (the data here is
locked); 1 other errors (the answer never came: both passwords open the data here
until the next online login; the server busy; another refusal).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from silon_desktop.commands import command_settings, refused

if TYPE_CHECKING:
    from silon_desktop.config import Settings
    from silon_desktop.paths import AppPaths
    from silon_desktop.services.access import Access
    from silon_desktop.storage.db import Database
    from sync.transport import Transport

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_FIELDS = 2
EXIT_OFFLINE = 3
EXIT_AUTH = 4


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", metavar="U", help="nama pengguna (bawaan: yang terakhir)")


def run(args: argparse.Namespace) -> int:
    from silon_desktop.commands.sync_cmd import guarded

    return guarded(_run, args)


def _run(args: argparse.Namespace) -> int:
    import getpass

    from silon_desktop.domain.errors import CodedError, ErrorCode
    from silon_desktop.services.access import Access, new_password_problem, require_login_first

    app_paths, settings = command_settings(args)
    username = args.user or settings.username
    if not username:
        print("Sebutkan nama pengguna: --user NAMA", file=sys.stderr)
        return EXIT_ERROR
    require_login_first(app_paths)
    current = getpass.getpass(f"Kata sandi sekarang {username}: ")
    new = getpass.getpass("Kata sandi baru: ")
    repeated = getpass.getpass("Ulangi kata sandi baru: ")
    problem = new_password_problem(current, new, repeated)
    if problem is not None:
        return refused(problem, EXIT_FIELDS)
    access = Access(app_paths, settings)
    opened = _session(access, app_paths, settings, username, current)
    if isinstance(opened, int):
        return opened
    db, transport = opened
    try:
        ended = access.change_password(username, current, new, transport=transport, db=db)
    except CodedError as error:
        if error.code is ErrorCode.ACCESS_REVOKED:  # as the window: the data here locks
            access.lock(username, db)
        return refused(error, _exit_of(error))
    finally:
        transport.close()
        db.close()
    settings.username = username
    settings.save(app_paths.settings)
    print(
        f"Kata sandi {username} sudah diganti; {ended} sesi lain diakhiri. Data di komputer "
        "ini kini dibuka dengan kata sandi baru."
    )
    return EXIT_OK


def _session(
    access: Access, app_paths: AppPaths, settings: Settings, username: str, current: str
) -> tuple[Database, Transport] | int:
    """The open database and a transport with a live session of ``username``: the saved
    one (the keyring's token) as it is, else an online login with the current password;
    or the exit status once the reason is printed."""
    from silon_desktop.domain.errors import CodedError, ErrorCode
    from silon_desktop.services.access import AccessRefused, Session, command_key
    from silon_desktop.storage import db as storage_db
    from sync import credentials
    from sync.client.login import ServerKeyChanged, authenticated_transport, make_transport
    from sync.transport import AuthExpired, HttpTransport, TransportError

    saved: HttpTransport | None = None
    if username == settings.username:
        try:
            saved = authenticated_transport(settings)
        except AuthExpired:
            saved = None
    if saved is not None:
        try:
            key = command_key(app_paths, settings, ask=False)
        except AccessRefused:  # no key in the keyring: the current password opens it
            key, _state = access.unlock_with_password(username, current)
        if key is None:
            return storage_db.open_database(app_paths.database), saved
        return access.open(key), saved
    result = access.login(username, current)
    if not isinstance(result, Session):
        others = (TransportError, ServerKeyChanged, credentials.KeyringUnreadable)
        status = EXIT_ERROR if isinstance(result.error, others) else EXIT_AUTH
        if result.error is None:
            return status
        return refused(result.error, status)
    if not result.outcome.online:
        result.db.close()
        return refused(CodedError(ErrorCode.PASSWORD_CHANGE_OFFLINE), EXIT_OFFLINE)
    return result.db, make_transport(settings, result.token)


def _exit_of(error: object) -> int:
    from silon_desktop.domain.errors import ErrorCode

    code = getattr(error, "code", None)
    if code is ErrorCode.PASSWORD_CHANGE_OFFLINE:
        return EXIT_OFFLINE
    auth = (
        ErrorCode.PASSWORD_WRONG_CURRENT,
        ErrorCode.PASSWORD_CHANGE_LOGIN_AGAIN,
        ErrorCode.ACCESS_REVOKED,
    )
    if code in auth:
        return EXIT_AUTH
    if code in (ErrorCode.PASSWORD_SAME, ErrorCode.PASSWORD_NEW_REFUSED):
        return EXIT_FIELDS
    return EXIT_ERROR
