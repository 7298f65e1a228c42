"""Failed-login records are pruned, and throttles are per address (issue #16)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sync.server import auth
from sync.server.accounts import add_user
from sync.server.db import read_tx
from sync.server.errors import ApiError
from sync.server.roles import Role
from sync.server.schema import login_attempts
from tests.unit.server.support import fresh_state


def _rows(state: object) -> int:
    with read_tx(state.engine) as conn:  # type: ignore[attr-defined]
        return int(conn.execute(select(func.count()).select_from(login_attempts)).scalar_one())


def test_failed_login_records_are_pruned_after_the_window() -> None:
    with fresh_state() as state:
        for i in range(6):
            with pytest.raises(ApiError):
                auth.login(state.engine, state.config, f"ghost{i}", "x", "d", None, "10.0.0.9")
        assert _rows(state) > 6  # (name, address), address and name counters
        state.config.clock._offset += state.config.lockout_window + 1
        with pytest.raises(ApiError):
            auth.login(state.engine, state.config, "late", "x", "d", None, "10.0.0.10")
        assert _rows(state) == 3  # only the last attempt's own counters are left


def test_failed_logins_slow_an_account_down_without_locking_it() -> None:
    with fresh_state() as state:
        add_user(state.engine, state.config, "t", "sasaran", "rahasia-1", Role.KABKOTA, "32.14")
        delays = []
        for i in range(8):
            with pytest.raises(ApiError) as refused:
                auth.login(state.engine, state.config, "sasaran", "x", "d", None, f"10.9.0.{i}")
            assert refused.value.status == 401
            delays.append(refused.value.delay)
        assert delays[:4] == [0.0] * 4 and 0 < delays[5] < delays[7] <= auth.MAX_ACCOUNT_DELAY
        # Eight addresses guessed wrong; the owner's right password still opens a session.
        result = auth.login(
            state.engine, state.config, "sasaran", "rahasia-1", "d", None, "10.1.0.1"
        )
        assert result.username == "sasaran"


def test_successful_logins_never_count_against_the_address() -> None:
    """Many operators of one office behind one address log in; wrong passwords from
    that address are still throttled after ``source_failures``."""
    with fresh_state() as state:
        state.config.source_failures = 5
        add_user(state.engine, state.config, "t", "kantor", "rahasia-1", Role.KABKOTA, "32.14")
        for _ in range(3 * state.config.source_failures):
            auth.login(state.engine, state.config, "kantor", "rahasia-1", "d", None, "10.2.0.1")
        codes = []
        for i in range(state.config.source_failures + 1):
            with pytest.raises(ApiError) as refused:
                auth.login(state.engine, state.config, f"tebak{i}", "x", "d", None, "10.2.0.1")
            codes.append(refused.value.status)
        assert codes[:-1] == [401] * (state.config.source_failures)
        assert codes[-1] == 429


#: A user name as long as names may be (64): an e-mail address, say.
LONG_NAME = "koordinator.silon.kabupaten.purwakarta@kpu-jawabarat.example.id"


@pytest.mark.parametrize("name", [LONG_NAME, LONG_NAME[:50]])
def test_a_long_user_name_is_locked_from_the_guessing_address_only(name: str) -> None:
    """The (account, address) throttle of a long name must still name the address: a
    guesser at one address never locks the owner out at another, and an unlock lifts it."""
    with fresh_state() as state:
        add_user(state.engine, state.config, "t", name, "rahasia-1", Role.KABKOTA, "32.14")
        for _ in range(state.config.lockout_failures):
            with pytest.raises(ApiError):
                auth.login(state.engine, state.config, name, "x", "d", None, "203.0.113.45")
        with pytest.raises(ApiError) as locked:
            auth.login(state.engine, state.config, name, "rahasia-1", "d", None, "203.0.113.45")
        assert locked.value.status == 429
        # The owner, at another address (of the same /24 too), logs in at once.
        for source in ("198.51.100.7", "203.0.113.4"):
            owner = auth.login(state.engine, state.config, name, "rahasia-1", "d", None, source)
            assert owner.username == name
        with state.engine.begin() as conn:
            assert auth.clear_throttles(conn, name) >= 2  # the pair's and the account's
        again = auth.login(state.engine, state.config, name, "rahasia-1", "d", None, "203.0.113.45")
        assert again.username == name
