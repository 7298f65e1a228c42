"""An account changes its own password (POST /v1/me/password, ``auth.change_password``):
checked and throttled as a login is, the caller's session kept, every other session
of the account ended, audited without the password."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from sync.server import auth
from sync.server.accounts import add_user
from sync.server.db import read_tx
from sync.server.errors import ApiError
from sync.server.roles import Role
from sync.server.schema import audit as audit_log
from sync.server.schema import device_keys
from sync.server.state import ServerState

OLD = "rahasia-lama-1"
NEW = "rahasia-baru-2"
PUB_A = "A" * 43 + "="
PUB_B = "B" * 43 + "="


def _login(
    state: ServerState, password: str, device: str, key: str | None = None
) -> auth.LoginResult:
    return auth.login(state.engine, state.config, "op1", password, device, key, "10.0.0.1")


def _change(
    state: ServerState, session: auth.LoginResult, current: str, new: str, source: str = "10.0.0.1"
) -> int:
    actor = auth.authenticate(state.engine, state.config, session.token)
    return auth.change_password(
        state.engine, state.config, actor, session.token, current, new, source
    )


def _entries(state: ServerState, action: str) -> list[object]:
    with read_tx(state.engine) as conn:
        return list(conn.execute(select(audit_log).where(audit_log.c.action == action)).all())


@pytest.fixture
def op1(state: ServerState) -> ServerState:
    add_user(state.engine, state.config, "t", "op1", OLD, Role.KABKOTA, "32.14")
    return state


def test_the_change_keeps_the_callers_session_and_ends_every_other(op1: ServerState) -> None:
    mine = _login(op1, OLD, "pc-1", PUB_A)
    stolen = _login(op1, OLD, "pc-2", PUB_B)
    older_here = _login(op1, OLD, "pc-1")
    assert _change(op1, mine, OLD, NEW) == 2
    assert auth.authenticate(op1.engine, op1.config, mine.token).username == "op1"
    for ended in (stolen, older_here):
        with pytest.raises(ApiError) as refused:
            auth.authenticate(op1.engine, op1.config, ended.token)
        assert (refused.value.status, refused.value.code) == (401, "revoked")
    with read_tx(op1.engine) as conn:
        kept = conn.execute(select(device_keys.c.device_id).where(device_keys.c.username == "op1"))
        assert [row.device_id for row in kept] == ["pc-1"]  # pc-2 signs no bundle any more
    with pytest.raises(ApiError) as old:
        _login(op1, OLD, "pc-3")
    assert old.value.code == "bad_credentials"
    again = _login(op1, NEW, "pc-2")
    assert again.device_secret == stolen.device_secret  # the data on pc-2 opens for NEW


def test_the_change_is_audited_without_the_password(op1: ServerState) -> None:
    mine = _login(op1, OLD, "pc-1")
    _change(op1, mine, OLD, NEW)
    (entry,) = _entries(op1, "password_change")
    assert (entry.username, entry.device_id, entry.entity, entry.record_id) == (  # type: ignore[attr-defined]
        "op1",
        "pc-1",
        "user",
        "op1",
    )
    assert json.loads(entry.after) == {"password": "changed", "sessions_ended": 0}  # type: ignore[attr-defined]
    text = " ".join(str(v) for v in entry)  # type: ignore[attr-defined]
    assert OLD not in text and NEW not in text


def test_a_wrong_current_password_is_refused_and_counted_as_a_failed_login(
    op1: ServerState,
) -> None:
    mine = _login(op1, OLD, "pc-1")
    for _ in range(op1.config.lockout_failures - 1):
        with pytest.raises(ApiError) as wrong:
            _change(op1, mine, "bukan-ini-123", NEW)
        assert (wrong.value.status, wrong.value.code) == (403, "wrong_password")
    assert len(_entries(op1, "password_change_failed")) == op1.config.lockout_failures - 1
    with pytest.raises(ApiError):
        _change(op1, mine, "bukan-ini-123", NEW)  # the last one allowed: the throttle is set
    with pytest.raises(ApiError) as throttled:
        _change(op1, mine, OLD, NEW)  # the right one too, from that address
    assert (throttled.value.status, throttled.value.code) == (429, "locked")
    # the login from that address counts the same failures
    with pytest.raises(ApiError) as login:
        _login(op1, OLD, "pc-1")
    assert login.value.status == 429
    assert auth.authenticate(op1.engine, op1.config, mine.token).username == "op1"
    assert _login_from(op1, OLD, "10.0.0.9").username == "op1"  # the password unchanged


def _login_from(state: ServerState, password: str, source: str) -> auth.LoginResult:
    return auth.login(state.engine, state.config, "op1", password, "pc-1", None, source)


def test_a_success_lifts_the_failures_its_address_counted(op1: ServerState) -> None:
    mine = _login(op1, OLD, "pc-1")
    for _ in range(op1.config.lockout_failures - 1):
        with pytest.raises(ApiError):
            _change(op1, mine, "bukan-ini-123", NEW)
    _change(op1, mine, OLD, NEW)
    with pytest.raises(ApiError) as wrong:
        _change(op1, mine, "bukan-ini-123", "lain-lagi-456")
    assert wrong.value.code == "wrong_password"  # counted from zero again, not throttled


def test_a_retry_after_a_lost_answer_is_answered_as_done(op1: ServerState) -> None:
    """The transport sends a POST again when its answer was lost: the first one changed
    the password, so the retry's "current" is the old one. Refused, the desktop would
    tell the operator the change failed while the server holds the new password."""
    mine = _login(op1, OLD, "pc-1")
    _login(op1, OLD, "pc-2")
    assert _change(op1, mine, OLD, NEW) == 1
    assert _change(op1, mine, OLD, NEW) == 0
    assert len(_entries(op1, "password_change")) == 1
    assert _login(op1, NEW, "pc-1").username == "op1"


def test_the_same_password_again_is_refused(op1: ServerState) -> None:
    mine = _login(op1, OLD, "pc-1")
    with pytest.raises(ApiError) as same:
        _change(op1, mine, OLD, OLD)
    assert (same.value.status, same.value.code) == (422, "same_password")
