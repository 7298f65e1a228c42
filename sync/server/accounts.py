"""Managing accounts: the /v1/users endpoints and the admin commands share these."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select, update

from sync.server import answers, audit, auth, models
from sync.server.config import ServerConfig
from sync.server.db import read_tx, write_tx
from sync.server.errors import ApiError, forbidden
from sync.server.roles import Actor, Role, valid_region_for
from sync.server.schema import tokens, users
from sync.snapshot import covers, scope_label

if TYPE_CHECKING:
    pass


def _user_out(row: Any) -> dict[str, Any]:
    return {
        "username": row.username,
        "role": row.role,
        "region": row.region,
        "active": bool(row.active),
    }


def add_user(
    engine: Engine,
    config: ServerConfig,
    by: str,
    username: str,
    password: str,
    role: Role,
    region: str,
    device_id: str = "admin-cli",
) -> None:
    """Create an account and audit it (``by`` names who did it).

    Raises:
        ApiError: 409 the name is taken, 422 the region does not fit the role.
    """
    with write_tx(engine) as conn:
        auth.create_user(conn, username, password, role, region, config.clock.time())
        after = {"username": username, "role": str(role), "region": region}
        entry = audit.AuditEntry(config.clock.iso(), by, device_id, "user_add", "user", username)
        entry.after = after
        audit.append(conn, [entry])


def change_user(
    engine: Engine,
    config: ServerConfig,
    by: Actor | None,
    username: str,
    change: models.UserChange,
    device_id: str = "admin-cli",
) -> dict[str, Any]:
    """Change role, region, active flag or password; audited as a role change.

    ``by`` None is the local administrator (the CLI). A changed role, region,
    password or a deactivation ends the account's sessions. A password change or a
    deactivation also revokes them (the desktops lock at their next contact, 401
    ``revoked``) and revokes the account's device keys. A role or region that no
    longer reads all the account read before (a kab/kota operator moved to another
    kab/kota, a province account made a kab/kota's) revokes them too and forgets the
    secrets its devices got at login (:func:`sync.server.auth.forget_devices`): the
    personal data of the region it left, kept on its desktops, no longer opens for it.
    """
    with write_tx(engine) as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
        if row is None or (by is not None and not by.can_manage(Role(row.role), row.region)):
            if by is not None and not by.reads_everything:
                raise forbidden()
            raise ApiError(404, "not_found", f"no user {username!r}")
        role = Role(change.role) if change.role is not None else Role(row.role)
        region = change.region if change.region is not None else str(row.region)
        if not valid_region_for(role, region):
            raise ApiError(422, "bad_region", f"region {region!r} does not fit role {role}")
        if by is not None and not by.can_manage(role, region):
            raise forbidden()
        values: dict[str, Any] = {"role": str(role), "region": region}
        if change.active is not None:
            values["active"] = change.active
        if change.password is not None:
            values["password_hash"] = auth.hash_password(change.password)
            auth.clear_throttles(conn, username)
        conn.execute(update(users).where(users.c.username == username).values(**values))
        if region != str(row.region):  # its answers stay in the region it leaves
            answers.note_move(conn, username, str(row.region))
        if not _reads_within(Actor(username, Role(row.role), str(row.region), ""), role, region):
            auth.forget_devices(conn, username)
        elif change.password is not None:
            auth.revoke_sessions(conn, username, "password_changed")
        elif change.active is False:
            auth.revoke_sessions(conn, username, "account_disabled")
        else:
            conn.execute(tokens.delete().where(tokens.c.username == username))
        before = _user_out(row)
        after = {k: v for k, v in values.items() if k != "password_hash"}
        if change.password is not None:
            after["password"] = "changed"
        audit.append(
            conn,
            [
                audit.AuditEntry(
                    config.clock.iso(),
                    by.username if by else "admin",
                    by.device_id if by else device_id,
                    "user_change",
                    "user",
                    username,
                    before,
                    after,
                )
            ],
        )
        fresh = conn.execute(select(users).where(users.c.username == username)).one()
        return _user_out(fresh)


def _reads_within(before: Actor, role: Role, region: str) -> bool:
    """Whether an account of ``role`` in ``region`` reads everything ``before`` read
    (a province covers its kab/kota; another kab/kota, or a narrower level, does not)."""
    after = Actor(before.username, role, region, "")
    return covers(scope_label(after.read_prefix()), scope_label(before.read_prefix()))


def list_users(engine: Engine, actor: Actor | None) -> list[dict[str, Any]]:
    """Accounts the caller may see: everything for KPU RI, the province's for its admin."""
    with read_tx(engine) as conn:
        rows = conn.execute(select(users).order_by(users.c.username)).all()
    out = []
    for r in rows:
        if actor is None or actor.reads_everything or r.username == actor.username:
            out.append(_user_out(r))
        elif actor.can_manage(Role(r.role), r.region):
            out.append(_user_out(r))
    return out


def unlock_user(engine: Engine, config: ServerConfig, by: Actor | None, username: str) -> None:
    """Lift the login throttles of an account; ``by`` None is the local administrator.

    Raises:
        ApiError: 403 outside the caller's accounts, 404 no such user (for KPU RI and the CLI).
    """
    with read_tx(engine) as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
    if row is None or (by is not None and not by.can_manage(Role(row.role), row.region)):
        if by is not None and not by.reads_everything:
            raise forbidden()
        raise ApiError(404, "not_found", f"no user {username!r}")
    auth.unlock(
        engine,
        config,
        username,
        by.username if by else "admin",
        by.device_id if by else "admin-cli",
    )
