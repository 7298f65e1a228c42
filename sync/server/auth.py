"""Accounts, passwords (argon2), opaque expiring tokens and login lockout."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.engine import Connection

from sync.server import audit
from sync.server.config import ServerConfig
from sync.server.db import read_tx, write_tx
from sync.server.errors import ApiError
from sync.server.roles import Actor, Role, valid_region_for
from sync.server.schema import devices, login_attempts, tokens, users

_hasher = PasswordHasher()
#: Verified against when the user name is unknown, so timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("silon-dummy-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class LoginResult:
    token: str
    expires_at: float
    username: str
    role: Role
    region: str


def create_user(
    conn: Connection, username: str, password: str, role: Role, region: str, now: float
) -> None:
    """Insert an account (caller holds the write lock and audits)."""
    if not valid_region_for(role, region):
        raise ApiError(422, "bad_region", f"region {region!r} does not fit role {role}")
    if conn.execute(select(users.c.username).where(users.c.username == username)).first():
        raise ApiError(409, "user_exists", f"user {username!r} already exists")
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


def login(
    engine: Engine,
    config: ServerConfig,
    username: str,
    password: str,
    device_id: str,
    public_key: str | None,
) -> LoginResult:
    """Check a password and open a token; count failures and lock out.

    Raises:
        ApiError: 401 bad credentials, 429 locked (with ``retry_after``).
    """
    now = config.clock.time()
    failures = _claim_attempt(engine, config, username, now)
    with read_tx(engine) as conn:
        user = conn.execute(select(users).where(users.c.username == username)).first()
    stored = user.password_hash if user is not None and user.active else _DUMMY_HASH
    try:
        ok = _hasher.verify(stored, password) and user is not None and bool(user.active)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        _record_failure(engine, config, username, device_id, failures)
        raise ApiError(401, "bad_credentials", "wrong user name or password")
    token = secrets.token_urlsafe(32)
    expires = now + config.token_ttl
    with write_tx(engine) as conn:
        conn.execute(delete(login_attempts).where(login_attempts.c.username == username))
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
        audit.append(
            conn,
            [audit.AuditEntry(config.clock.iso(), username, device_id, "login")],
        )
    return LoginResult(token, expires, username, Role(user.role), str(user.region))


def _register_device(
    conn: Connection, username: str, device_id: str, public_key: str | None, now: float
) -> None:
    row = conn.execute(select(devices).where(devices.c.device_id == device_id)).first()
    if row is None:
        conn.execute(
            devices.insert().values(
                device_id=device_id,
                username=username,
                public_key=public_key,
                registered_at=now,
                last_seen=now,
            )
        )
        return
    values: dict[str, object] = {"username": username, "last_seen": now}
    if public_key:
        values["public_key"] = public_key
    conn.execute(update(devices).where(devices.c.device_id == device_id).values(**values))


def _claim_attempt(engine: Engine, config: ServerConfig, username: str, now: float) -> int:
    """Count a login attempt as failed BEFORE its password is checked; return the count.

    Checking the lock and counting happen in one write transaction, so parallel
    attempts cannot all pass the check before the first failure is recorded
    (which let a burst of requests try many passwords per lockout window). The
    attempt that reaches the limit sets the lock at once; a success then lifts it
    (its row is deleted), a failure keeps it.

    Raises:
        ApiError: 429 ``locked`` with ``retry_after``.
    """
    with write_tx(engine) as conn:
        row = conn.execute(
            select(login_attempts).where(login_attempts.c.username == username)
        ).first()
        if row is not None and row.locked_until > now:
            raise ApiError(
                429,
                "locked",
                "too many failed logins; try again later",
                retry_after=int(row.locked_until - now) + 1,
            )
        if row is None or now - row.window_start > config.lockout_window:
            failures, start = 1, now
        else:
            failures, start = int(row.failures) + 1, float(row.window_start)
        locked = now + config.lockout_seconds if failures >= config.lockout_failures else 0.0
        values = {"failures": failures, "window_start": start, "locked_until": locked}
        if row is None:
            conn.execute(login_attempts.insert().values(username=username, **values))
        else:
            conn.execute(
                update(login_attempts).where(login_attempts.c.username == username).values(**values)
            )
    return failures


def _record_failure(
    engine: Engine, config: ServerConfig, username: str, device_id: str, failures: int
) -> None:
    """Audit a failed login (already counted by :func:`_claim_attempt`)."""
    locked = failures >= config.lockout_failures
    with write_tx(engine) as conn:
        audit.append(
            conn,
            [
                audit.AuditEntry(
                    config.clock.iso(),
                    username,
                    device_id,
                    "login_locked" if locked else "login_failed",
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
        row = conn.execute(
            select(
                tokens.c.expires_at,
                tokens.c.device_id,
                users.c.username,
                users.c.role,
                users.c.region,
                users.c.active,
            )
            .join(users, users.c.username == tokens.c.username)
            .where(tokens.c.token_hash == _token_hash(token))
        ).first()
    if row is None or not row.active:
        raise ApiError(401, "unauthenticated", "unknown token; log in again")
    if row.expires_at <= config.clock.time():
        raise ApiError(401, "token_expired", "the session has expired; log in again")
    return Actor(
        username=str(row.username),
        role=Role(row.role),
        region=str(row.region),
        device_id=str(row.device_id),
        training_server=config.training,
    )


def logout(engine: Engine, token: str) -> None:
    with write_tx(engine) as conn:
        conn.execute(delete(tokens).where(tokens.c.token_hash == _token_hash(token)))
