"""Logging in: online against the server, or offline against the local verifier.

Public API for the application and the commands::

    ensure_device_id(settings, settings_path) -> str
    login(db, settings, data_dir, username, password) -> LoginResult
    authenticated_transport(settings) -> HttpTransport   # raises AuthExpired if no token
    make_transport(settings, token=None) -> HttpTransport

An online login keeps the token (keyring, else this process's memory), an
argon2 verifier of the password for offline login (table ``local_account``),
the server's public key (receipts and feed bundles) and registers this
device's bundle-signing key with the server. With no connection, the password
is checked against the verifier and the operator works offline (no token).
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from silon_desktop.domain.errors import CodedError, ErrorCode
from sync import credentials, sealed, signing
from sync.client.api import LoginAnswer, ServerApi
from sync.client.state import SERVER_BOX_KEY, SERVER_KEY, set_state
from sync.client.training import practice_problem
from sync.transport import AuthExpired, HttpTransport, Offline, Transport, TransportError

if TYPE_CHECKING:
    from silon_desktop.config import Settings
    from silon_desktop.storage.db import Database

log = logging.getLogger(__name__)


class LoginFailed(CodedError):
    """Wrong user name or password: ``LOGIN_WRONG_CREDENTIALS`` (the server refused
    them) or ``LOGIN_OFFLINE_REFUSED`` (no server answer, and the local verifier of the
    last online login does not match)."""

    default_code = ErrorCode.LOGIN_WRONG_CREDENTIALS


@dataclass(frozen=True, slots=True)
class LoginResult:
    """Attributes:
    online: logged in at the server (a token is kept); False: offline login.
    token_in_keyring: the token is in the OS keyring (False: memory only, the
        operator will be asked for the password again next start).
    """

    username: str
    role: str
    region: str
    online: bool
    token_in_keyring: bool


def ensure_device_id(settings: Settings, settings_path: Path | None = None) -> str:
    """This installation's device id, created (and saved) on first use
    (:meth:`Settings.ensure_device_id`)."""
    return settings.ensure_device_id(settings_path)


def make_transport(settings: Settings, token: str | None = None) -> HttpTransport:
    return HttpTransport(settings.server_url, ca_bundle=settings.ca_bundle, token=token)


def authenticated_transport(settings: Settings) -> HttpTransport:
    """A transport with the saved token of the settings' user.

    Raises:
        AuthExpired: no token saved (never logged in, or no keyring and a new process).
    """
    token = credentials.TokenStore(settings.server_url, settings.username).get()
    if not settings.username or not token:
        raise AuthExpired("no saved token")
    return make_transport(settings, token)


def login(
    db: Database,
    settings: Settings,
    data_dir: Path,
    username: str,
    password: str,
    *,
    transport: Transport | None = None,
    offline: bool = False,
) -> LoginResult:
    """Log in online, or offline when the server cannot be reached (or ``offline``).

    Raises:
        LoginFailed: wrong credentials (or offline with no matching verifier).
        TransportError: the server refused for another reason (e.g. locked out).
    """
    ensure_device_id(settings)
    if offline:
        return _login_offline(db, username, password)
    transport = transport or make_transport(settings)
    try:
        answer = server_login(settings, data_dir, username, password, transport)
    except Offline:
        return _login_offline(db, username, password)
    in_keyring = after_login(db, settings, username, password, answer, transport)
    return LoginResult(username, answer.role, answer.region, True, in_keyring)


def server_login(
    settings: Settings, data_dir: Path, username: str, password: str, transport: Transport
) -> LoginAnswer:
    """The server's answer to a login (before any local database is opened: the
    answer brings the secret that may be needed to open it).

    Raises:
        LoginFailed: the server refused the user name or password.
        Offline: the server cannot be reached.
        TransportError: refused for another reason (e.g. locked out).
    """
    ensure_device_id(settings)
    key = credentials.device_key(settings.device_id, data_dir)
    try:
        return ServerApi(transport).login(
            username, password, settings.device_id, signing.public_key_b64(key)
        )
    except AuthExpired:
        raise LoginFailed() from None


def after_login(
    db: Database,
    settings: Settings,
    username: str,
    password: str,
    answer: LoginAnswer,
    transport: Transport,
) -> bool:
    """Keep what an online login brings: the token (keyring, else memory), the
    offline verifier, the server's key. Returns whether the token is in the keyring."""
    transport.set_token(answer.token)
    in_keyring = credentials.TokenStore(settings.server_url, username).set(answer.token)
    credentials.store_offline_verifier(
        db,
        username,
        password,
        role=answer.role,
        scope=answer.region,
        server_url=settings.server_url,
    )
    save_server_key(db, ServerApi(transport))
    save_device_box_key(db, answer.device_secret)
    # A training server met first: the data here is practice data from now on (LATIHAN
    # on the first window and printout, not only after the first sync); a mismatch is
    # left for the sync to stop at and say.
    practice_problem(db, transport)
    settings.username = username
    return in_keyring


def save_device_box_key(db: Database, device_secret: str) -> None:
    """Keep the key feed bundles for this user and device are sealed to (derived
    from the device secret the login answer carries; nothing without one)."""
    if not device_secret:
        return
    from sync.client.state import DEVICE_BOX_KEY

    key = sealed.device_box_key(device_secret)
    text = base64.b64encode(sealed.private_bytes(key)).decode("ascii")
    with db.engine.begin() as conn:
        set_state(conn, DEVICE_BOX_KEY, text)


def _login_offline(db: Database, username: str, password: str) -> LoginResult:
    account = credentials.verify_offline(db, username, password)
    if account is None:
        raise LoginFailed(ErrorCode.LOGIN_OFFLINE_REFUSED) from None
    return LoginResult(account.username, account.role, account.scope, False, False)


def save_server_key(db: Database, api: ServerApi) -> None:
    """Keep the server's public key so receipts and feed bundles can be verified offline."""
    try:
        key = api.server_key()
    except TransportError as exc:  # receipts stay unverified until the next sync
        log.warning("server key not fetched at login: %s", exc)
        return
    except Exception:  # a bug: logged with its traceback, the login itself stands
        log.exception("server key not fetched at login")
        return
    with db.engine.begin() as conn:
        set_state(conn, SERVER_KEY, key)
    save_server_box_key(db, api)


def save_server_box_key(db: Database, api: ServerApi) -> None:
    """Keep the key outbox bundles are sealed to (a failure only delays USB export)."""
    try:
        box = api.server_box_key()
    except TransportError as exc:
        log.warning("server box key not fetched: %s", exc)
        return
    if box:
        with db.engine.begin() as conn:
            set_state(conn, SERVER_BOX_KEY, box)


def logout(settings: Settings, transport: Transport | None = None) -> None:
    """Revoke the token at the server when reachable, and forget it here."""
    store = credentials.TokenStore(settings.server_url, settings.username)
    token = store.get()
    if token and transport is not None:
        transport.set_token(token)
        try:
            ServerApi(transport).logout()
        except TransportError as exc:  # forgetting locally is what matters
            log.info("logout at the server failed: %s", exc)
        except Exception:  # a bug: logged with its traceback, the token is still forgotten
            log.exception("logout at the server failed")
    store.clear()
