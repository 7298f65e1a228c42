"""Secrets of the sync client: the only module that imports ``keyring``.

- **Token**: kept in the OS keyring under service :data:`SERVICE`, one entry per
  server and user (``"<server_url>|<username>"``). Where the machine has no
  keyring backend (``keyring.backends.fail.Keyring``, or the backend errors),
  the token is kept in this process's memory only and never written to disk;
  :func:`keyring_available` says so, so that the UI can tell the operator they
  will be asked for the password again next time.
- **Offline login**: after a successful online login an argon2 verifier of the
  password (never the password) is kept in the ``local_account`` table, so that
  the operator can log in and work with no connection.
- **Device key**: an Ed25519 key that signs USB sync bundles. Its private key
  lives in the keyring (service :data:`DEVICE_SERVICE`). With no keyring it is
  kept in ``device_key.pem`` in the data folder with mode 0600 and a logged
  warning: a bundle signature only proves the bundle came from this machine's
  account, and losing the key on every restart would make bundles unverifiable,
  so a user-only file is the lesser evil there. The password and the token are
  never treated this way. A keyring that is there but refuses a read (locked) is
  not "no key": with no file either, :class:`KeyringUnreadable` is raised rather
  than a new key made over the one the server knows. Nor is a keyring that looks
  absent or empty where one held the key (an SSH or cron session has no Secret
  Service; a locked one may fail as if there were none): the key's PUBLIC half,
  written to ``device_key.pub`` in the data folder when the key is made or first
  read, says the keyring of this computer account kept a key, and
  ``KEYRING_UNREACHABLE`` is raised instead. A folder moved to another computer (or
  account) gets a key there as before: that keyring never held one.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import keyring
import keyring.errors

from silon_desktop.domain.errors import CodedError, ErrorCode

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from silon_desktop.storage.db import Database
    from sync.signing import Ed25519PrivateKey

log = logging.getLogger(__name__)

SERVICE = "silon-desktop"
DEVICE_SERVICE = "silon-desktop-device"
DEVICE_KEY_FILE = "device_key.pem"
#: The device key's public half and where its private half is kept (nothing secret).
DEVICE_PUBLIC_FILE = "device_key.pub"

_memory: dict[tuple[str, str], str] = {}
_hashers: list[PasswordHasher] = []


def _hasher() -> PasswordHasher:
    """The verifier's hasher, made at the first login (the login dialog opens without
    argon2, cryptography and SQLAlchemy: only the keyring is asked before a login).

    Cheaper than the server's hash but still memory-hard: offline login must stay fast
    on an old office PC, and the verifier never leaves this machine.
    """
    if not _hashers:
        from argon2 import PasswordHasher

        _hashers.append(PasswordHasher(time_cost=2, memory_cost=32 * 1024, parallelism=1))
    return _hashers[0]


def keyring_available() -> bool:
    """Whether a real keyring backend is there (else secrets live in memory only)."""
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - a broken keyring set-up means "no keyring"
        return False
    module = type(backend).__module__
    return not (module.startswith("keyring.backends.fail") or "null" in module.lower())


def keyring_backend_name() -> str:
    """The keyring backend in use, for diagnostics (``--self-check``); never a secret."""
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001 - diagnostics only
        return f"unavailable ({type(exc).__name__})"
    name = getattr(backend, "name", "") or type(backend).__name__
    return f"{name} ({type(backend).__module__})"


class KeyringUnreadable(CodedError):
    """The OS keyring is there but refused a read (locked, or its backend failed): what
    it holds is not known, so nothing may be made in place of a secret it may keep."""

    default_code = ErrorCode.KEYRING_UNREADABLE


def _get(service: str, key: str, *, must_read: bool = False) -> str | None:
    """The secret kept under ``key`` (keyring, else this process's memory), None: none.

    Raises:
        KeyringUnreadable: with ``must_read``, the keyring refused the read and memory
            holds nothing: None would read as "none kept" while the keyring may hold one.
    """
    if keyring_available():
        try:
            found = keyring.get_password(service, key)
        except keyring.errors.KeyringError as exc:
            if must_read and (service, key) not in _memory:
                log.warning("keyring unreadable (%s): %s not read", exc, service)
                raise KeyringUnreadable() from exc
            log.warning("keyring unreadable (%s); using the in-memory store", exc)
        else:
            if found is not None:
                return found
    # also where the keyring refused the write (see _set): the secret is here then
    return _memory.get((service, key))


def _set(service: str, key: str, secret: str) -> bool:
    """Store a secret; True when it went to the keyring, False when only in memory."""
    if keyring_available():
        try:
            keyring.set_password(service, key, secret)
            return True
        except keyring.errors.KeyringError as exc:
            log.warning("keyring not writable (%s); keeping the secret in memory", exc)
    _memory[(service, key)] = secret
    return False


def _delete(service: str, key: str) -> None:
    _memory.pop((service, key), None)
    if keyring_available():
        try:
            keyring.delete_password(service, key)
        except keyring.errors.KeyringError:
            pass


@dataclass(slots=True)
class TokenStore:
    """The session token of one user on one server.

    Args:
        server_url: the server address.
        username: the account.
    """

    server_url: str
    username: str

    @property
    def key(self) -> str:
        return f"{self.server_url.rstrip('/')}|{self.username}"

    def get(self) -> str | None:
        return _get(SERVICE, self.key)

    def set(self, token: str) -> bool:
        """Keep the token; True when it is in the keyring, False when in memory only."""
        return _set(SERVICE, self.key, token)

    def clear(self) -> None:
        _delete(SERVICE, self.key)


def make_verifier(password: str) -> str:
    """An argon2 hash of the password for offline login."""
    return _hasher().hash(password)


def check_verifier(verifier: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(verifier, password))
    except (VerificationError, InvalidHashError):
        return False


def store_offline_verifier(
    db: Database, username: str, password: str, *, role: str, scope: str, server_url: str
) -> None:
    """Keep an offline login verifier after a successful online login."""
    from silon_desktop.storage.models import LocalAccount, utcnow

    verifier = make_verifier(password)
    with db.session() as session:
        row = session.get(LocalAccount, username)
        if row is None:
            row = LocalAccount(username=username)
            session.add(row)
        row.verifier = verifier
        row.role = role
        row.scope = scope
        row.server_url = server_url
        row.updated_at = utcnow()


def replace_offline_verifier(db: Database, username: str, password: str) -> None:
    """The account changed its password: the verifier kept here checks the new one (an
    account never logged in online here has none, and gets none)."""
    from silon_desktop.storage.models import LocalAccount, utcnow

    with db.session() as session:
        row = session.get(LocalAccount, username)
        if row is not None:
            row.verifier = make_verifier(password)
            row.updated_at = utcnow()


@dataclass(frozen=True, slots=True)
class OfflineAccount:
    username: str
    role: str
    scope: str
    server_url: str


def verify_offline(db: Database, username: str, password: str) -> OfflineAccount | None:
    """The local account when the password matches its verifier, else None."""
    from sqlalchemy import select

    from silon_desktop.storage.models import LocalAccount

    with db.session(readonly=True) as session:
        row = session.execute(
            select(LocalAccount).where(LocalAccount.username == username)
        ).scalar_one_or_none()
        if row is None or not check_verifier(row.verifier, password):
            return None
        return OfflineAccount(row.username, row.role, row.scope, row.server_url)


#: The keyring entry (per data folder) whose secret wraps the folder's data key.
DATA_KEY_SERVICE = "silon-desktop-data-key"


def _folder_key(data_dir: Path) -> str:
    import hashlib

    return hashlib.sha256(str(data_dir.resolve()).encode("utf-8")).hexdigest()


def data_key_secret(data_dir: Path) -> bytes | None:
    """The keyring's secret for the data key of ``data_dir`` (None: none kept)."""
    import base64

    found = _get(DATA_KEY_SERVICE, _folder_key(data_dir))
    if not found:
        return None
    try:
        return base64.b64decode(found.encode("ascii"), validate=True)
    except ValueError:
        return None


def set_data_key_secret(data_dir: Path, secret: bytes) -> bool:
    """Keep the secret in the OS keyring; False (and nothing kept) without one."""
    import base64

    if not keyring_available():
        return False
    text = base64.b64encode(secret).decode("ascii")
    if _set(DATA_KEY_SERVICE, _folder_key(data_dir), text):
        return True
    _memory.pop((DATA_KEY_SERVICE, _folder_key(data_dir)), None)
    return False


def clear_data_key_secret(data_dir: Path) -> None:
    _delete(DATA_KEY_SERVICE, _folder_key(data_dir))


def device_key(device_id: str, data_dir: Path) -> Ed25519PrivateKey:
    """This device's Ed25519 signing key, created on first use.

    Args:
        device_id: the device id from the settings.
        data_dir: the data folder (the fallback file lives there when no keyring, and
            the key's public half, :data:`DEVICE_PUBLIC_FILE`).

    Raises:
        KeyringUnreadable: the keyring refused the read and no key file is here, or
            (``KEYRING_UNREACHABLE``) it is absent or holds no key while the folder says
            it kept this device's: a new key would replace the one the server knows
            (the device's USB bundles refused until its next online login); the
            operator runs the command where the keyring opens, or unlocks it.
    """
    from sync import signing

    file = data_dir / DEVICE_KEY_FILE
    try:
        pem = _get(DEVICE_SERVICE, device_id, must_read=True)
    except KeyringUnreadable:
        # A keyring that refused the key's write left it in the file (and one that
        # refuses reads may hold it): never a new key in place of the one the server knows.
        if not file.exists():
            raise
        pem = None
    kept = "keyring"
    if pem is None and file.exists():
        pem, kept = file.read_text(encoding="ascii"), "file"
    if pem is not None:
        key = signing.load_private_key(pem.encode("ascii"))
        _remember_public(data_dir, device_id, key, kept)  # a folder of an earlier version
        return key
    if _kept_in_keyring(data_dir, device_id):
        log.warning("the keyring holds no device key where one was kept: none made")
        raise KeyringUnreadable(ErrorCode.KEYRING_UNREACHABLE, folder=str(data_dir))
    key = signing.generate_private_key()
    pem = signing.private_key_to_pem(key).decode("ascii")
    if not _set(DEVICE_SERVICE, device_id, pem):
        log.warning(
            "no keyring: the device signing key is kept in %s (readable by this user only)", file
        )
        _write_private(file, pem)
        kept = "file"
    _remember_public(data_dir, device_id, key, kept)
    return key


def known_device_key(device_id: str, data_dir: Path) -> str | None:
    """The public key (base64) of the device key ``data_dir`` says this device made,
    None when it names none (never made here, or by a version before the marker)."""
    found = _public_marker(data_dir)
    if found is None or found.get("device_id") != device_id:
        return None
    public = found.get("public_key")
    return public if isinstance(public, str) and public else None


def _kept_in_keyring(data_dir: Path, device_id: str) -> bool:
    """Whether the folder says this device's key was kept in this computer account's
    keyring. A key kept in the file and lost with it is made again as before (nothing
    else holds it), and so is one kept in another computer's keyring (the folder was
    moved to a new PC: this keyring never held it)."""
    found = _public_marker(data_dir)
    return (
        found is not None
        and found.get("device_id") == device_id
        and found.get("kept") == "keyring"
        and found.get("account") == _account_tag()
        and bool(found.get("public_key"))
    )


def _computer_account() -> str:
    """This computer and its user account: whose keyring a key was kept in."""
    import getpass
    import socket

    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment or the user database
        user = ""
    return f"{socket.gethostname()}|{user}"


def _account_tag() -> str:
    """:func:`_computer_account` hashed: the folder names no computer or user."""
    import hashlib

    return hashlib.sha256(_computer_account().encode("utf-8")).hexdigest()[:16]


def _public_marker(data_dir: Path) -> dict[str, object] | None:
    import json

    try:
        found = json.loads((data_dir / DEVICE_PUBLIC_FILE).read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def _remember_public(data_dir: Path, device_id: str, key: Ed25519PrivateKey, kept: str) -> None:
    """Write the key's public half (and where it is kept) unless the folder says so
    already. A folder that cannot be written loses only the guard, not the key."""
    import json

    from sync import signing

    marker = {
        "device_id": device_id,
        "public_key": signing.public_key_b64(key),
        "kept": kept,
        "account": _account_tag(),
    }
    if _public_marker(data_dir) == marker:
        return
    try:
        _write_private(data_dir / DEVICE_PUBLIC_FILE, json.dumps(marker, sort_keys=True) + "\n")
    except OSError as exc:
        log.warning("the device key's public half not written: %s", exc)


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text)
    os.chmod(path, 0o600)
