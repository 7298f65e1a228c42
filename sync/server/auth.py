"""Accounts, passwords (argon2), opaque expiring tokens and login throttling.

Failed logins are counted per (account, source) and per source, never per account
alone: an anonymous caller who guesses wrong is refused (``429``) from its own
address, while the account's owner, from another address, still logs in. Failures
on one account from all sources add a short delay to its failed answers (at most
:data:`MAX_ACCOUNT_DELAY` seconds) instead of a lock. Rows older than the window
are pruned at every login. An administrator lifts the throttles of an account with
``silon-server user unlock`` or ``POST /v1/users/{name}/unlock``.

An account changes its own password with ``POST /v1/me/password``
(:func:`change_password`): its current password is checked and counted like a login.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, and_, bindparam, delete, func, select, update
from sqlalchemy.engine import Connection

from sync.protocol import revoked_body, token_sha256
from sync.server import audit
from sync.server.config import ServerConfig
from sync.server.db import read_tx, write_tx
from sync.server.errors import ApiError
from sync.server.roles import Actor, Role, valid_region_for
from sync.server.schema import device_keys, device_secrets, login_attempts, tokens, users

_hasher = PasswordHasher()
#: Verified against when the user name is unknown, so timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("silon-dummy-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _token_hash(token: str) -> str:
    return token_sha256(token)


@dataclass(slots=True)
class LoginResult:
    token: str
    expires_at: float
    username: str
    role: Role
    region: str
    #: this (user, device)'s secret (base64): the desktop wraps its data key with it
    device_secret: str = ""
    #: days the desktop may log in offline after this login (server setting)
    offline_days: float = 0.0


def create_user(
    conn: Connection, username: str, password: str, role: Role, region: str, now: float
) -> None:
    """Insert an account (caller holds the write lock and audits).

    Raises:
        ApiError: 409 ``user_exists`` the name is taken, or is one the audit log
            gives the administrator, the server or citizens; 422 ``bad_region``.
    """
    if audit.reserved_username(username):
        raise ApiError(
            409,
            "user_exists",
            f"nama pengguna {username!r} dipakai server sendiri di log audit "
            "(admin, server, publik); pilih nama lain",
        )
    if not valid_region_for(role, region):
        raise ApiError(422, "bad_region", f"region {region!r} does not fit role {role}")
    taken = select(users.c.username).where(func.lower(users.c.username) == username.lower())
    if conn.execute(taken).first():
        raise ApiError(409, "user_exists", f"user {username!r} already exists (names ignore case)")
    conn.execute(
        users.insert().values(
            username=username,
            password_hash=hash_password(password),
            role=str(role),
            region=region,
            active=True,
            created_at=now,
        )
    )


#: The longest delay added to a failed login answer for an account under attack (seconds).
MAX_ACCOUNT_DELAY = 4.0


def _part(text: str) -> str:
    """A throttle key's part for a user name or an address: 24 hex digits of its SHA-256.

    Names may be 64 characters and addresses (IPv6) 39 or more: written out, a long
    name's (account, address) key cut to the column's 64 characters lost the address,
    and every address then shared one throttle (a guesser locked the owner out).
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _keys(username: str, source: str) -> tuple[str, str, str]:
    """Throttle keys: (account, source), source, account; each part a digest
    (:func:`_part`), so every key fits the column whole."""
    user, address = _part(username), _part(source)
    return f"u:{user}|{address}", f"s:{address}", f"a:{user}"


def login(
    engine: Engine,
    config: ServerConfig,
    username: str,
    password: str,
    device_id: str,
    public_key: str | None,
    source: str = "",
) -> LoginResult:
    """Check a password and open a token; count failures and throttle.

    Raises:
        ApiError: 401 bad credentials (``delay``: seconds the answer should wait),
            429 throttled (with ``retry_after``), 422 ``invalid_request`` a
            device id the audit log keeps for the server's own writes, 403
            ``reserved_username`` an account made before such names were refused
            (:func:`create_user`): its log entries would read as the administrator's,
            the server's or a citizen's; the administrator gives the person an
            account of another name.
    """
    if audit.reserved_username(username):
        raise ApiError(
            403,
            "reserved_username",
            f"akun {username!r} memakai nama yang dipakai server sendiri di log audit "
            "(admin, server, publik) dan tidak dapat dipakai masuk; minta administrator "
            "membuat akun dengan nama lain",
        )
    if audit.reserved_device_id(device_id):
        raise ApiError(
            422,
            "invalid_request",
            f"device_id: {device_id!r} dipakai server sendiri di log audit "
            "(admin-cli, web, training-seed); pakai id perangkat lain",
        )
    now = config.clock.time()
    pair_key, source_key, account_key = _keys(username, source)
    failures = _claim_attempt(engine, config, username, source, now)
    with read_tx(engine) as conn:
        user = conn.execute(select(users).where(users.c.username == username)).first()
    stored = user.password_hash if user is not None and user.active else _DUMMY_HASH
    ok = _verifies(stored, password) and user is not None and bool(user.active)
    if not ok or user is None:
        raise _refused(engine, config, username, device_id, failures, account_key, now)
    token = secrets.token_urlsafe(32)
    expires = now + config.token_ttl
    with write_tx(engine) as conn:
        current = _unchanged(conn, user)
        if current is not None:
            _lift_attempt(conn, pair_key, source_key)
            conn.execute(delete(tokens).where(tokens.c.expires_at < now - 86400))
            conn.execute(
                tokens.insert().values(
                    token_hash=_token_hash(token),
                    username=username,
                    device_id=device_id,
                    created_at=now,
                    expires_at=expires,
                )
            )
            _register_device(conn, username, device_id, public_key, now)
            secret = _device_secret(conn, username, device_id, now)
            audit.append(
                conn,
                [audit.AuditEntry(config.clock.iso(), username, device_id, "login")],
            )
    if current is None:
        raise _refused(engine, config, username, device_id, failures, account_key, now)
    return LoginResult(
        token,
        expires,
        username,
        Role(current.role),
        str(current.region),
        secret,
        config.offline_days,
    )


def _unchanged(conn: Connection, user: Any) -> Any:
    """The account's row as it is now (under the write lock), or None when it is no
    longer the one whose password was checked: an administrator, on any server
    process, disabled it or reset its password meanwhile (the login went on with the
    row it had read and opened a session, with the device's secret, for an account
    that no longer had one). A move to another region is kept: the login answers the
    new one."""
    current = conn.execute(select(users).where(users.c.username == user.username)).first()
    if current is None or not current.active or current.password_hash != user.password_hash:
        return None
    return current


def _refused(
    engine: Engine,
    config: ServerConfig,
    username: str,
    device_id: str,
    failures: int,
    account_key: str,
    now: float,
    *,
    error: ApiError | None = None,
    action: str = "login_failed",
) -> ApiError:
    """A failed login (or password check: ``error`` and ``action`` say which), audited:
    the error to raise (401 ``bad_credentials`` by default), with the delay of its answer."""
    _record_failure(engine, config, username, device_id, failures, action)
    error = error or ApiError(401, "bad_credentials", "wrong user name or password")
    error.delay = _account_delay(engine, config, account_key, now)
    return error


def _lift_attempt(conn: Connection, pair_key: str, source_key: str) -> None:
    """A password found right: the (account, source) failures are forgiven, and the
    attempt counted against the address before the check is no failure (an office
    behind one NAT address logs in many operators)."""
    conn.execute(delete(login_attempts).where(login_attempts.c.username == pair_key))
    conn.execute(
        update(login_attempts)
        .where(login_attempts.c.username == source_key, login_attempts.c.failures > 0)
        .values(failures=login_attempts.c.failures - 1)
    )


def _verifies(stored: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def change_password(
    engine: Engine,
    config: ServerConfig,
    actor: Actor,
    token: str,
    current: str,
    new: str,
    source: str = "",
) -> int:
    """The caller's account changes its own password (``POST /v1/me/password``).

    ``current`` is checked as a login checks a password, and counts the same way: an
    attempt is claimed before the check (:func:`_claim_attempt`), so a stolen token
    cannot guess the password any faster than the login page; a wrong one is a
    failure of (account, source) and slows the account's answers. On success the
    password is replaced and every OTHER session of the account ends (401 ``revoked``
    at its next call: a stolen token stops working, and those desktops lock until a
    login with the new password), as do the bundle-signing keys of the account's
    other devices. The caller's session (``token``) stays: the desktop that asked
    goes on without a login, and rewraps its data key with the new password itself.
    The devices' secrets stay (an admin's reset keeps them too): the operator's other
    PCs open their data again at their next online login with the new password.

    A request sent again after its answer was lost (the transport retries) finds the
    password already ``new``: answered as done, nothing changed a second time.

    Returns:
        How many other sessions were ended.

    Raises:
        ApiError: 422 ``same_password``; 403 ``wrong_password`` (``delay`` set as for
            a failed login); 403 ``practice_password`` on a training server (its
            accounts' passwords are printed on the room's desk cards); 429 ``locked`` with ``retry_after``; 409
            ``password_changed_meanwhile`` (an administrator reset or disabled the
            account while this was checked).
    """
    if config.training:
        # Every account of a training server is a practice one, its password printed
        # on a desk card (the trainer's on the trainer's card, kept in ``meta`` for
        # the account sheet): changed, it locks the next group at that laptop out.
        raise ApiError(
            403,
            "practice_password",
            "akun latihan: kata sandi tidak dapat diganti; kata sandi diatur oleh pelatih",
        )
    if current == new:
        raise ApiError(422, "same_password", "kata sandi baru sama dengan kata sandi sekarang")
    username = actor.username
    now = config.clock.time()
    pair_key, source_key, account_key = _keys(username, source)
    failures = _claim_attempt(engine, config, username, source, now)
    with read_tx(engine) as conn:
        user = conn.execute(select(users).where(users.c.username == username)).one()
    if not _verifies(user.password_hash, current):
        if _verifies(user.password_hash, new):  # a retry: done by its first sending
            with write_tx(engine) as conn:
                _lift_attempt(conn, pair_key, source_key)
            return 0
        wrong = ApiError(403, "wrong_password", "kata sandi sekarang salah")
        raise _refused(
            engine,
            config,
            username,
            actor.device_id,
            failures,
            account_key,
            now,
            error=wrong,
            action="password_change_failed",
        )
    new_hash = hash_password(new)  # before the write lock: argon2 takes its time
    with write_tx(engine) as conn:
        if _unchanged(conn, user) is None:
            raise ApiError(
                409,
                "password_changed_meanwhile",
                "akun diubah administrator saat kata sandi diperiksa; masuk lagi",
            )
        _lift_attempt(conn, pair_key, source_key)
        conn.execute(
            update(users).where(users.c.username == username).values(password_hash=new_hash)
        )
        ended = _end_other_sessions(conn, username, token, actor.device_id)
        after = {"password": "changed", "sessions_ended": ended}
        entry = audit.AuditEntry(
            config.clock.iso(), username, actor.device_id, "password_change", "user", username
        )
        entry.after = after
        audit.append(conn, [entry])
    return ended


def _end_other_sessions(conn: Connection, username: str, token: str, device_id: str) -> int:
    """Revoke (``password_changed``) every session of the account but ``token``'s, and
    forget the bundle-signing keys of its devices but ``device_id``; return how many
    sessions ended."""
    ended = conn.execute(
        update(tokens)
        .where(
            tokens.c.username == username,
            tokens.c.revoked.is_(None),
            tokens.c.token_hash != _token_hash(token),
        )
        .values(revoked="password_changed")
    ).rowcount
    conn.execute(
        delete(device_keys).where(
            device_keys.c.username == username, device_keys.c.device_id != device_id
        )
    )
    return int(ended or 0)


def _device_secret(conn: Connection, username: str, device_id: str, now: float) -> str:
    """The secret of (user, device), made at its first login; the same at every login
    (a password change keeps it, so the desktop's data opens with the new password)."""
    key = and_(device_secrets.c.username == username, device_secrets.c.device_id == device_id)
    row = conn.execute(select(device_secrets.c.secret).where(key)).first()
    if row is not None:
        return str(row.secret)
    secret = base64.b64encode(secrets.token_bytes(32)).decode("ascii")
    conn.execute(
        device_secrets.insert().values(
            username=username, device_id=device_id, secret=secret, created_at=now
        )
    )
    return secret


def revoke_sessions(conn: Connection, username: str, reason: str) -> None:
    """End the account's sessions so that its desktops lock at their next contact
    (401 ``revoked``); the device keys (bundle signatures) of the account are revoked."""
    conn.execute(
        update(tokens)
        .where(tokens.c.username == username, tokens.c.revoked.is_(None))
        .values(revoked=reason)
    )
    conn.execute(delete(device_keys).where(device_keys.c.username == username))


def forget_devices(conn: Connection, username: str) -> None:
    """End every session of the account and forget the secrets its devices got at
    login: its desktops lock at their next contact (401 ``revoked``), and no later
    login opens, for this account, the data those desktops hold (the secret a login
    makes anew wraps no key there)."""
    revoke_sessions(conn, username, "scope_changed")
    conn.execute(delete(device_secrets).where(device_secrets.c.username == username))


def revoke_device(
    engine: Engine, config: ServerConfig, username: str, device_id: str, by: str
) -> bool:
    """Revoke one (user, device): its key, its secret (the PC's data stays locked for
    this user) and its sessions. Audited. Returns whether the device was known."""
    with write_tx(engine) as conn:
        known = conn.execute(
            delete(device_secrets).where(
                device_secrets.c.username == username, device_secrets.c.device_id == device_id
            )
        ).rowcount
        known += conn.execute(
            delete(device_keys).where(
                device_keys.c.username == username, device_keys.c.device_id == device_id
            )
        ).rowcount
        conn.execute(
            update(tokens)
            .where(tokens.c.username == username, tokens.c.device_id == device_id)
            .values(revoked="device_revoked")
        )
        after = {"device_id": device_id}
        entry = audit.AuditEntry(
            config.clock.iso(), by, "admin-cli", "device_revoke", "user", username, None, after
        )
        audit.append(conn, [entry])
    return bool(known)


def _account_delay(engine: Engine, config: ServerConfig, account_key: str, now: float) -> float:
    """Seconds a failed answer waits: grows with the account's recent failures (any source)."""
    with read_tx(engine) as conn:
        row = conn.execute(
            select(login_attempts).where(login_attempts.c.username == account_key)
        ).first()
    if row is None or now - row.window_start > config.lockout_window:
        return 0.0
    over = int(row.failures) - config.lockout_failures
    return 0.0 if over < 0 else min(MAX_ACCOUNT_DELAY, 0.25 * 2**over)


def clear_throttles(conn: Connection, username: str) -> int:
    """Delete the throttle rows of ``username`` (all sources); return how many."""
    _pair, _source, account = _keys(username, "")
    removed = conn.execute(
        delete(login_attempts).where(
            (login_attempts.c.username == account)
            | login_attempts.c.username.startswith(f"u:{_part(username)}|")
        )
    ).rowcount
    return int(removed or 0)


def unlock(engine: Engine, config: ServerConfig, username: str, by: str, device_id: str) -> int:
    """Lift every throttle of ``username`` (all sources); audited. Returns rows removed."""
    with write_tx(engine) as conn:
        removed = clear_throttles(conn, username)
        entry = audit.AuditEntry(config.clock.iso(), by, device_id, "user_unlock", "user", username)
        audit.append(conn, [entry])
    return removed


def _register_device(
    conn: Connection, username: str, device_id: str, public_key: str | None, now: float
) -> None:
    """The device's key for this user: another user's login never rebinds it."""
    key = and_(device_keys.c.username == username, device_keys.c.device_id == device_id)
    row = conn.execute(select(device_keys.c.public_key).where(key)).first()
    if row is None:
        conn.execute(
            device_keys.insert().values(
                username=username,
                device_id=device_id,
                public_key=public_key,
                registered_at=now,
                last_seen=now,
            )
        )
        return
    values: dict[str, object] = {"last_seen": now}
    if public_key:
        values["public_key"] = public_key
    conn.execute(update(device_keys).where(key).values(**values))


def _count(conn: Connection, config: ServerConfig, key: str, now: float, limit: int) -> int:
    """Count one attempt under ``key``; return the failures in the window after it.

    Raises:
        ApiError: 429 ``locked`` with ``retry_after`` while the key is throttled.
    """
    row = conn.execute(select(login_attempts).where(login_attempts.c.username == key)).first()
    if row is not None and row.locked_until > now:
        raise ApiError(
            429,
            "locked",
            "too many failed logins from this address; try again later",
            retry_after=int(row.locked_until - now) + 1,
        )
    if row is None or now - row.window_start > config.lockout_window:
        failures, start = 1, now
    else:
        failures, start = int(row.failures) + 1, float(row.window_start)
    locked = now + config.lockout_seconds if limit and failures >= limit else 0.0
    values = {"failures": failures, "window_start": start, "locked_until": locked}
    if row is None:
        conn.execute(login_attempts.insert().values(username=key, **values))
    else:
        conn.execute(
            update(login_attempts).where(login_attempts.c.username == key).values(**values)
        )
    return failures


def _claim_attempt(
    engine: Engine, config: ServerConfig, username: str, source: str, now: float
) -> int:
    """Count a login attempt as failed BEFORE its password is checked; return the
    (account, source) count.

    Checking the throttle and counting happen in one write transaction, so parallel
    attempts cannot all pass the check before the first failure is recorded. The
    attempt that reaches a limit sets the throttle at once; a success then lifts the
    (account, source) one (its row is deleted). Three counters: (account, source),
    throttled after ``lockout_failures``; the source, after ``source_failures`` on
    any accounts; the account alone, never throttled (it only slows answers down).
    Rows past the window are pruned here.

    Raises:
        ApiError: 429 ``locked`` with ``retry_after``.
    """
    pair_key, source_key, account_key = _keys(username, source)
    with write_tx(engine) as conn:
        conn.execute(
            delete(login_attempts).where(
                login_attempts.c.window_start < now - config.lockout_window,
                login_attempts.c.locked_until < now,
            )
        )
        failures = _count(conn, config, pair_key, now, config.lockout_failures)
        _count(conn, config, source_key, now, config.source_failures)
        _count(conn, config, account_key, now, 0)
    return failures


def _record_failure(
    engine: Engine,
    config: ServerConfig,
    username: str,
    device_id: str,
    failures: int,
    action: str = "login_failed",
) -> None:
    """Audit a failed login or password check (already counted by
    :func:`_claim_attempt`); the one that sets the throttle is ``login_locked``."""
    locked = failures >= config.lockout_failures
    with write_tx(engine) as conn:
        audit.append(
            conn,
            [
                audit.AuditEntry(
                    config.clock.iso(),
                    username,
                    device_id,
                    "login_locked" if locked else action,
                )
            ],
        )


def authenticate(engine: Engine, config: ServerConfig, token: str | None) -> Actor:
    """The caller behind a bearer token.

    Raises:
        ApiError: 401 ``unauthenticated`` (no or unknown token) or
            ``token_expired`` (log in again).
    """
    if not token:
        raise ApiError(401, "unauthenticated", "log in first (Authorization: Bearer TOKEN)")
    with read_tx(engine) as conn:
        row = _live_session(conn, token)
    if row.expires_at <= config.clock.time():
        raise ApiError(401, "token_expired", "the session has expired; log in again")
    return Actor(
        username=str(row.username),
        role=Role(row.role),
        region=str(row.region),
        device_id=str(row.device_id),
        training_server=config.training,
    )


#: The session and account of one token hash: every authenticated request reads it
#: (a push twice: :func:`authenticate`, :func:`check_session`). Built once, so
#: SQLAlchemy makes its cache key once, not per request.
_SESSION = (
    select(
        tokens.c.expires_at,
        tokens.c.device_id,
        users.c.username,
        users.c.role,
        users.c.region,
        users.c.active,
        tokens.c.revoked,
    )
    .join(users, users.c.username == tokens.c.username)
    .where(tokens.c.token_hash == bindparam("token_hash"))
)


def _live_session(conn: Connection, token: str) -> Any:
    """The row of ``token``'s session and account.

    Raises:
        ApiError: 401 ``unauthenticated`` (unknown token) or ``revoked``.
    """
    row = conn.execute(_SESSION, {"token_hash": _token_hash(token)}).first()
    if row is None:
        raise ApiError(401, "unauthenticated", "unknown token; log in again")
    reserved = audit.reserved_username(str(row.username))
    if row.revoked or not row.active or reserved:
        reason = row.revoked or ("reserved_username" if reserved else "account_disabled")
        error = ApiError(
            401, "revoked", f"access revoked ({reason}); the device must lock", reason=reason
        )
        # Signed (ApiError.signed_body): the desktop locks only on the server's word.
        error.signed = revoked_body(_token_hash(token), reason)
        raise error
    return row


def check_session(conn: Connection, token: str) -> None:
    """Check again, inside a write transaction holding its locks, that ``token``'s
    session was not revoked since :func:`authenticate` let its request in.

    A push may wait long after its token was checked (its body arriving over a slow
    link, its turn behind the scope's other pushes): an account disabled or moved to
    another region meanwhile, by any server process, committed before this
    transaction's locks were granted, and the push was still applied as the account
    it no longer is. The expiry is not checked again: a session valid when its
    request came finishes it.

    Raises:
        ApiError: 401 ``unauthenticated`` (the token is gone: a wider role) or ``revoked``.
    """
    _live_session(conn, token)


def logout(engine: Engine, token: str) -> None:
    with write_tx(engine) as conn:
        conn.execute(delete(tokens).where(tokens.c.token_hash == _token_hash(token)))
