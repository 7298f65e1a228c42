"""Revocation end to end with a real server process (issue #14): an account disabled
on the server locks the PC at its next sync: the window returns to login, offline
login is refused and the database does not open with what remains on disk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from silon_desktop import paths
from silon_desktop.config import Settings
from silon_desktop.domain.errors import ErrorCode
from silon_desktop.services import Services
from silon_desktop.services.access import Access, Session
from silon_desktop.storage import cipher
from silon_desktop.storage.keyfile import KeyFile
from tests.fixtures import open_data
from tests.integration.server_process import ServerProcess
from tests.integration.sync.conftest import add_user
from tests.integration.sync.test_commands import _edits, cli
from tests.unit.sync.harness import PASSWORD

NOWHERE = "http://127.0.0.1:9"


def _nothing_on_disk_opens(data: Path, user: str) -> None:
    """No wrap left on disk gives the data key with the password, and without the
    key the file is no SQLite database at all."""
    kf = KeyFile.load(data)
    assert kf.password == {} and kf.keyring is None and kf.offline == {}
    assert kf.unwrap_password(user, PASSWORD) is None
    assert not cipher.is_plain(data / "silon.db")
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(data / "silon.db").execute("SELECT count(*) FROM supporter").fetchone()


def test_a_disabled_account_locks_the_window_at_the_next_sync(
    qtbot: QtBot, server: ServerProcess, region: str, fast_dir: Path
) -> None:
    from silon_desktop.ui.main_window import MainWindow

    user = f"rv{region.replace('.', '')}"
    add_user(server, user, region)
    data = fast_dir / "kantor-gui"
    app_paths = paths.resolve(data).ensure()
    settings = Settings(server_url=server.url, device_id=f"pc-{user}")
    access = Access(app_paths, settings)
    session = access.login(user, PASSWORD)
    assert isinstance(session, Session) and session.outcome.online, session
    settings.save(app_paths.settings)
    backend = Services(app_paths, settings, session.db, access=access)
    backend.start_session(session)
    window = MainWindow(backend)
    qtbot.addWidget(window)
    window.show()
    window.start()
    ended: list[str] = []
    window.ended.connect(ended.append)
    server.cli("user", "disable", user)  # the administrator, on the server
    window.sync.sync_now()
    qtbot.waitUntil(lambda: ended == ["locked"], timeout=60_000)
    assert not window.isVisible()  # the window is gone: the login dialog comes back
    _nothing_on_disk_opens(data, user)
    # offline login refused (the server "cannot be reached" now)
    offline = Access(app_paths, Settings(server_url=NOWHERE, device_id=f"pc-{user}"))
    refused = offline.login(user, PASSWORD)
    assert not isinstance(refused, Session)
    assert refused.error is not None and refused.error.code is ErrorCode.LOGIN_LOCKED
    # online, while disabled: refused as well
    assert not isinstance(Access(app_paths, settings).login(user, PASSWORD), Session)


def test_the_command_line_locks_too_and_a_valid_online_login_opens_the_data_again(
    server: ServerProcess, region: str, fast_dir: Path
) -> None:
    user = f"rc{region.replace('.', '')}"
    add_user(server, user, region)
    data = fast_dir / "kantor-cli"
    assert cli(data, "--server", server.url, "login", "--user", user).returncode == 0
    ids = _edits(data, region, 3)
    server.cli("user", "disable", user)
    done = cli(data, "sync")
    assert done.returncode == 4, done.stdout + done.stderr
    assert "dicabut" in done.stderr
    _nothing_on_disk_opens(data, user)
    status = cli(data, "status")  # the password no longer opens the data
    assert status.returncode == 4 and "dikunci" in status.stderr, status.stderr
    offline = cli(data, "--server", NOWHERE, "login", "--user", user)
    assert offline.returncode == 4 and "dikunci" in offline.stderr, offline.stderr
    # the account enabled again: an online login brings the key back (server's secret)
    server.cli("user", "enable", user)
    back = cli(data, "--server", server.url, "login", "--user", user)
    assert back.returncode == 0, back.stdout + back.stderr
    db = open_data(data)
    try:
        with db.engine.connect() as conn:
            got = {r[0] for r in conn.exec_driver_sql("SELECT id FROM supporter")}
    finally:
        db.close()
    assert got == set(ids)  # nothing saved was lost
