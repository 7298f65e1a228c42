"""The headless commands turn a local database in trouble into the operator's message."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError, ProgrammingError

from silon_desktop.commands import bundle_cmd, login_cmd, status_cmd, sync_cmd
from silon_desktop.storage.errors import DatabaseLocked, DiskFull
from tests.sqlite_errors import SQLITE_FULL, sqlite_error


def _args(tmp_path: Path, **extra: object) -> argparse.Namespace:
    return argparse.Namespace(data_dir=str(tmp_path), server=None, verbose=False, **extra)


def _older_plain_database(folder: Path) -> None:
    """An older version's (plain) database: the commands open it (a folder with no
    database and no login is refused before any database is touched)."""
    from silon_desktop.storage.db import open_database

    open_database(folder / "silon.db").close()


@pytest.mark.parametrize(
    ("module", "extra"),
    [
        (status_cmd, {"json": False}),
        (sync_cmd, {"quiet": True}),
        (bundle_cmd, {"action": "export", "file": Path("x.bundle")}),
        (login_cmd, {"user": "op1"}),
    ],
)
def test_a_locked_database_is_a_message_and_exit_1(
    module: object,
    extra: dict[str, object],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def locked(_path: object) -> None:
        raise DatabaseLocked(detail="database is locked")

    _older_plain_database(tmp_path)
    monkeypatch.setattr("silon_desktop.storage.db.open_database", locked)
    assert module.run(_args(tmp_path, **extra)) == 1  # type: ignore[attr-defined]
    assert capsys.readouterr().err.strip() == DatabaseLocked.default_message


def test_a_driver_error_of_the_environment_is_said_and_a_bug_still_raises(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def full(_args: argparse.Namespace) -> int:
        raise OperationalError("INSERT", {}, sqlite_error("database or disk is full", SQLITE_FULL))

    assert sync_cmd.guarded(full, _args(tmp_path)) == 1
    assert capsys.readouterr().err.strip() == DiskFull.default_message

    def bug(_args: argparse.Namespace) -> int:
        raise ProgrammingError("SELECT nope", {}, Exception("no such column: nope"))

    with pytest.raises(ProgrammingError):
        sync_cmd.guarded(bug, _args(tmp_path))


def test_sync_logging_in_from_the_environment_says_why_the_server_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from silon_desktop.config import Settings
    from sync.transport import TlsFailed

    Settings(server_url="https://silon.example", username="op1").save(tmp_path / "settings.json")
    _older_plain_database(tmp_path)
    monkeypatch.setenv("SILON_PASSWORD", "rahasia")

    def untrusted(*_args: object, **_kwargs: object) -> None:
        raise TlsFailed("certificate verify failed")

    monkeypatch.setattr("sync.client.login.server_login", untrusted)
    assert sync_cmd.run(_args(tmp_path, quiet=True)) == sync_cmd.EXIT_ERROR
    assert capsys.readouterr().err.strip() == TlsFailed.default_message


def test_sync_of_practice_data_after_a_training_server_reset_sends_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The headless sync checks the training server's identity as the window's does: the
    previous session's waiting edits and cursor mean nothing to the reset server."""
    from silon_desktop.storage.db import open_database
    from sync.client.state import set_state
    from sync.client.training import RESET_MESSAGE, TRAINING_ID

    db = open_database(tmp_path / "silon.db")
    with db.engine.begin() as conn:
        set_state(conn, TRAINING_ID, "previous-session")
    db.close()
    asked: list[str] = []

    class ResetRoom:
        def call(self, method: str, path: str, **_kw: object) -> object:
            asked.append(path)
            if path == "/v1/training":
                return {"training_id": "this-session"}
            raise AssertionError(f"{method} {path} reached the reset training server")

        def close(self) -> None:
            pass

    monkeypatch.setattr("sync.client.login.authenticated_transport", lambda _s: ResetRoom())
    assert sync_cmd.run(_args(tmp_path, quiet=True)) == sync_cmd.EXIT_ERROR
    assert asked == ["/v1/training"]
    assert RESET_MESSAGE in capsys.readouterr().err


@pytest.mark.parametrize("action", ["export", "import"])
def test_a_bundle_command_while_the_keyring_cannot_be_read_says_so(
    action: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The device key not read (a locked keyring): its words and exit 1, no traceback."""
    from sync.credentials import KeyringUnreadable

    def unreadable(*_args: object, **_kwargs: object) -> None:
        raise KeyringUnreadable()

    _older_plain_database(tmp_path)
    monkeypatch.setattr("sync.client.bundles.export_outbox", unreadable)
    monkeypatch.setattr("sync.client.bundles.trusted_signers", unreadable)
    args = _args(tmp_path, action=action, file=tmp_path / "x.silon")
    assert bundle_cmd.run(args) == 1
    assert capsys.readouterr().err.strip() == KeyringUnreadable.default_message


def test_logging_in_while_the_keyring_cannot_be_read_is_no_wrong_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``login`` and ``sync`` (logging in from the environment) say the keyring could not
    be read and exit 1: not 4 (wrong password), nor "log in again"."""
    from silon_desktop.config import Settings
    from sync.credentials import KeyringUnreadable

    Settings(server_url="https://silon.example", username="op1").save(tmp_path / "settings.json")
    _older_plain_database(tmp_path)
    monkeypatch.setenv("SILON_PASSWORD", "rahasia")

    def unreadable(*_args: object, **_kwargs: object) -> None:
        raise KeyringUnreadable()

    monkeypatch.setattr("sync.client.login.server_login", unreadable)
    assert login_cmd.run(_args(tmp_path, user="op1")) == 1
    assert capsys.readouterr().err.strip() == KeyringUnreadable.default_message
    assert sync_cmd.run(_args(tmp_path, quiet=True)) == sync_cmd.EXIT_ERROR
    assert capsys.readouterr().err.strip() == KeyringUnreadable.default_message


def test_a_bundle_export_from_a_session_without_the_keyring_signs_with_no_new_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``silon-desktop bundle export`` over SSH or from cron, where the keyring that holds
    the device key cannot be reached (it looks like a machine with none): the bundle was
    signed with a NEW ``device_key.pem`` the server did not know, and the office's USB
    bundles were refused. Now the export stops, names the folder and what to do."""
    import keyring
    from keyring.backends import fail

    from silon_desktop.config import Settings
    from sync import credentials

    settings = Settings(server_url="https://silon.example", username="op1", device_id="pc-9")
    settings.save(tmp_path / "settings.json")
    _older_plain_database(tmp_path)
    credentials.device_key("pc-9", tmp_path)  # made in the desktop session, in its keyring
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # the SSH session: no keyring backend at all
    try:
        args = _args(tmp_path, action="export", file=tmp_path / "kantor.silon")
        assert bundle_cmd.run(args) == 1
    finally:
        keyring.set_keyring(previous)
        credentials._memory.clear()
    err = capsys.readouterr().err
    assert "SSH" in err and str(tmp_path) in err
    assert not (tmp_path / credentials.DEVICE_KEY_FILE).exists()
    assert not (tmp_path / "kantor.silon").exists()
