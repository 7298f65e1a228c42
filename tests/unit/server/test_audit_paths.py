"""Every applied mutation path leaves audit entries: push, bundle import, server flags."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from sync import signing
from sync.protocol import Mutation, Op, ResultStatus
from sync.server import accounts, audit, auth
from sync.server.app import ServerState
from sync.server.bundles import import_bundle, write_bundle
from sync.server.db import read_tx
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import audit as audit_table

SCOPE = "32.14"
PASSWORD = "rahasia-uji-123"


def _create(entity: str, fields: dict[str, Any]) -> Mutation:
    changes = {k: (None, v) for k, v in fields.items()}
    return Mutation(str(uuid.uuid4()), entity, str(uuid.uuid4()), SCOPE, Op.UPSERT, 0, changes)


def _entries(state: ServerState) -> list[dict[str, Any]]:
    with read_tx(state.engine) as conn:
        rows = conn.execute(select(audit_table).order_by(audit_table.c.id)).mappings().all()
    return [dict(r) for r in rows]


def test_push_and_server_duplicate_flags_are_audited(state: ServerState) -> None:
    operator = Actor("op3214", Role.KABKOTA, SCOPE, "laptop-1")
    election = _create("election", {"name": "Pilbup", "kind": "bupati", "region_code": SCOPE})
    eid = election.record_id
    pairs = [_create("pair", {"election_id": eid, "number": n}) for n in (1, 2)]
    nik = "3214011708850001"
    supporters = [_create("supporter", {"pair_id": p.record_id, "nik": nik}) for p in pairs]
    results = apply_batch(
        state.engine, state.config, operator, "b1", [election, *pairs, supporters[0]]
    )
    assert all(r.status is ResultStatus.APPLIED for r in results)
    # The second pair's supporter makes the first one a duplicate too (outside the batch).
    [second] = apply_batch(state.engine, state.config, operator, "b2", [supporters[1]])
    assert second.status is ResultStatus.APPLIED

    entries = _entries(state)
    created = {e["record_id"] for e in entries if e["action"] == "create"}
    assert created == {m.record_id for m in (election, *pairs, *supporters)}
    assert all(e["username"] == "op3214" for e in entries if e["action"] == "create")
    flags = [e for e in entries if e["action"] == "flag_duplicate"]
    assert {e["record_id"] for e in flags} == {m.record_id for m in supporters}
    assert all(e["username"] == "server" for e in flags)
    with read_tx(state.engine) as conn:
        assert audit.verify(conn).ok


def test_bundle_import_is_audited_as_the_bundle_user_and_device(state: ServerState) -> None:
    accounts.add_user(state.engine, state.config, "admin", "op", PASSWORD, Role.KABKOTA, SCOPE)
    key = signing.generate_private_key()
    auth.login(
        state.engine, state.config, "op", PASSWORD, "usb-laptop", signing.public_key_b64(key)
    )
    election = _create("election", {"name": "Pilbup", "kind": "bupati", "region_code": SCOPE})
    raw = write_bundle(key, "bundle-1", "usb-laptop", "op", [election.to_wire()])

    out = import_bundle(state, raw, None)
    assert [r["status"] for r in out["results"]] == ["applied"]
    [entry] = [e for e in _entries(state) if e["record_id"] == election.record_id]
    assert (entry["action"], entry["username"], entry["device_id"]) == (
        "create",
        "op",
        "usb-laptop",
    )
    # Imported again: applied once, no second entry.
    import_bundle(state, raw, None)
    assert len([e for e in _entries(state) if e["record_id"] == election.record_id]) == 1


@pytest.mark.parametrize(
    ("user", "device"), [("Admin", "usb-laptop"), ("op", "admin-cli"), ("publik", "web")]
)
def test_a_bundle_of_a_reserved_account_or_device_is_refused(
    state: ServerState, user: str, device: str
) -> None:
    """An account or device named as the log's own writers by an older server (made,
    logged in and its key registered before such names were refused) can no longer
    log in; its USB bundle must not write under that name either: the entries would
    read as the administrator's, the server's or a citizen's."""
    from sqlalchemy import update

    from sync.server.errors import ApiError
    from sync.server.schema import device_keys, users

    accounts.add_user(state.engine, state.config, "admin", "op", PASSWORD, Role.KABKOTA, SCOPE)
    key = signing.generate_private_key()
    auth.login(
        state.engine, state.config, "op", PASSWORD, "usb-laptop", signing.public_key_b64(key)
    )
    with state.engine.begin() as conn:  # renamed by hand, as an older server allowed
        conn.execute(update(users).values(username=user))
        conn.execute(update(device_keys).values(username=user, device_id=device))
    election = _create("election", {"name": "Pilbup", "kind": "bupati", "region_code": SCOPE})
    raw = write_bundle(key, "bundle-r", device, user, [election.to_wire()])
    with pytest.raises(ApiError) as refused:
        import_bundle(state, raw, None)
    code = "unknown_device" if device == "admin-cli" else "unknown_user"
    assert (refused.value.status, refused.value.code) == (422, code)
    assert [e for e in _entries(state) if e["record_id"] == election.record_id] == []
