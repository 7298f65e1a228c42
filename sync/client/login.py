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
data meeting a training server, whose every reset makes a new key. The key is
compared only once the server proved it holds it: its answer carries its
signature over a fresh nonce of this request and its box key
(:func:`proven_server_keys`), so a man in the middle cannot hand back the pinned
key, nor put a box key of its own beside it. With no
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
from sync.client.api import KeyUnproven, LoginAnswer, ServerApi, ServerKeys
from sync.client.state import (
    SERVER_BOX_KEY,
    SERVER_KEY,
    get_state,
    heard_read_rules,
    set_state,
)
from sync.transport import (
    AuthExpired,
    HttpTransport,
    LoginRefusal,
    Offline,
    Revoked,
    Transport,
    TransportError,
)

if TYPE_CHECKING:
    from silon_desktop.config import Settings
    from silon_desktop.storage.db import Database

log = logging.getLogger(__name__)


class LoginFailed(CodedError):
    """Wrong user name or password: ``LOGIN_WRONG_CREDENTIALS`` (the server refused
    them) or ``LOGIN_OFFLINE_REFUSED`` (no server answer, and the local verifier of the
    last online login does not match)."""

    default_code = ErrorCode.LOGIN_WRONG_CREDENTIALS
    #: the server's refusal as answered (its proof: :meth:`LoginRefusal.proven`); None
    #: for a refusal made here (offline)
    login_refusal: LoginRefusal | None = None


class ServerKeyChanged(LoginFailed):
    """The server signs with another key than the one pinned here at the first online
    login (another server at that address): ``LOGIN_SERVER_KEY_CHANGED``; or its keys
    came without its proof over this request's nonce (``LOGIN_SERVER_KEY_UNPROVEN``;
    a sync's ``SYNC_SERVER_KEY_*`` codes alike)."""

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
    except AuthExpired as error:
        failed = LoginFailed()
        failed.login_refusal = error.login_refusal
        raise failed from None


def after_login(
    db: Database,
    settings: Settings,
    username: str,
    password: str,
    answer: LoginAnswer,
    transport: Transport,
    *,
    checked_key: ServerKeys | None = None,
) -> bool:
    """Keep what an online login brings: the token (keyring, else memory), the
    offline verifier, the server's key, what the account reads and by which rules
    (``read_rules``). Returns whether the token is in the keyring.

    ``checked_key``: what :func:`checked_server_key` returned for this answer already
    (else it is checked here, first).

    Raises:
        ServerKeyChanged: the server's key is not the one pinned here, or not proved
            (nothing kept).
    """
    if checked_key is None:
        keys = checked_server_key(db, settings, transport, answer)
    else:
        keys = checked_key
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
    save_server_keys(db, keys)
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


def checked_server_key(
    db: Database, settings: Settings, transport: Transport, answer: LoginAnswer
) -> ServerKeys:
    """The server's keys, proved (:func:`proven_server_keys`) and the signing key checked
    against the one pinned here (empty when they could not be fetched, or an older
    server proves none, and none is pinned yet: the login stands, a sync pins them once
    proved); and the login ``answer`` proved by that key (a server that proves its keys
    proves its login answers: one without a valid proof was rewritten on the way).

    A first pin also marks practice data when the server is a training server
    (:func:`training.practice_problem`, as its first sync would), so that the key a
    reset of that server makes is followed (:func:`training.follows_resets`). Where
    that sync would be refused (data pulled from a real server, or rows typed here that
    no server has seen) no keys are returned (``ServerKeys()``): nothing is pinned, and the sync says why.

    Raises:
        ServerKeyChanged: another key than the pinned one, and not a training server's
            reset met by practice data; the key could not be read while one is pinned
            (``LOGIN_SERVER_KEY_UNCHECKED``); or it, or the login answer, was not
            proved (``LOGIN_SERVER_KEY_UNPROVEN``).
    """
    from sync.client import training

    pinned = bool(_pinned_key(db))
    keys = _fetch_server_keys(ServerApi(transport), settings, pinned=pinned)
    if not keys.public_key:
        if not pinned:
            return keys
        # A key that cannot be read is no key compared: the server would pass unchecked.
        log.warning("the server's signing key could not be read: login refused")
        raise ServerKeyChanged(ErrorCode.LOGIN_SERVER_KEY_UNCHECKED, server=settings.server_url)
    code = ErrorCode.LOGIN_SERVER_KEY_CHANGED
    trusted = trust_server_key(db, settings, transport, keys.public_key, code)
    if not answer.proved_by(keys.public_key):
        log.warning("the login answer is not proved by the server's key: login refused")
        raise ServerKeyChanged(ErrorCode.LOGIN_SERVER_KEY_UNPROVEN, server=settings.server_url)
    if not trusted and training.practice_problem(db, transport) is not None:
        return ServerKeys()  # not this server's data: its key pinned would refuse the real one
    return keys


def proven_server_keys(
    api: ServerApi, settings: Settings, *, pinned: bool, code: ErrorCode
) -> ServerKeys:
    """The server's keys as its signing key proved them over a fresh nonce
    (:meth:`ServerApi.server_keys`): the one rule, at a login and at each sync run,
    for an answer without a valid proof.

    A proof that does not verify is refused always (the answer was rewritten or
    played back). No proof at all is refused once a key is pinned here (a proxy that
    strips it must not pass unchecked); before the first pin it is an older server's
    answer, whose keys are left unpinned (``ServerKeys()``): receipts wait unverified
    until a server proves its key, as when the key cannot be read.

    Raises:
        ServerKeyChanged: the keys are not proved (with ``code``, a login's or a sync's).
        TransportError: the keys could not be fetched.
    """
    try:
        return api.server_keys()
    except KeyUnproven as exc:
        if pinned or not exc.absent:
            log.warning("the server's keys are not proved (%s): %s refused", exc, code.value)
            raise ServerKeyChanged(code, server=settings.server_url) from None
    log.warning("the server proves no key (older than the proof): nothing pinned")
    return ServerKeys()


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


def pinned_key(db: Database) -> str:
    """The server key pinned in ``db`` ("" before the first): what the server's word
    (a revocation's, a login refusal's proof) is checked against."""
    return _pinned_key(db)


def revocation_stands(db: Database, error: TransportError) -> TransportError:
    """What a refusal means here: a ``401 revoked`` (:class:`Revoked`) proven by the key
    pinned here stays itself (the caller locks: erases the token and its wraps of the
    data key); one not proven (no ``proof``: a server older than it, or anyone on the
    path answering so; a wrong one; nothing pinned) becomes a session that cannot go
    on (``SYNC_REVOKED_UNPROVEN``, an :class:`AuthExpired`): the sync stops and an
    online login is asked for, and the data here still opens with the password. Any
    other error is returned as it is.
    """
    if not isinstance(error, Revoked) or error.proven(_pinned_key(db)):
        return error
    reason = str(error.answer.get("reason") or "-")
    log.warning("a 401 revoked (%s) not signed by the pinned key: nothing erased", reason)
    unproven = AuthExpired(str(error), status=error.status, code=ErrorCode.SYNC_REVOKED_UNPROVEN)
    unproven.__cause__ = error
    return unproven


def save_server_keys(db: Database, keys: ServerKeys) -> None:
    """Keep the server's proved keys: the signing key (receipts and feed bundles are
    verified with it offline) and the box key (bundles to the server are sealed to it;
    without one USB export waits). Nothing when none was proved."""
    if not keys.public_key:  # receipts stay unverified until a sync proves the key
        return
    with db.engine.begin() as conn:
        set_state(conn, SERVER_KEY, keys.public_key)
        if keys.box_key:
            set_state(conn, SERVER_BOX_KEY, keys.box_key)


def _fetch_server_keys(api: ServerApi, settings: Settings, *, pinned: bool) -> ServerKeys:
    """:func:`proven_server_keys` at a login; empty (logged) when they cannot be fetched.

    Raises:
        ServerKeyChanged: not proved (``LOGIN_SERVER_KEY_UNPROVEN``).
    """
    code = ErrorCode.LOGIN_SERVER_KEY_UNPROVEN
    try:
        return proven_server_keys(api, settings, pinned=pinned, code=code)
    except ServerKeyChanged:
        raise
    except TransportError as exc:
        log.warning("server key not fetched at login: %s", exc)
    except Exception:  # a bug: logged with its traceback, the login itself stands
        log.exception("server key not fetched at login")
    return ServerKeys()


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
