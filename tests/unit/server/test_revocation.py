"""Revocation for the desktops' encryption at rest (issue #14): the per-(user, device)
secret, revoked sessions told apart from unknown ones, device keys never rebound."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sync.server import auth, models
from sync.server.accounts import add_user, change_user
from sync.server.db import read_tx
from sync.server.errors import ApiError
from sync.server.roles import Role
from sync.server.schema import device_keys
from tests.unit.server.support import fresh_state

PUB_A = "A" * 43 + "="
PUB_B = "B" * 43 + "="


def _login(state: object, user: str, password: str, device: str, key: str | None = None):  # type: ignore[no-untyped-def]
    return auth.login(state.engine, state.config, user, password, device, key, "10.0.0.1")  # type: ignore[attr-defined]


def _refusal(state: object, token: str) -> ApiError:
    with pytest.raises(ApiError) as refused:
        auth.authenticate(state.engine, state.config, token)  # type: ignore[attr-defined]
    return refused.value


def test_the_device_secret_is_stable_per_user_and_device_and_survives_a_password_change() -> None:
    with fresh_state() as state:
        add_user(state.engine, state.config, "t", "op1", "rahasia-1", Role.KABKOTA, "32.14")
        add_user(state.engine, state.config, "t", "op2", "rahasia-2", Role.KABKOTA, "32.14")
        first = _login(state, "op1", "rahasia-1", "pc-1")
        assert len(first.device_secret) >= 40 and first.offline_days == state.config.offline_days
        assert _login(state, "op1", "rahasia-1", "pc-1").device_secret == first.device_secret
        assert _login(state, "op1", "rahasia-1", "pc-2").device_secret != first.device_secret
        assert _login(state, "op2", "rahasia-2", "pc-1").device_secret != first.device_secret
        change_user(
            state.engine, state.config, None, "op1", models.UserChange(password="baru-12345")
        )
        assert _login(state, "op1", "baru-12345", "pc-1").device_secret == first.device_secret


def test_a_password_change_revokes_sessions_and_device_keys() -> None:
    with fresh_state() as state:
        add_user(state.engine, state.config, "t", "op1", "rahasia-1", Role.KABKOTA, "32.14")
        session = _login(state, "op1", "rahasia-1", "pc-1", PUB_A)
        change_user(
            state.engine, state.config, None, "op1", models.UserChange(password="baru-12345")
        )
        refused = _refusal(state, session.token)
        assert (refused.status, refused.code) == (401, "revoked")
        with read_tx(state.engine) as conn:
            assert (
                conn.execute(select(device_keys).where(device_keys.c.username == "op1")).all() == []
            )
        with pytest.raises(ApiError):
            _login(state, "op1", "rahasia-1", "pc-1")


def test_a_disabled_or_moved_account_is_revoked_and_a_wider_role_only_ends_the_session() -> None:
    """A move to another kab/kota revokes (the desktop locks: the data it holds is the
    region the account left) and forgets the device's secret; a kab/kota account made
    its province's reads all it read before, so its session only ends."""
    with fresh_state() as state:
        add_user(state.engine, state.config, "t", "op1", "rahasia-1", Role.KABKOTA, "32.14")
        add_user(state.engine, state.config, "t", "op2", "rahasia-2", Role.KABKOTA, "32.14")
        add_user(state.engine, state.config, "t", "op3", "rahasia-3", Role.KABKOTA, "32.14")
        one = _login(state, "op1", "rahasia-1", "pc-1")
        two = _login(state, "op2", "rahasia-2", "pc-2")
        three = _login(state, "op3", "rahasia-3", "pc-3")
        change_user(state.engine, state.config, None, "op1", models.UserChange(active=False))
        assert _refusal(state, one.token).code == "revoked"
        change_user(state.engine, state.config, None, "op2", models.UserChange(region="32.15"))
        assert _refusal(state, two.token).code == "revoked"
        assert _login(state, "op2", "rahasia-2", "pc-2").device_secret != two.device_secret
        change_user(
            state.engine,
            state.config,
            None,
            "op3",
            models.UserChange(role="province", region="32"),
        )
        assert _refusal(state, three.token).code == "unauthenticated"
        assert _login(state, "op3", "rahasia-3", "pc-3").device_secret == three.device_secret


def test_a_revoked_device_loses_its_secret_and_another_users_login_never_rebinds_a_key() -> None:
    with fresh_state() as state:
        add_user(state.engine, state.config, "t", "op1", "rahasia-1", Role.KABKOTA, "32.14")
        add_user(state.engine, state.config, "t", "op2", "rahasia-2", Role.KABKOTA, "32.14")
        one = _login(state, "op1", "rahasia-1", "pc-1", PUB_A)
        _login(state, "op2", "rahasia-2", "pc-1", PUB_B)
        with read_tx(state.engine) as conn:
            keys = dict(
                conn.execute(
                    select(device_keys.c.username, device_keys.c.public_key).where(
                        device_keys.c.device_id == "pc-1"
                    )
                ).all()
            )
        assert keys == {"op1": PUB_A, "op2": PUB_B}
        assert auth.revoke_device(state.engine, state.config, "op1", "pc-1", "admin")
        assert _refusal(state, one.token).code == "revoked"
        again = _login(state, "op1", "rahasia-1", "pc-1")
        assert again.device_secret != one.device_secret  # the old wrap stays useless


def test_an_account_named_as_the_server_before_such_names_were_refused_no_longer_works() -> None:
    from sync.server.schema import tokens, users

    with fresh_state() as state:
        add_user(state.engine, state.config, "t", "op1", "rahasia-1", Role.KABKOTA, "32.14")
        session = _login(state, "op1", "rahasia-1", "pc-1")
        with state.engine.begin() as conn:  # renamed by hand, as an older server allowed
            conn.execute(users.update().where(users.c.username == "op1").values(username="Admin"))
            conn.execute(tokens.update().values(username="Admin"))
        refused = _refusal(state, session.token)
        assert (refused.status, refused.code) == (401, "revoked")
        assert "reserved_username" in refused.message
        with pytest.raises(ApiError) as login:
            _login(state, "Admin", "rahasia-1", "pc-1")
        assert (login.value.status, login.value.code) == (403, "reserved_username")
        assert "nama lain" in login.value.message
        with pytest.raises(ApiError) as other:
            _login(state, "admin", "salah", "pc-1")  # any case, before the password
        assert other.value.code == "reserved_username"


class _ChangedWhileChecking:
    """The password hasher, with an administrator's change of the account committed
    (by another connection, as another server process would) while a login checks
    its password: after the login read the account, before it opens the session."""

    def __init__(self, state: object, username: str, change: models.UserChange) -> None:
        self.state, self.username, self.change = state, username, change
        self.real = auth._hasher

    def verify(self, stored: str, password: str) -> bool:
        ok = self.real.verify(stored, password)
        if self.change is not None:
            change, self.change = self.change, None
            change_user(self.state.engine, self.state.config, None, self.username, change)  # type: ignore[attr-defined]
        return bool(ok)

    def hash(self, password: str) -> str:
        return self.real.hash(password)


@pytest.mark.parametrize(
    "change",
    [models.UserChange(active=False), models.UserChange(password="baru-12345")],
    ids=["disabled", "password-reset"],
)
def test_a_login_racing_a_disable_or_a_password_reset_opens_no_session(
    monkeypatch: pytest.MonkeyPatch, change: models.UserChange
) -> None:
    """The login read the account before the change committed and went on with what it
    read: a disabled account, or one whose password the administrator had just reset,
    got a fresh session and its device's secret (the desktop's data opened for it)."""
    with fresh_state() as state:
        add_user(state.engine, state.config, "t", "op1", "rahasia-1", Role.KABKOTA, "32.14")
        _login(state, "op1", "rahasia-1", "pc-1")
        monkeypatch.setattr(auth, "_hasher", _ChangedWhileChecking(state, "op1", change))
        with pytest.raises(ApiError) as refused:
            _login(state, "op1", "rahasia-1", "pc-1")
        assert (refused.value.status, refused.value.code) == (401, "bad_credentials")


def test_a_login_racing_a_move_answers_the_region_the_account_now_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A move to another kab/kota committed while the login checked the password: the
    login answers the new region (the desktop then refuses to open the old one's data),
    not the region it read before the move."""
    with fresh_state() as state:
        add_user(state.engine, state.config, "t", "op1", "rahasia-1", Role.KABKOTA, "32.14")
        first = _login(state, "op1", "rahasia-1", "pc-1")
        moved = _ChangedWhileChecking(state, "op1", models.UserChange(region="32.15"))
        monkeypatch.setattr(auth, "_hasher", moved)
        session = _login(state, "op1", "rahasia-1", "pc-1")
        assert (session.role, session.region) == (Role.KABKOTA, "32.15")
        assert session.device_secret != first.device_secret
        assert auth.authenticate(state.engine, state.config, session.token).region == "32.15"
