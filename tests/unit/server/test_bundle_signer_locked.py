"""A USB bundle's signing account is checked again once the import holds its write
locks, as the caller's session is (sync.server.auth.check_session): an account
disabled, a device revoked or an account moved after the bundle was verified
writes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from sync import signing
from sync.protocol import Mutation, Op
from sync.server import accounts, auth, bundles, models
from sync.server.app import ServerState
from sync.server.bundles import import_bundle, write_bundle
from sync.server.db import read_tx
from sync.server.errors import ApiError
from sync.server.roles import Role
from sync.server.schema import records

SCOPE = "32.14"
PASSWORD = "rahasia-uji-123"


def _disable(state: ServerState) -> None:
    accounts.change_user(state.engine, state.config, None, "op", models.UserChange(active=False))


def _revoke_device(state: ServerState) -> None:
    auth.revoke_device(state.engine, state.config, "op", "usb-laptop", "admin")


def _make_province(state: ServerState) -> None:
    """A wider reach: the session ends but the device keys stay (accounts.change_user)."""
    change = models.UserChange(role="province", region="32")
    accounts.change_user(state.engine, state.config, None, "op", change)


@pytest.mark.parametrize(
    ("meanwhile", "status", "code"),
    [
        (_disable, 422, "unknown_user"),
        (_revoke_device, 422, "unknown_device"),
        (_make_province, 409, "account_changed"),
    ],
)
def test_a_signer_changed_after_the_bundle_was_verified_writes_nothing(
    state: ServerState,
    monkeypatch: pytest.MonkeyPatch,
    meanwhile: Callable[[ServerState], None],
    status: int,
    code: str,
) -> None:
    accounts.add_user(state.engine, state.config, "admin", "op", PASSWORD, Role.KABKOTA, SCOPE)
    key = signing.generate_private_key()
    auth.login(
        state.engine, state.config, "op", PASSWORD, "usb-laptop", signing.public_key_b64(key)
    )
    changes = {"name": "Pilbup", "kind": "bupati", "region_code": SCOPE}
    election = Mutation(
        str(uuid.uuid4()),
        "election",
        str(uuid.uuid4()),
        SCOPE,
        Op.UPSERT,
        0,
        {k: (None, v) for k, v in changes.items()},
    )
    raw = write_bundle(key, "bundle-1", "usb-laptop", "op", [election.to_wire()])
    checked = bundles.check_scopes

    def verified_then_changed(*args: object) -> None:
        checked(*args)  # type: ignore[arg-type]
        meanwhile(state)  # by another request, before the import takes its locks

    monkeypatch.setattr(bundles, "check_scopes", verified_then_changed)
    with pytest.raises(ApiError) as refused:
        import_bundle(state, raw, None)
    assert (refused.value.status, refused.value.code) == (status, code)
    with read_tx(state.engine) as conn:
        stored = conn.execute(select(func.count()).where(records.c.id == election.record_id))
        assert stored.scalar_one() == 0
