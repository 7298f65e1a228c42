"""Logging in: online against the server, or offline against the local verifier.

Public API for the application and the commands::

    ensure_device_id(settings, settings_path) -> str
    login(db, settings, data_dir, username, password) -> LoginResult
    authenticated_transport(settings) -> HttpTransport   # raises AuthExpired if no token
    make_transport(settings, token=None) -> HttpTransport

An online login keeps the token (keyring, else this process's memory), an
argon2 verifier of the password for offline login (table ``local_account``),
the server's public key (receipts and feed bundles) and registers this
device's bundle-signing key with the server. The server's key is pinned at the
first online login: a later login, or sync run (:func:`trust_server_key`), with a
server that signs with another key is refused (:class:`ServerKeyChanged`) before
anything is kept, sent or taken, except for practice
data meeting a training server, whose every reset makes a new key. With no
connection, the password is checked against the verifier and the operator works
offline (no token).
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
from sync.client.state import (
    SERVER_BOX_KEY,
    SERVER_KEY,
    get_state,
    heard_read_rules,
    set_state,
)
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


class ServerKeyChanged(LoginFailed):
    """The server signs with another key than the one pinned here at the first online
    login (another server at that address): ``LOGIN_SERVER_KEY_CHANGED``."""

    default_code = ErrorCode.LOGIN_SERVER_KEY_CHANGED


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
    *,
    checked_key: str | None = None,
) -> bool:
    """Keep what an online login brings: the token (keyring, else memory), the
    offline verifier, the server's key, what the account reads and by which rules
    (``read_rules``). Returns whether the token is in the keyring.

    ``checked_key``: what :func:`checked_server_key` returned for this login already
    (else it is checked here, first).

    Raises:
        ServerKeyChanged: the server's key is not the one pinned here (nothing kept).
    """
    server_key = checked_server_key(db, settings, transport) if checked_key is None else checked_key
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
    save_server_key(db, ServerApi(transport), server_key)
    save_device_box_key(db, answer.device_secret)
    with db.engine.begin() as conn:
        heard_read_rules(conn, answer.read_rules)
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


def checked_server_key(db: Database, settings: Settings, transport: Transport) -> str:
    """The server's signing key, checked against the one pinned here ("" when it could
    not be fetched and none is pinned yet: the login stands, the first sync pins it).

    A first pin also marks practice data when the server is a training server
    (:func:`training.practice_problem`, as its first sync would), so that the key a
    reset of that server makes is followed (:func:`training.follows_resets`). Where
    that sync would be refused (data pulled from a real server, or rows typed here that
    no server has seen) "" is returned: nothing is pinned, and the sync says why.

    Raises:
        ServerKeyChanged: another key than the pinned one, and not a training server's
            reset met by practice data; or the key could not be read while one is
            pinned (``LOGIN_SERVER_KEY_UNCHECKED``).
    """
    from sync.client import training

    key = _fetch_server_key(ServerApi(transport))
    if not key:
        if not _pinned_key(db):
            return ""
        # A key that cannot be read is no key compared: the server would pass unchecked.
        log.warning("the server's signing key could not be read: login refused")
        raise ServerKeyChanged(ErrorCode.LOGIN_SERVER_KEY_UNCHECKED, server=settings.server_url)
    if not trust_server_key(db, settings, transport, key, ErrorCode.LOGIN_SERVER_KEY_CHANGED):
        if training.practice_problem(db, transport) is not None:
            return ""  # not this server's data: its key pinned would refuse the real one
    return key


def trust_server_key(
    db: Database, settings: Settings, transport: Transport, key: str, code: ErrorCode
) -> bool:
    """Check the key the server says it signs with against the one pinned here (the
    one rule of which server key is trusted, at a login and at each sync run).

    Returns:
        True when ``key`` is the pinned one, or practice data follows a reset training
        server to its new key (:func:`training.follows_resets`); False when nothing is
        pinned yet (the caller pins ``key``).

    Raises:
        ServerKeyChanged: another key than the pinned one (with ``code``: a login's or
            a sync's refusal).
    """
    from sync.client import training

    pinned = _pinned_key(db)
    if not pinned:
        return False
    if pinned == key or training.follows_resets(db, transport):
        return True
    log.warning("the server's signing key is not the one pinned here: %s refused", code.value)
    raise ServerKeyChanged(code, server=settings.server_url)


def _pinned_key(db: Database) -> str:
    """The server key pinned here ("" before the first)."""
    with db.session(readonly=True) as session:
        return get_state(session.connection(), SERVER_KEY)


def save_server_key(db: Database, api: ServerApi, key: str | None = None) -> None:
    """Keep the server's public key (``key``, else fetched) so receipts and feed
    bundles can be verified offline."""
    key = _fetch_server_key(api) if key is None else key
    if not key:  # receipts stay unverified until the next sync
        return
    with db.engine.begin() as conn:
        set_state(conn, SERVER_KEY, key)
    save_server_box_key(db, api)


def _fetch_server_key(api: ServerApi) -> str:
    """The server's public key; "" (logged) when it cannot be fetched."""
    try:
        return api.server_key()
    except TransportError as exc:
        log.warning("server key not fetched at login: %s", exc)
    except Exception:  # a bug: logged with its traceback, the login itself stands
        log.exception("server key not fetched at login")
    return ""


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


def logout(
    settings: Settings, transport: Transport | None = None, token: str | None = None
) -> None:
    """Revoke the token at the server when reachable, and forget it here.

    ``token``: the one the program holds (else read from the store: a keyring that
    cannot be read then must not leave the session valid at the server).
    """
    store = credentials.TokenStore(settings.server_url, settings.username)
    token = token or store.get()
    if token and transport is not None:
        transport.set_token(token)
        try:
            ServerApi(transport).logout()
        except TransportError as exc:  # forgetting locally is what matters
            log.info("logout at the server failed: %s", exc)
        except Exception:  # a bug: logged with its traceback, the token is still forgotten
            log.exception("logout at the server failed")
    store.clear()
