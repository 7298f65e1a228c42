"""The data folder's key file ``silon.key``: the wrapped data key and the offline-login state.

The local database (and its WAL and backups) is encrypted with one random
256-bit *data key* per data folder. The key never lies on disk in the clear:
``silon.key`` (mode 0600, written atomically) holds it *wrapped* (AES-256-GCM,
``cryptography``) by

- ``password``: per user, a key derived from the operator's password with
  argon2id (:data:`KDF`, a fresh salt per wrap). Unwrapping it is the offline
  login's check of the password: there is no separate verifier to guess
  against that would be cheaper;
- ``keyring``: a random key kept in the OS keyring (where there is one), so a
  session resumed from the keyring opens the data without the password;
- ``server``: per user, the secret the server returns for this (user, device) on
  every successful online login. After a lock (revocation) the other wraps are
  erased and only this one stays: the data opens again only after a valid
  ONLINE login, which then wraps the key again with the password.

A password change (``services/access.py`` ``Access.change_password``) writes the
new password's wrap as ``pending`` BEFORE it asks the server, and moves it over the
``password`` wrap once the server said yes (each step one atomic replace of the
file). Until then both open the data (:meth:`KeyFile.unwrap_password`): a program
killed between the server's yes and the move, or a lost answer, never leaves the
operator with a password the data here does not know. The next online login settles
it (its password becomes the one wrap); a pending password the server refuses is
dropped, never taken as a sign of revocation.

Beside the wraps, per user, the offline-login state: when the offline login
expires (the server sets the number of days), the count of failed offline
attempts and the time before which no further attempt is checked (back-off).
Being in the file, they survive a restart of the program.

``practice``: the folder's data is practice data (a Bimtek room's), readable without
the data key. Written when training mode makes the folder or its data first meets a
training server; a folder so marked starts over for another practice account, where
a folder of real data refuses one (``services/access.py``). A file of an earlier
version has no such entry: read as False (same :data:`FORMAT`: the entry is optional,
and an earlier version reading a newer file ignores it).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KEY_FILE = "silon.key"
FORMAT = 1
KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class Kdf:
    """argon2id cost of the password wrap (memory in KiB)."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 1


#: 64 MiB, 3 passes, one lane: 0.75 s on this development machine under a load of 12
#: on 2 cores (bench_encryption.py reports it as "kdf_seconds"); each guess at a
#: stolen key file costs an attacker the same memory and time (vs. 32 MiB/2 passes
#: for the old verifier).
KDF = Kdf()
#: Failed offline attempts allowed before the back-off starts.
OFFLINE_FREE_ATTEMPTS = 3
#: The first back-off (seconds); it doubles with every further failure.
OFFLINE_BACKOFF_S = 30.0
OFFLINE_BACKOFF_MAX_S = 3600.0


class KeyFileError(Exception):
    """The key file is unreadable or damaged."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def derive(password: str, salt: bytes, kdf: Kdf) -> bytes:
    """The 256-bit wrapping key of ``password`` (argon2id)."""
    # argon2 and cryptography load at the first login, not with every process that
    # imports this module (the table, the headless commands).
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=kdf.time_cost,
        memory_cost=kdf.memory_kib,
        parallelism=kdf.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def _seal(wrapping_key: bytes, data_key: bytes, label: str) -> dict[str, str]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(12)
    sealed = AESGCM(wrapping_key).encrypt(nonce, data_key, label.encode("utf-8"))
    return {"nonce": _b64(nonce), "data": _b64(sealed)}


def _open(wrapping_key: bytes, wrap: dict[str, Any], label: str) -> bytes | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(wrapping_key).decrypt(
            _unb64(str(wrap["nonce"])), _unb64(str(wrap["data"])), label.encode("utf-8")
        )
    except (InvalidTag, KeyError, ValueError):
        return None


@dataclass(slots=True)
class OfflineState:
    """Offline login of one user on this PC.

    Attributes:
        role, scope: the account's role and region at its last online login.
        expires_at: epoch seconds after which offline login is refused (0: never
            allowed, e.g. the server allows no offline days).
        failures: failed offline attempts since the last success.
        retry_at: epoch seconds before which no attempt is checked.
    """

    role: str = ""
    scope: str = ""
    expires_at: float = 0.0
    failures: int = 0
    retry_at: float = 0.0

    def wait_s(self, now: float) -> float:
        return max(0.0, self.retry_at - now)

    def failed(self, now: float) -> None:
        self.failures += 1
        over = self.failures - OFFLINE_FREE_ATTEMPTS
        if over >= 0:
            self.retry_at = now + min(OFFLINE_BACKOFF_MAX_S, OFFLINE_BACKOFF_S * 2**over)


@dataclass(slots=True)
class KeyFile:
    """``<data>/silon.key``; change it with the methods, then :meth:`save`."""

    path: Path
    password: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: per user, the wrap of a password change the server has not confirmed yet
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)
    server: dict[str, dict[str, Any]] = field(default_factory=dict)
    keyring: dict[str, Any] | None = None
    offline: dict[str, OfflineState] = field(default_factory=dict)
    #: practice data (see the module's docstring); never unset once written
    practice: bool = False

    # -- file --------------------------------------------------------------------

    @classmethod
    def path_in(cls, data_dir: Path) -> Path:
        return data_dir / KEY_FILE

    @classmethod
    def exists(cls, data_dir: Path) -> bool:
        return cls.path_in(data_dir).is_file()

    @classmethod
    def load(cls, data_dir: Path) -> KeyFile:
        """The folder's key file, or an empty one (not yet saved) when there is none.

        Raises:
            KeyFileError: the file is there but unreadable or damaged.
        """
        path = cls.path_in(data_dir)
        if not path.exists():
            return cls(path)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if raw.get("format") != FORMAT:
                raise KeyFileError(f"unknown key file format {raw.get('format')!r}")
            return cls(
                path,
                password=dict(raw.get("password") or {}),
                pending=dict(raw.get("pending") or {}),
                server=dict(raw.get("server") or {}),
                keyring=raw.get("keyring"),
                offline={
                    user: OfflineState(**state)
                    for user, state in dict(raw.get("offline") or {}).items()
                },
                practice=raw.get("practice") is True,
            )
        except (OSError, ValueError, TypeError, AttributeError) as error:
            raise KeyFileError(str(error)) from error

    def save(self) -> None:
        """Write the file atomically, owner-only (0600)."""
        body = {
            "format": FORMAT,
            "password": self.password,
            "pending": self.pending,
            "server": self.server,
            "keyring": self.keyring,
            "offline": {
                user: {
                    "role": s.role,
                    "scope": s.scope,
                    "expires_at": s.expires_at,
                    "failures": s.failures,
                    "retry_at": s.retry_at,
                }
                for user, s in self.offline.items()
            },
            "practice": self.practice,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(body, handle, indent=1, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            if os.name == "posix":
                os.chmod(partial, 0o600)
            os.replace(partial, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise

    @property
    def empty(self) -> bool:
        """No wrap at all: no data key was ever made here (or it was lost)."""
        return not (self.password or self.server or self.keyring)

    # -- wraps -------------------------------------------------------------------

    def wrap_password(
        self, user: str, password: str, data_key: bytes, kdf: Kdf | None = None
    ) -> None:
        """Wrap the key with the password ``user`` logged in with (a pending change,
        settled by this login, is dropped)."""
        self.password[user] = _password_wrap(user, password, data_key, kdf or KDF)
        self.pending.pop(user, None)

    def wrap_pending(
        self, user: str, password: str, data_key: bytes, kdf: Kdf | None = None
    ) -> None:
        """Wrap the key with a new password the server is about to be asked for; the
        current wrap stays until :meth:`confirm_pending`."""
        self.pending[user] = _password_wrap(user, password, data_key, kdf or KDF)

    def confirm_pending(self, user: str) -> bool:
        """The server took the new password: its wrap becomes the one. Returns whether
        there was one."""
        wrap = self.pending.pop(user, None)
        if wrap is None:
            return False
        self.password[user] = wrap
        return True

    def drop_pending(self, user: str) -> bool:
        """The server refused the new password: forget its wrap. Returns whether there
        was one."""
        return self.pending.pop(user, None) is not None

    def unwrap_password(self, user: str, password: str, *, pending: bool = True) -> bytes | None:
        """The data key when ``password`` is the one ``user`` last logged in with here,
        or (``pending``) the new one of a change not yet settled."""
        found = _unwrap_password(self.password.get(user), user, password)
        if found is None and pending:
            found = _unwrap_password(self.pending.get(user), user, password)
        return found

    def opens_pending(self, user: str, password: str) -> bool:
        """Whether ``password`` is the new one of ``user``'s unsettled change."""
        return _unwrap_password(self.pending.get(user), user, password) is not None

    def wrap_server(self, user: str, secret: bytes, data_key: bytes) -> None:
        self.server[user] = _seal(_server_key(secret), data_key, f"server|{user}")

    def unwrap_server(self, user: str, secret: bytes) -> bytes | None:
        wrap = self.server.get(user)
        return None if wrap is None else _open(_server_key(secret), wrap, f"server|{user}")

    def wrap_keyring(self, keyring_key: bytes, data_key: bytes) -> None:
        self.keyring = _seal(keyring_key, data_key, "keyring")

    def unwrap_keyring(self, keyring_key: bytes) -> bytes | None:
        return None if self.keyring is None else _open(keyring_key, self.keyring, "keyring")

    def lock(self) -> None:
        """Erase every wrap but the server's, and every offline login: the data key can
        only come back from a valid online login (the server's secret)."""
        self.password.clear()
        self.pending.clear()
        self.keyring = None
        self.offline.clear()

    def state(self, user: str) -> OfflineState:
        return self.offline.setdefault(user, OfflineState())


def _password_wrap(user: str, password: str, data_key: bytes, kdf: Kdf) -> dict[str, Any]:
    salt = secrets.token_bytes(16)
    wrap: dict[str, Any] = _seal(derive(password, salt, kdf), data_key, f"password|{user}")
    wrap["salt"] = _b64(salt)
    wrap["kdf"] = {"t": kdf.time_cost, "m": kdf.memory_kib, "p": kdf.parallelism}
    return wrap


def _unwrap_password(wrap: dict[str, Any] | None, user: str, password: str) -> bytes | None:
    if wrap is None:
        return None
    try:
        params = wrap["kdf"]
        kdf = Kdf(int(params["t"]), int(params["m"]), int(params["p"]))
        salt = _unb64(str(wrap["salt"]))
    except (KeyError, TypeError, ValueError):
        return None
    return _open(derive(password, salt, kdf), wrap, f"password|{user}")


def _server_key(secret: bytes) -> bytes:
    if len(secret) < 16:
        raise ValueError("server secret too short")
    # The server's secret is random; HKDF-free: a SHA-256 narrows it to the AES key size.
    import hashlib

    return hashlib.sha256(b"silon-device-secret|" + secret).digest()


def new_data_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def now() -> float:
    return time.time()
