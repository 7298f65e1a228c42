"""Access to a data folder: log in (online or offline), resume, log out, lock.

The local database is encrypted (``storage/cipher.py``) with the folder's data key,
which only a login brings back (``storage/keyfile.py``):

- **Online login** (the server answered yes): the data key is unwrapped with the
  password, else with the server's secret for this (user, device) (after a lock, or
  after a password change), else from the keyring; a folder without a key gets a
  new one, and a plain database from before encryption is converted (after a
  backup; the plain copies are removed). The key is then wrapped again with this
  password, the server's secret and the keyring, and the offline login is allowed
  for the number of days the server sent. A server whose signing key is not the
  one pinned here (``sync.client.login.checked_server_key``) is refused before it
  wraps the key, locks anything or leaves a token.
- **Offline login**, only when the server cannot be reached: the password must
  unwrap the key; failures count (kept in the key file, so a restart does not
  reset them) and, past :data:`keyfile.OFFLINE_FREE_ATTEMPTS`, each further attempt
  waits longer; after the days the server set, offline login is refused.
- **Lock** (the server revoked the account, its password or this device, told at
  the next contact: sync or login): the token, the keyring's key and every wrap
  but the server's are erased; the database stays unreadable until a valid online
  login.
- **Logout**: the token is forgotten (and revoked at the server when reachable);
  the database is closed.
- **Idle lock** (nobody used the window for a while): the keyring's key is forgotten
  and the database closed; the token stays. The password opens it again, online or
  offline.

A folder without ``silon.key`` and with a plain database (from before this
version, or written by headless commands before any login) is opened as it is by
the headless commands and converted at its first login.
"""

from __future__ import annotations

import base64
import binascii
import logging
import math
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from silon_desktop.domain.errors import CodedError, ErrorCode
from silon_desktop.services.results import LoginOutcome
from silon_desktop.storage import cipher, keyfile
from silon_desktop.storage.keyfile import KeyFile

if TYPE_CHECKING:
    # The database, its backups and SQLAlchemy are imported where a login opens the
    # database: the login dialog, shown at start-up, loads none of them.
    from silon_desktop.config import Settings
    from silon_desktop.paths import AppPaths
    from silon_desktop.storage.db import Database
    from sync.transport import LoginRefusal, Transport

log = logging.getLogger(__name__)

DAY_S = 86400.0

#: what a conversion reports: ``(stage, share of the whole conversion)``
Progress = Callable[[Any], None]
#: The backup before a conversion, bytes per second (its page copy and integrity check;
#: about 26 MB/s on the shared 2-core machine at load 4): its progress is told by the clock
BACKUP_BYTES_PER_S = 25_000_000


class LoginBackend(Protocol):
    """What the login dialog calls: :class:`LoginGate` before the window, the
    application's services over it."""

    settings: Settings

    def keyring_available(self) -> bool: ...

    def login(
        self,
        username: str,
        password: str,
        *,
        offline: bool = False,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> LoginOutcome: ...


class AccessRefused(CodedError):
    """The data folder cannot be opened (locked, wrong password, key unavailable)."""

    default_code = ErrorCode.LOGIN_OFFLINE_REFUSED


@dataclass(slots=True)
class Session:
    """A successful login: the open database and who logged in."""

    db: Database
    outcome: LoginOutcome
    username: str
    token: str | None
    #: committed changes found lost when the database was opened (a deleted WAL),
    #: read before anything committed (storage/integrity.py); None: none lost
    lost: object = None
    #: what the login did that the operator is told on the window (a training
    #: folder's practice data started over for another practice account); None: nothing
    notice: CodedError | None = None


class Access:
    """Logging in to one data folder. Thread: any (one call at a time).

    Args:
        paths: the data folders.
        settings: the operator's settings (server, device id, last user).
    """

    def __init__(self, paths: AppPaths, settings: Settings) -> None:
        self.paths = paths
        self.settings = settings
        self.online: bool | None = None
        #: what :meth:`open` found lost (storage.integrity.lost_changes)
        self.lost: object = None
        #: what the last login did that the operator is told (:attr:`Session.notice`)
        self.notice: CodedError | None = None

    # -- state ---------------------------------------------------------------------

    @property
    def encrypted(self) -> bool:
        """Whether the folder has a data key (its database is encrypted)."""
        return KeyFile.exists(self.paths.data)

    def locked(self) -> bool:
        """Locked by a revocation: only an online login opens the data again."""
        if not self.encrypted:
            return False
        kf = KeyFile.load(self.paths.data)
        return not kf.password and kf.keyring is None and bool(kf.server)

    def keyring_available(self) -> bool:
        from sync.credentials import keyring_available

        return keyring_available()

    # -- login ---------------------------------------------------------------------

    def login(
        self,
        username: str,
        password: str,
        *,
        offline: bool = False,
        transport: Transport | None = None,
        reuse: Database | None = None,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> Session | LoginOutcome:
        """Log in: a :class:`Session` (the database open), or the refusal.

        Online first; offline only when the server cannot be reached (asking for
        offline while it answers is refused). Worker thread. ``progress`` and
        ``cancel``: a conversion's, see :meth:`open`.

        Raises:
            cipher.ConversionCancelled: ``cancel`` stopped the first login's
                conversion (the plain database left as it was).
        """
        opening: dict[str, Any] = {"progress": progress, "cancel": cancel}
        self.notice = None
        from sync.client.login import LoginFailed, make_transport, server_login
        from sync.credentials import KeyringUnreadable
        from sync.transport import AuthExpired, Offline, TransportError

        if offline:
            if self._server_answers():
                self.online = True
                return _refused(ErrorCode.LOGIN_ONLINE_REQUIRED, online=True)
            self.online = False
            return self._offline(username, password, reuse, opening)
        transport = transport or make_transport(self.settings)
        try:
            answer = server_login(self.settings, self.paths.data, username, password, transport)
        except Offline:
            self.online = False
            return self._offline(username, password, reuse, opening)
        except KeyringUnreadable as error:  # the device key not read: the server not asked
            return LoginOutcome(False, False, error)
        except (LoginFailed, AuthExpired) as error:
            self.online = True
            # A training server knows no office account: its no is not the real server's.
            if not _training_server(transport):
                done = self._refused_online(username, password, error.login_refusal, reuse)
                if done is not None:
                    return _refused(done, online=True)
            refusal = error if isinstance(error, LoginFailed) else LoginFailed()
            return LoginOutcome(False, True, refusal)
        except TransportError as error:  # refused for another reason (locked out...)
            self.online = True
            if getattr(error, "code", None) is ErrorCode.LOGIN_RESERVED_NAME:
                # The server lets this account in never again (its name reads as the
                # server's own in the audit log): as for a disabled account, the data
                # here stops opening with its password (offline login included).
                done = self._refused_online(username, password, error.login_refusal, reuse)
                if done is ErrorCode.LOGIN_REFUSAL_UNPROVEN:
                    return _refused(done, online=True)
            return LoginOutcome(False, True, error)
        self.online = True
        try:
            kf, key, kept = self._key_after_online(
                username, password, answer, transport, opened=reuse is not None
            )
            db = reuse if reuse is not None else self.open(key, **opening)
        except AccessRefused as error:
            return LoginOutcome(False, True, error)
        from sync.client.login import ServerKeyChanged, after_login, checked_server_key

        try:
            # another server at that address: nothing it says is kept or acted upon
            server_key = checked_server_key(db, self.settings, transport, answer)
            self._refuse_a_region_left(kf, username, answer)
        except (ServerKeyChanged, AccessRefused) as error:
            if reuse is None:
                db.close()
            return LoginOutcome(False, True, error)
        if not kept:
            self._keep_key(kf, key, username, password, answer)
        from sync.client.training import remember_practice

        remember_practice(db, self.paths.data)  # the first pin met a training server
        in_keyring = after_login(
            db, self.settings, username, password, answer, transport, checked_key=server_key
        )
        outcome = LoginOutcome(True, True, None, in_keyring, answer.role, answer.region)
        lost = self.lost if reuse is None else None
        return Session(db, outcome, username, answer.token, lost, self.notice)

    def _offline(
        self,
        username: str,
        password: str,
        reuse: Database | None = None,
        opening: dict[str, Any] | None = None,
    ) -> Session | LoginOutcome:
        try:
            key, state = self.unlock_with_password(username, password)
            db = reuse if reuse is not None else self.open(key, **(opening or {}))
        except AccessRefused as error:
            return LoginOutcome(False, False, error)
        outcome = LoginOutcome(True, False, None, self.keyring_available(), state.role, state.scope)
        return Session(db, outcome, username, None, self.lost if reuse is None else None)

    def unlock_with_password(
        self, username: str, password: str, *, now: float | None = None
    ) -> tuple[bytes, keyfile.OfflineState]:
        """The data key from the password (offline login, headless commands).

        Raises:
            AccessRefused: locked, expired, waiting after failures, or wrong password
                (the failure is counted).
        """
        now = keyfile.now() if now is None else now
        kf = KeyFile.load(self.paths.data)
        state = kf.offline.get(username)
        if username not in kf.password or state is None:
            if kf.server and not kf.password and kf.keyring is None:
                raise AccessRefused(ErrorCode.LOGIN_LOCKED)
            raise AccessRefused(ErrorCode.LOGIN_OFFLINE_REFUSED)
        wait = state.wait_s(now)
        if wait > 0:
            raise AccessRefused(ErrorCode.LOGIN_OFFLINE_WAIT, minutes=str(math.ceil(wait / 60)))
        if state.expires_at <= now:
            raise AccessRefused(ErrorCode.LOGIN_OFFLINE_EXPIRED)
        key = kf.unwrap_password(username, password)
        if key is None:
            state.failed(now)
            kf.save()
            log.warning("offline login refused for %s (%d failures)", username, state.failures)
            raise AccessRefused(ErrorCode.LOGIN_OFFLINE_REFUSED)
        if state.failures or state.retry_at:
            state.failures, state.retry_at = 0, 0.0
            kf.save()
        return key, state

    def _key_after_online(
        self,
        username: str,
        password: str,
        answer: object,
        transport: Transport,
        *,
        opened: bool = False,
    ) -> tuple[KeyFile, bytes, bool]:
        """The data key after the server said yes, with its key file and whether it
        was kept already: a new key is wrapped with the password at once (opening the
        folder may encrypt a plain database with it); a new or found one is wrapped
        (again) with everything (:meth:`_keep_key`) only once
        the server's signing key was checked and the account's region
        (:meth:`_refuse_a_region_left`): a server that is not the one pinned here must
        neither wrap the key with its secret nor lock the data.

        The keyring's wrap opens the folder for any account a server accepts; not for
        an account of a training server (its password is printed on every desk's
        card): practice accounts open only the data they made themselves. In a folder of
        practice data (training mode's, or one whose key file says so: a room laptop's
        ``--data-dir``; ``opened``: not while its database is open), where no wrap opens
        for the account a training server accepted, the practice data starts over with
        a new key (:meth:`_start_practice_over`).
        """
        secret = _secret(getattr(answer, "device_secret", ""))
        kf = KeyFile.load(self.paths.data)
        practice = self.paths.practice or kf.practice
        if not kf.empty and not opened and practice and _training_server(transport):
            if self._unwrap(kf, username, password, secret, training=True) is None:
                self._start_practice_over(username)
                kf = KeyFile.load(self.paths.data)
                kf.practice = True  # still a folder of practice data
        if kf.empty and self._encrypted_database_left():
            # A new key would not open it, and saved here it would stand in the way of
            # the key file brought back from a copy.
            log.warning(
                "the key file of %s is missing beside its encrypted database", self.paths.data
            )
            raise AccessRefused(ErrorCode.LOGIN_KEY_FILE_MISSING, folder=str(self.paths.data))
        if kf.empty and not self.paths.practice and self._plain_real_data():
            if _training_server(transport):
                # Converted now, its new key would be wrapped by the practice password
                # alone (printed on every desk's card), and its operator locked out.
                log.warning("a practice login met a plain folder holding real data: refused")
                raise AccessRefused(ErrorCode.LOGIN_PRACTICE_REAL_DATA, user=username)
        if kf.empty:
            key = keyfile.new_data_key()
            log.info("a new data key for %s", self.paths.data)
            kf.practice = kf.practice or self.paths.practice
            # Kept at once under the password alone (opening the folder may encrypt a
            # plain database with it); the server's secret, the keyring and what the
            # server says of the account wait for the checks, as for a found key: a
            # plain folder may have a server key pinned already.
            kf.wrap_password(username, password, key)
            kf.save()
            return kf, key, False
        found = self._unwrap(kf, username, password, secret, training=_training_server(transport))
        if found is None:
            log.warning("no wrap of the data key opens for %s", username)
            raise AccessRefused(ErrorCode.LOGIN_NO_DATA_KEY, user=username)
        return kf, found, False

    def _unwrap(
        self, kf: KeyFile, username: str, password: str, secret: bytes | None, *, training: bool
    ) -> bytes | None:
        """The data key from this account's password or server wrap, else (not for a
        training server's account) from the keyring; None when none opens."""
        return (
            kf.unwrap_password(username, password)
            or (kf.unwrap_server(username, secret) if secret else None)
            or (None if training else self._from_keyring(kf))
        )

    def _start_practice_over(self, username: str) -> None:
        """Delete training mode's practice data here (database, backups, archive,
        documents, key file, the keyring's key) for a practice account that no wrap
        opens for: another trainee of the room at a shared laptop, or the trainer after
        a ``training reset`` gave the trainer a new password. Only for a folder of
        practice data alone (never synced with a real server): training mode's
        (:attr:`AppPaths.practice`), or one whose key file says so
        (:attr:`KeyFile.practice`); its training server's folder is left alone.
        """
        import shutil

        from silon_desktop.storage.outbox import remove_archive
        from sync.credentials import clear_data_key_secret

        if not (self.paths.practice or KeyFile.load(self.paths.data).practice):
            raise ValueError("start over refused: not a folder of practice data")
        log.warning("no wrap of the practice data key opens for %s: starting over", username)
        database = self.paths.database
        for suffix in ("", "-wal", "-shm", "-journal", ".encrypting"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
        remove_archive(database)
        for folder in (self.paths.backups, self.paths.documents):
            if folder.is_dir():
                shutil.rmtree(folder)
                folder.mkdir(mode=0o700)
        clear_data_key_secret(self.paths.data)
        KeyFile.path_in(self.paths.data).unlink(missing_ok=True)
        self.notice = CodedError(ErrorCode.PRACTICE_STARTED_OVER, user=username)

    def _keep_key(
        self, kf: KeyFile, key: bytes, username: str, password: str, answer: object
    ) -> None:
        """Wrap the data key again for next time (password, server secret, keyring) and
        keep what the server said of this account (role, region, offline days)."""
        secret = _secret(getattr(answer, "device_secret", ""))
        kf.wrap_password(username, password, key)
        if secret:
            kf.wrap_server(username, secret, key)
        self._to_keyring(kf, key)
        state = kf.state(username)
        state.role = str(getattr(answer, "role", ""))
        state.scope = str(getattr(answer, "region", ""))
        days = float(getattr(answer, "offline_days", 0) or 0)
        state.expires_at = keyfile.now() + days * DAY_S if days > 0 else 0.0
        state.failures, state.retry_at = 0, 0.0
        kf.save()

    def _refuse_a_region_left(self, kf: KeyFile, username: str, answer: object) -> None:
        """An account that no longer reads what it read at its last login here (moved
        to another kab/kota, or to a narrower level): the data of the region it left
        does not open for it. The server forgot the secret of its devices; its own
        password wrap here would still open the data, so the PC is locked as for a
        revocation, and the login refused naming both regions.

        Raises:
            AccessRefused: ``LOGIN_REGION_LEFT``.
        """
        from sync.client.snapshots import read_label
        from sync.snapshot import covers

        before = kf.offline.get(username)
        if before is None or not before.role:
            return  # never logged in online here (or before roles were kept)
        role, region = str(getattr(answer, "role", "")), str(getattr(answer, "region", ""))
        if not role or covers(read_label(role, region), read_label(before.role, before.scope)):
            return
        log.warning("%s no longer reads the region of the data here: locking", username)
        self.lock(username)
        raise AccessRefused(
            ErrorCode.LOGIN_REGION_LEFT,
            user=username,
            old=before.scope or "-",
            new=region or "-",
        )

    def _refused_online(
        self,
        username: str,
        password: str,
        refusal: LoginRefusal | None,
        reuse: Database | None = None,
    ) -> ErrorCode | None:
        """The server refused this password: when it still opens the data here, the
        password was changed or the account disabled or removed since: lock, but only
        on the server's word (``refusal`` proven by the key pinned here, read from the
        data the password opens; ``reuse``: that data already open).

        Returns ``ACCESS_REVOKED`` when it locked; ``LOGIN_REFUSAL_UNPROVEN`` when the
        password opens the data but the refusal is not proven (no proof: an older
        server, or anyone on the path; another key's; another login's): nothing
        erased or dropped; None when the password opens nothing here (a first login,
        a mistyped password: nothing to lock)."""
        if not self.encrypted:
            return None
        kf = KeyFile.load(self.paths.data)
        key = (
            kf.unwrap_password(username, password, pending=False)
            if username in kf.password
            else None
        )
        pending = key is None and kf.opens_pending(username, password)
        if key is None and not pending:
            return None
        if not self._refusal_proven(refusal, kf, username, password, key, reuse):
            log.warning(
                "a login refusal for %s not signed by the pinned key: nothing erased", username
            )
            return ErrorCode.LOGIN_REFUSAL_UNPROVEN
        if not pending:
            log.warning("the server refused the password kept here for %s: locking", username)
            self.lock(username)
            return ErrorCode.ACCESS_REVOKED
        # a change whose answer never came: the server did not take it
        log.info("the server refused the pending new password of %s: dropped", username)
        kf.drop_pending(username)
        kf.save()
        return None

    def _refusal_proven(
        self,
        refusal: LoginRefusal | None,
        kf: KeyFile,
        username: str,
        password: str,
        key: bytes | None,
        reuse: Database | None,
    ) -> bool:
        """Whether ``refusal`` is the word of the server key pinned in the data here."""
        if refusal is None or not refusal.proof:
            return False  # nothing to check: no need to read the pinned key
        if reuse is not None:
            from sync.client.login import pinned_key

            return refusal.proven(pinned_key(reuse))
        if key is None:
            key = kf.unwrap_password(username, password)  # the pending wrap
        return key is not None and refusal.proven(_pinned_key_in(self.paths.database, key))

    # -- password change -------------------------------------------------------------

    def change_password(
        self, username: str, current: str, new: str, *, transport: Transport, db: Database
    ) -> int:
        """Change the account's own password at the server, and here what opens the data
        with it: the key file's password wrap (the offline login's check) and the
        database's offline verifier. Worker thread. Returns how many other sessions of
        the account the server ended.

        The order keeps the operator from being locked out whatever stops it: the
        server is asked only once it answers (no connection: nothing written); then the
        data key is wrapped with the new password as *pending* beside the current wrap
        (one atomic replace of ``silon.key``), the server asked, and on its yes the
        pending wrap replaces the old (a second atomic replace). Killed in between, both
        passwords open the data offline, and the next online login (the server knows
        only the new one) leaves the new one's wrap alone; a refusal at that login of
        the pending password, proven by the pinned key, drops it
        (:meth:`_refused_online`). The server's own refusal
        (a 4xx: wrong current password, throttled, session ended) drops the pending
        wrap at once; an answer that never came keeps it (the server may have taken the
        change: ``PASSWORD_CHANGE_UNSURE``). The keyring's and the server's wraps do not
        depend on the password and stay.

        Raises:
            CodedError: ``PASSWORD_CHANGE_OFFLINE`` (nothing changed),
                ``PASSWORD_CHANGE_UNSURE``, ``PASSWORD_CHANGE_LOGIN_AGAIN`` (no live
                session), ``ACCESS_REVOKED`` (the caller locks the data); the
                transport's error of another refusal (``PASSWORD_WRONG_CURRENT``,
                ``SERVER_BUSY``...).
        """
        from sync import credentials
        from sync.client.api import ServerApi
        from sync.client.login import revocation_stands
        from sync.protocol import HEALTH_PATH
        from sync.transport import AuthExpired, Revoked, TransportError

        try:
            transport.call("GET", HEALTH_PATH, auth=False)
        except TransportError as error:
            raise CodedError(ErrorCode.PASSWORD_CHANGE_OFFLINE) from error
        key = db.key if self.encrypted else None
        if key is not None:
            kf = KeyFile.load(self.paths.data)
            kf.wrap_pending(username, new, key)
            kf.save()
        try:
            ended = ServerApi(transport).change_password(current, new)
        except TransportError as error:
            if error.status is None or error.status >= 500:
                log.warning("no answer to the password change of %s: both open here", username)
                raise CodedError(ErrorCode.PASSWORD_CHANGE_UNSURE) from error
            if key is not None:  # the server said no: nothing changed there
                kf = KeyFile.load(self.paths.data)
                kf.drop_pending(username)
                kf.save()
            stands = revocation_stands(db, error)  # not proven: log in again, no lock
            if isinstance(stands, Revoked):  # the window locks (its next sync would too)
                raise CodedError(ErrorCode.ACCESS_REVOKED) from error
            if isinstance(stands, AuthExpired):
                raise CodedError(ErrorCode.PASSWORD_CHANGE_LOGIN_AGAIN) from error
            if error.status == 429:
                raise CodedError(ErrorCode.SERVER_BUSY, minutes="1") from error
            raise
        if key is not None:
            self.settle_password_change(username)
        credentials.replace_offline_verifier(db, username, new)
        log.info("%s changed the password (%d other sessions ended)", username, ended)
        return ended

    def settle_password_change(self, username: str) -> None:
        """The server took the new password: its pending wrap becomes the one, and the
        offline attempts start over (one atomic replace of ``silon.key``)."""
        kf = KeyFile.load(self.paths.data)
        if kf.confirm_pending(username):
            state = kf.offline.get(username)
            if state is not None:
                state.failures, state.retry_at = 0, 0.0
            kf.save()

    # -- resume, open ----------------------------------------------------------------

    def resume(self) -> Session | None:
        """Carry on as the last user when the keyring holds their token and the data
        key's keyring wrap opens; else None (the login dialog asks)."""
        from sync.credentials import TokenStore

        username = self.settings.username
        if not username or not self.keyring_available():
            return None
        token = TokenStore(self.settings.server_url, username).get()
        if not token:
            return None
        if self.encrypted:
            if self.needs_conversion():
                return None  # converted at the login dialog, which shows its progress
            key = self._from_keyring(KeyFile.load(self.paths.data))
            if key is None:
                return None
        elif self.paths.database.exists():
            return None  # a plain folder is converted at a login with the password
        else:
            return None
        db = self.open(key)
        # The account's level as of its last online login: what it may write here.
        role, scope = account_level(self.paths, username)
        outcome = LoginOutcome(True, True, None, True, role, scope)
        return Session(db, outcome, username, token, self.lost)

    def open(
        self,
        key: bytes,
        *,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> Database:
        """The folder's database with ``key``; a plain one is converted first (and
        plain backups left by a conversion that stopped midway).

        ``progress`` gets ``(stage, share)`` tuples during a conversion (stage
        ``"backup"``, ``"encrypt"`` or ``"backups"``; share of the whole conversion
        0.0 to 1.0); ``cancel`` stops it with :class:`cipher.ConversionCancelled`,
        the plain database left as it was.
        """
        from silon_desktop.storage import db as storage_db
        from silon_desktop.storage.integrity import lost_changes

        path = self.paths.database
        path.with_name(path.name + ".encrypting").unlink(missing_ok=True)  # a killed conversion
        if (path.exists() and cipher.is_plain(path)) or self._plain_backups():
            self._convert(key, progress, cancel)
        # read before anything commits (an upgrade, the login's own writes)
        self.lost = lost_changes(path, key) if path.exists() else None
        try:
            return storage_db.open_database(path, backups=self.paths.backups, key=key)
        except CodedError as error:
            if not cipher.opens_with(path, key):
                raise AccessRefused(ErrorCode.LOGIN_NO_DATA_KEY, user="") from error
            raise

    def _encrypted_database_left(self) -> bool:
        """Whether the folder holds a database that is not plain SQLite (encrypted)."""
        path = self.paths.database
        return path.exists() and path.stat().st_size > 0 and not cipher.is_plain(path)

    def needs_conversion(self) -> bool:
        """Whether opening the folder converts a plain database or plain backups."""
        path = self.paths.database
        return (path.exists() and cipher.is_plain(path)) or bool(self._plain_backups())

    def _plain_real_data(self) -> bool:
        """Whether the folder's database or one of its backups is plain (from before
        encryption, or left by a conversion that stopped) and holds data that is not
        practice data: a new key would encrypt them all (:meth:`_convert`)."""
        path = self.paths.database
        plain = [path] if path.exists() and cipher.is_plain(path) else []
        return any(_holds_real_data(p) for p in [*plain, *self._plain_backups()])

    def _plain_backups(self) -> list[Path]:
        from silon_desktop.storage import backup

        return [b.path for b in backup.list_backups(self.paths.backups) if cipher.is_plain(b.path)]

    def _convert(
        self,
        key: bytes,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> None:
        """Encrypt a plain database and its backups; the plain copies are removed.

        The plain database stays as it was until its encrypted copy is complete and
        checked (:func:`cipher.encrypt_plain`); stopped or killed before, the next
        login converts it again. A plain backup is removed only once its encrypted
        copy replaced it, and a later login converts what is left. A plain backup
        SQLite cannot read whole (damaged) is kept byte for byte in an encrypted file
        beside it (:func:`cipher.seal_whole`), read back before the plain file goes.
        """
        from silon_desktop.storage import backup

        path = self.paths.database
        stop = cancel or (lambda: False)
        report = progress or (lambda _stage: None)
        main = path.stat().st_size if path.exists() and cipher.is_plain(path) else 0
        # work in bytes: the backup (a page copy and its integrity check: on 200,000
        # supporters about 0.8 of an encryption), the database's encryption, then
        # each plain backup's
        sizes = [b.stat().st_size for b in self._plain_backups()]
        total = max(main * 4 // 5 + main + main + sum(sizes), 1)
        done = 0

        def part(stage: str, weight: int) -> Callable[[float], None]:
            start = done
            return lambda share: report((stage, min((start + share * weight) / total, 1.0)))

        if main:
            log.info("encrypting the local database %s", path)
            report(("backup", 0.0))
            with cipher.by_the_clock(part("backup", main * 4 // 5), main / BACKUP_BYTES_PER_S):
                backup.make_backup(path, self.paths.backups, None, reason="before-encryption")
            done += main * 4 // 5
            if stop():
                raise cipher.ConversionCancelled()
            cipher.encrypt_plain(path, key, progress=part("encrypt", main), cancel=stop)
            done += main
        else:  # the database was converted, a stop left plain backups
            total = max(sum(sizes), 1)
        for plain in self._plain_backups():
            weight = plain.stat().st_size
            if stop():
                raise cipher.ConversionCancelled()
            try:
                cipher.encrypt_plain(
                    plain, key, wal=False, progress=part("backups", weight), cancel=stop
                )
            except cipher.dbapi().DatabaseError:
                if backup.verify(plain):
                    raise  # a readable file: not the damage below (the disk, a lock)
                # SQLite cannot read it whole: kept byte for byte, encrypted, so that it
                # neither stops every login nor stays plain (cipher.seal_whole)
                cipher.seal_whole(plain, key)
            done += weight
        if self.paths.backups.is_dir():
            for leftover in self.paths.backups.glob("*.partial"):
                leftover.unlink(missing_ok=True)
        report(("done", 1.0))

    # -- logout, lock ----------------------------------------------------------------

    def logout(
        self, username: str, db: Database | None = None, *, token: str | None = None
    ) -> None:
        """Forget the token (revoked at the server when it answers; ``token``: the one
        the program holds, else the keyring's) and the keyring's key of the data (the
        password is asked next time); close the data."""
        from sync.client.login import logout, make_transport

        self.settings.username = username
        transport = make_transport(self.settings)
        try:
            logout(self.settings, transport, token)
        finally:
            transport.close()
        self._forget_keyring_key()  # no session to resume: the password is asked
        if db is not None:
            db.close()
        log.info("%s logged out", username)

    def idle_lock(self, username: str, db: Database | None = None) -> None:
        """Nobody used the window for a while (``silon_desktop.ui.idle_lock``): forget
        the keyring's key of the data, so that the password is asked, after a restart
        too; close the data. The token stays: after the password, sync carries on
        without the server having to answer the login."""
        self._forget_keyring_key()
        if db is not None:
            db.close()
        log.info("the window of %s locked after a time without input", username)

    def lock(self, username: str, db: Database | None = None) -> None:
        """Revoked by the server: erase the token, the keyring's key, every wrap but
        the server's and the offline logins; close the data."""
        from sync.credentials import TokenStore, clear_data_key_secret

        if db is not None:
            db.engine.dispose()
        TokenStore(self.settings.server_url, username).clear()
        clear_data_key_secret(self.paths.data)
        if self.encrypted:
            kf = KeyFile.load(self.paths.data)
            kf.lock()
            kf.save()
        log.warning("access of %s revoked: the data on this computer is locked", username)

    # -- keyring ---------------------------------------------------------------------

    def _forget_keyring_key(self) -> None:
        """Forget the keyring's key of the data: its secret in the keyring and its wrap
        in the key file. A keyring that refuses the delete (locked) keeps the secret,
        and the next start, the keyring open again, would resume without the password:
        without the wrap that secret opens nothing (an online login wraps anew)."""
        from sync.credentials import clear_data_key_secret

        clear_data_key_secret(self.paths.data)
        if self.encrypted:
            kf = KeyFile.load(self.paths.data)
            if kf.keyring is not None:
                kf.keyring = None
                kf.save()

    def _from_keyring(self, kf: KeyFile) -> bytes | None:
        from sync.credentials import data_key_secret

        secret = data_key_secret(self.paths.data)
        return None if secret is None else kf.unwrap_keyring(secret)

    def _to_keyring(self, kf: KeyFile, key: bytes) -> None:
        from sync.credentials import keyring_available, set_data_key_secret

        if not keyring_available():
            kf.keyring = None
            return
        secret = os.urandom(32)
        if set_data_key_secret(self.paths.data, secret):
            kf.wrap_keyring(secret, key)
        else:
            kf.keyring = None

    def _server_answers(self, timeout_s: float = 3.0) -> bool:
        from sync.protocol import HEALTH_PATH
        from sync.transport import HttpTransport, RetryPolicy, TransportError

        transport = HttpTransport(
            self.settings.server_url,
            ca_bundle=self.settings.ca_bundle,
            connect_timeout_s=timeout_s,
            read_timeout_s=timeout_s,
            retry=RetryPolicy(attempts=1, max_total_s=timeout_s),
        )
        try:
            transport.call("GET", HEALTH_PATH, auth=False)
            return True
        except TransportError:
            return False
        finally:
            transport.close()


class LoginGate:
    """What the login dialog needs before any data is open (the first login): the
    successful :class:`Session` is kept for the application to open its window."""

    def __init__(self, access: Access) -> None:
        self.access = access
        self.settings = access.settings
        self.session: Session | None = None

    def keyring_available(self) -> bool:
        return self.access.keyring_available()

    def login(
        self,
        username: str,
        password: str,
        *,
        offline: bool = False,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> LoginOutcome:
        result = self.access.login(
            username, password, offline=offline, progress=progress, cancel=cancel
        )
        if not isinstance(result, Session):
            return result
        if self.session is not None:  # a second success before the window opened
            self.session.db.close()
        self.session = result
        self.settings.username = username
        self.settings.save(self.access.paths.settings)
        return result.outcome


def new_password_problem(current: str, new: str, repeated: str) -> CodedError | None:
    """Why a password change's fields are refused before the server is asked (the
    server's own rule for a new password, ``sync.protocol.PASSWORD_MIN_LENGTH``), or
    None. Each code names the field it is about (``domain.wording``)."""
    from sync.protocol import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH

    if not current:
        return CodedError(ErrorCode.PASSWORD_CURRENT_EMPTY)
    if len(new) < PASSWORD_MIN_LENGTH:
        return CodedError(ErrorCode.PASSWORD_TOO_SHORT, min=str(PASSWORD_MIN_LENGTH))
    if len(new) > PASSWORD_MAX_LENGTH:
        return CodedError(ErrorCode.PASSWORD_TOO_LONG, max=str(PASSWORD_MAX_LENGTH))
    if new != repeated:
        return CodedError(ErrorCode.PASSWORD_MISMATCH)
    if new == current:
        return CodedError(ErrorCode.PASSWORD_SAME)
    return None


def _refused(code: ErrorCode, *, online: bool, **params: str) -> LoginOutcome:
    return LoginOutcome(False, online, CodedError(code, **params))


def _pinned_key_in(path: Path, key: bytes) -> str:
    """The server key pinned in the encrypted database at ``path`` ("" when none, or the
    file does not open with ``key``), read without opening it as the application does
    (no upgrade, no write)."""
    from sync.client.state import SERVER_KEY

    if not path.exists():
        return ""
    try:
        conn = cipher.connect(f"file:{path}?mode=ro", key, timeout=5.0, uri=True)
    except cipher.dbapi().DatabaseError:
        return ""
    try:
        row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (SERVER_KEY,)).fetchone()
    except cipher.dbapi().DatabaseError:
        return ""
    finally:
        conn.close()
    return str(row[0]) if row and row[0] else ""


def _training_server(transport: Transport) -> bool:
    """Whether the server that accepted the login is a training server."""
    from sync.client.training import server_identity

    return bool(server_identity(transport))


def _secret(text: str) -> bytes | None:
    if not text:
        return None
    try:
        secret = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    return secret if len(secret) >= 16 else None


def has_database(paths: AppPaths) -> bool:
    """Whether the folder holds a database file with something in it."""
    database = paths.database
    return database.is_file() and database.stat().st_size > 0


def account_level(paths: AppPaths, username: str) -> tuple[str, str]:
    """``(role, region)`` of ``username`` at its last online login on this PC (kept in
    the key file), ``("", "")`` when it never logged in here online: what a session
    resumed without a login, or a headless command, may write."""
    if not username or not KeyFile.exists(paths.data):
        return "", ""
    state = KeyFile.load(paths.data).offline.get(username)
    return (state.role, state.scope) if state is not None else ("", "")


def require_login_first(paths: AppPaths) -> None:
    """Refuse a folder where nobody has logged in and no database exists yet: a
    headless command must not make a plain database there (the first login makes
    the data key and the encrypted database).

    Raises:
        AccessRefused: ``LOGIN_FIRST``, naming the data folder.
    """
    if not KeyFile.exists(paths.data) and not has_database(paths):
        raise AccessRefused(ErrorCode.LOGIN_FIRST, folder=str(paths.data))


def open_for_command(
    paths: AppPaths, settings: Settings, asked: list[str] | None = None
) -> Database:
    """The folder's database for a headless command.

    An encrypted folder is opened with the keyring's key (a session on this
    machine), else with the password of the last user from ``SILON_PASSWORD`` or
    asked on the terminal (the offline rules apply: attempts, back-off, expiry).
    A plain database of an older version (no key file) is opened as it is, until
    the first login encrypts it; a folder with neither is refused (no plain
    database is made).

    Raises:
        AccessRefused: never logged in, no password, wrong password, locked or expired.
    """
    require_login_first(paths)
    key = command_key(paths, settings, asked=asked)
    if key is None:
        from silon_desktop.storage import db as storage_db

        return storage_db.open_database(paths.database)
    return Access(paths, settings).open(key)


def command_key(
    paths: AppPaths, settings: Settings, *, ask: bool = True, asked: list[str] | None = None
) -> bytes | None:
    """The data key for a headless command (see :func:`open_for_command`); None for a
    folder that has none (never logged in: a plain database).

    Args:
        ask: ask for the password on a terminal when ``SILON_PASSWORD`` is unset.

    Raises:
        AccessRefused: no password, wrong password, locked or expired.
    """
    import getpass

    access = Access(paths, settings)
    if not access.encrypted:
        return None
    kf = KeyFile.load(paths.data)
    key = access._from_keyring(kf)
    if key is None:
        username = settings.username
        password = os.environ.get("SILON_PASSWORD")
        if not password and ask and sys.stdin is not None and sys.stdin.isatty() and username:
            password = getpass.getpass(f"Kata sandi {username}: ")
            if asked is not None:  # the command may log in with it too: asked once
                asked.append(password)
        if not password or not username:
            if access.locked():
                raise AccessRefused(ErrorCode.LOGIN_LOCKED)
            raise AccessRefused(ErrorCode.LOGIN_PASSWORD_NEEDED)
        key, _state = access.unlock_with_password(username, password)
    return key


def _holds_real_data(path: Path) -> bool:
    """Whether the plain database file ``path`` holds data that is not practice data
    (:func:`sync.client.training.holds_real_data`), read without writing to it; a file
    it cannot read counts as real."""
    import sqlite3

    from sqlalchemy import create_engine
    from sqlalchemy.exc import SQLAlchemyError

    from sync.client.training import holds_real_data

    uri = f"{path.resolve().as_uri()}?mode=ro"
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
    try:
        with engine.connect() as conn:
            return holds_real_data(conn)
    except SQLAlchemyError:
        return True
    finally:
        engine.dispose()
