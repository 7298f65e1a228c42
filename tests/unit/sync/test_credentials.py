"""Tokens in the keyring (or memory only), offline login, the device signing key."""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest.mock import patch

import keyring
import pytest
from keyring.backends import fail

from sync import credentials, signing
from sync.client.login import LoginFailed, authenticated_transport, login
from sync.client.state import SERVER_KEY, get_state
from sync.transport import AuthExpired
from tests.conftest import MemoryKeyring
from tests.unit.sync.harness import PASSWORD, Client, InProcessServer


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    credentials._memory.clear()
    yield
    credentials._memory.clear()
    keyring.set_keyring(previous)


def test_token_goes_to_the_keyring(memory_keyring: MemoryKeyring) -> None:
    store = credentials.TokenStore("https://silon.kpu.go.id/", "op1")
    assert credentials.keyring_available()
    assert store.set("rahasia-token") is True
    assert (
        memory_keyring.secrets[("silon-desktop", "https://silon.kpu.go.id|op1")] == "rahasia-token"
    )
    assert store.get() == "rahasia-token"
    store.clear()
    assert store.get() is None


def test_without_keyring_the_token_lives_in_memory_only(no_keyring: None, tmp_path: Path) -> None:
    assert not credentials.keyring_available()
    store = credentials.TokenStore("https://silon", "op1")
    assert store.set("rahasia-token") is False
    assert store.get() == "rahasia-token"
    assert not any(b"rahasia-token" in p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())


def test_device_key_is_stable_and_falls_back_to_a_private_file(
    no_keyring: None, tmp_path: Path
) -> None:
    key = credentials.device_key("dev-1", tmp_path)
    file = tmp_path / credentials.DEVICE_KEY_FILE
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    again = credentials.device_key("dev-1", tmp_path)
    assert signing.public_key_b64(again) == signing.public_key_b64(key)


def test_device_key_prefers_the_keyring(memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    credentials.device_key("dev-2", tmp_path)
    assert ("silon-desktop-device", "dev-2") in memory_keyring.secrets
    assert not (tmp_path / credentials.DEVICE_KEY_FILE).exists()


def test_online_login_then_offline_login(
    make_client: Callable[..., Client], server: InProcessServer
) -> None:
    a = make_client("a")
    a.transport.set_token(None)
    result = login(a.db, a.settings, a.folder, "op1", PASSWORD, transport=a.transport)
    assert result.online and result.token_in_keyring and result.region == "32.14"
    assert authenticated_transport(a.settings).token == a.transport.token
    with a.db.session(readonly=True) as session:
        assert get_state(session.connection(), SERVER_KEY) == server.public_key
    a.transport.offline = True
    offline = login(a.db, a.settings, a.folder, "op1", PASSWORD, transport=a.transport)
    assert not offline.online and offline.role == "kabkota"
    with pytest.raises(LoginFailed, match="tidak cocok"):
        login(a.db, a.settings, a.folder, "op1", "salah-sandi", transport=a.transport)
    a.transport.offline = False
    with pytest.raises(LoginFailed, match="salah"):
        login(a.db, a.settings, a.folder, "op1", "salah-sandi", transport=a.transport)


def test_no_saved_token_means_log_in_again(make_client: Callable[..., Client]) -> None:
    a = make_client("a")
    with pytest.raises(AuthExpired):
        authenticated_transport(a.settings)


def test_a_bug_fetching_the_server_key_at_login_is_logged_with_its_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from silon_desktop.config import Settings
    from silon_desktop.storage.db import open_database
    from sync.client.login import checked_server_key
    from sync.transport import Offline

    class Api:
        def __init__(self, error: Exception) -> None:
            self.error = error

        def server_keys(self) -> object:
            raise self.error

    db = open_database(tmp_path / "silon.db")
    settings = Settings(server_url="http://127.0.0.1:9")
    try:
        for error in (Offline("down"), KeyError("public_key")):
            with patch("sync.client.login.ServerApi", lambda _t, e=error: Api(e)):
                keys = checked_server_key(db, settings, None, None)  # type: ignore[arg-type]
                assert keys.public_key == ""
    finally:
        db.close()
    link, bug = [r for r in caplog.records if r.name == "sync.client.login"]
    assert link.exc_info is None and "down" in link.getMessage()
    assert bug.exc_info is not None and isinstance(bug.exc_info[1], KeyError)


def test_a_token_the_keyring_refused_to_keep_is_found_in_memory(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring.errors

    def locked(*_args: object) -> None:
        raise keyring.errors.PasswordSetError("keyring locked")

    monkeypatch.setattr(memory_keyring, "set_password", locked)
    store = credentials.TokenStore("https://silon", "op-terkunci")
    assert store.set("rahasia-token") is False  # kept in memory only
    assert store.get() == "rahasia-token"
    store.clear()
    assert store.get() is None


def test_the_device_id_is_made_once_and_saved(tmp_path: Path) -> None:
    from silon_desktop.config import Settings
    from sync.client.login import ensure_device_id

    path = tmp_path / "settings.json"
    settings = Settings()
    made = ensure_device_id(settings, path)
    assert len(made) == 36 and settings.device_id == made
    assert Settings.load(path).device_id == made  # saved on first use
    assert settings.ensure_device_id() == made  # never made again
    assert Settings.load(path).ensure_device_id(path) == made
    unsaved = Settings()
    assert unsaved.ensure_device_id() != made


def test_a_keyring_that_cannot_be_read_never_replaces_the_device_key(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    """A keyring read that failed once made a new signing key over the one the server
    knows: the device's USB bundles were refused until its next online login."""
    key = credentials.device_key("dev-3", tmp_path)
    kept = memory_keyring.secrets[("silon-desktop-device", "dev-3")]
    memory_keyring.unreadable = True
    with pytest.raises(credentials.KeyringUnreadable) as refused:
        credentials.device_key("dev-3", tmp_path)
    assert "tidak dapat dibaca" in refused.value.message
    assert memory_keyring.secrets[("silon-desktop-device", "dev-3")] == kept
    assert not (tmp_path / credentials.DEVICE_KEY_FILE).exists()
    memory_keyring.unreadable = False  # unlocked: the same key as before
    again = credentials.device_key("dev-3", tmp_path)
    assert signing.public_key_b64(again) == signing.public_key_b64(key)


def test_a_device_key_kept_in_its_file_is_used_while_the_keyring_cannot_be_read(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A keyring that refused the key's write keeps it in the file: reads refused too
    (always locked) still find that key, as before."""
    import keyring.errors

    def refused(*_args: object) -> None:
        raise keyring.errors.PasswordSetError("keyring locked")

    memory_keyring.unreadable = True
    monkeypatch.setattr(memory_keyring, "set_password", refused)
    credentials._memory.clear()
    (tmp_path / credentials.DEVICE_KEY_FILE).write_text(
        signing.private_key_to_pem(signing.generate_private_key()).decode("ascii"),
        encoding="ascii",
    )
    first = credentials.device_key("dev-4", tmp_path)
    again = credentials.device_key("dev-4", tmp_path)
    assert signing.public_key_b64(again) == signing.public_key_b64(first)


def test_a_new_device_key_leaves_its_public_key_in_the_data_folder(tmp_path: Path) -> None:
    """The folder names the key a device made (public: nothing secret in it), so that a
    later session that finds no key in the keyring knows one was kept there."""
    key = credentials.device_key("dev-5", tmp_path)
    marker = tmp_path / credentials.DEVICE_PUBLIC_FILE
    assert credentials.known_device_key("dev-5", tmp_path) == signing.public_key_b64(key)
    assert b"PRIVATE" not in marker.read_bytes()
    assert credentials.known_device_key("another-device", tmp_path) is None


@pytest.mark.parametrize("session", ["no keyring backend", "keyring answers nothing"])
def test_a_session_that_cannot_reach_the_keyring_makes_no_new_device_key(
    memory_keyring: MemoryKeyring, tmp_path: Path, session: str
) -> None:
    """SSH, cron, or a Secret Service that fails as if there were none: the keyring
    looked absent, so a headless bundle export signed with a NEW ``device_key.pem``,
    which the server did not know. The folder's public key says a key was kept in the
    keyring: the program refuses and says what to do."""
    key = credentials.device_key("dev-6", tmp_path)
    previous = keyring.get_keyring()
    if session == "no keyring backend":
        keyring.set_keyring(fail.Keyring())
    else:
        memory_keyring.secrets.clear()
    try:
        with pytest.raises(credentials.KeyringUnreadable) as refused:
            credentials.device_key("dev-6", tmp_path)
    finally:
        keyring.set_keyring(previous)
        credentials._memory.clear()
    assert refused.value.code.value == "keyring_unreachable"
    assert str(tmp_path) in refused.value.message and "SSH" in refused.value.message
    assert not (tmp_path / credentials.DEVICE_KEY_FILE).exists()
    assert credentials.known_device_key("dev-6", tmp_path) == signing.public_key_b64(key)


def test_a_machine_without_a_keyring_keeps_its_key_file_as_before(
    no_keyring: None, tmp_path: Path
) -> None:
    """No keyring ever (the key in ``device_key.pem``): the same key after a restart,
    and a lost file is replaced as before (nothing else could hold the key)."""
    first = credentials.device_key("dev-7", tmp_path)
    credentials._memory.clear()  # a restart
    again = credentials.device_key("dev-7", tmp_path)
    assert signing.public_key_b64(again) == signing.public_key_b64(first)
    (tmp_path / credentials.DEVICE_KEY_FILE).unlink()
    made = credentials.device_key("dev-7", tmp_path)
    assert signing.public_key_b64(made) != signing.public_key_b64(first)
    assert credentials.known_device_key("dev-7", tmp_path) == signing.public_key_b64(made)


def test_a_folder_from_before_the_public_key_learns_it_at_the_next_read(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    """A device key made by an earlier version (keyring, no public key in the folder):
    its next successful read writes the public key, and from then on a session without
    the keyring is refused rather than given a new key."""
    pem = signing.private_key_to_pem(signing.generate_private_key()).decode("ascii")
    memory_keyring.secrets[(credentials.DEVICE_SERVICE, "dev-8")] = pem
    assert credentials.known_device_key("dev-8", tmp_path) is None
    key = credentials.device_key("dev-8", tmp_path)
    assert credentials.known_device_key("dev-8", tmp_path) == signing.public_key_b64(key)
    memory_keyring.secrets.clear()
    with pytest.raises(credentials.KeyringUnreadable):
        credentials.device_key("dev-8", tmp_path)


def test_a_data_folder_moved_to_another_computer_gets_a_device_key_there(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Moving an operator to a new PC copies the whole data folder (docs/INSTALL.md): the
    new PC's keyring never held the key, so the folder's public key must not refuse it
    there as it does a session of the same computer account that cannot reach its own
    keyring. A key is made, as before (its first online login registers it)."""
    first = credentials.device_key("dev-9", tmp_path)
    memory_keyring.secrets.clear()  # the new PC's keyring
    monkeypatch.setattr(credentials, "_computer_account", lambda: "another-pc|op1")
    made = credentials.device_key("dev-9", tmp_path)
    assert signing.public_key_b64(made) != signing.public_key_b64(first)
    assert credentials.known_device_key("dev-9", tmp_path) == signing.public_key_b64(made)
    memory_keyring.secrets.clear()  # and there, the guard holds again
    with pytest.raises(credentials.KeyringUnreadable):
        credentials.device_key("dev-9", tmp_path)
