"""Tokens expire, failed logins lock out, logout ends the session, the clock is the server's."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.server_process import ServerProcess

PASSWORD = "rahasia-uji-123"


@pytest.fixture(scope="module")
def short_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {
        "SILON_TOKEN_TTL_SECONDS": "2",
        "SILON_LOCKOUT_FAILURES": "5",
        "SILON_LOCKOUT_SECONDS": "600",
        "SILON_SERVER_NOW": "2024-08-20T03:00:00Z",
    }
    with ServerProcess.start(tmp_path_factory.mktemp("short"), env=env) as server:
        server.add_user("op", PASSWORD, role="kabkota", region="32.14")
        yield server


def test_expired_token_answers_401_token_expired(short_server: ServerProcess) -> None:
    token = short_server.login("op", PASSWORD)
    assert short_server.request("GET", "/v1/me", token).status_code == 200
    # Asked until the 2 s lifetime is over (a fixed 2.5 s sleep waited past it): the
    # token serves until then, and expires within a few seconds of it.
    deadline = time.monotonic() + 10
    while (r := short_server.request("GET", "/v1/feed", token)).status_code == 200:
        assert time.monotonic() < deadline, "the 2 s token still serves after 10 s"
        time.sleep(0.05)
    assert r.status_code == 401
    assert r.json()["error"] == "token_expired"
    assert short_server.request("GET", "/v1/me", "not-a-token").json()["error"] == "unauthenticated"


def test_logout_ends_the_session(short_server: ServerProcess) -> None:
    token = short_server.login("op", PASSWORD)
    assert short_server.request("POST", "/v1/auth/logout", token).status_code == 200
    assert short_server.request("GET", "/v1/me", token).json()["error"] == "unauthenticated"


def test_five_failed_logins_lock_the_name_out_even_for_the_right_password(
    short_server: ServerProcess,
) -> None:
    short_server.add_user("target", PASSWORD, role="kabkota", region="32.14")
    body = {"username": "target", "password": "salah", "device_id": "d"}
    codes = [
        short_server.request("POST", "/v1/auth/login", json=body).status_code for _ in range(5)
    ]
    assert codes == [401] * 5
    right = dict(body, password=PASSWORD)
    r = short_server.request("POST", "/v1/auth/login", json=right)
    assert r.status_code == 429
    assert r.json()["error"] == "locked"
    assert 500 < int(r.headers["Retry-After"]) <= 601
    # An unknown name is counted the same way, so lockout does not reveal accounts.
    ghost = dict(body, username="nobody")
    ghost_codes = [
        short_server.request("POST", "/v1/auth/login", json=ghost).status_code for _ in range(6)
    ]
    assert ghost_codes == [401] * 5 + [429]


def test_server_clock_is_injectable(short_server: ServerProcess) -> None:
    health = short_server.request("GET", "/v1/health").json()
    assert health["server_time"].startswith("2024-08-20T03:0")


def test_audit_verify_names_the_first_edited_entry(short_server: ServerProcess) -> None:
    token = short_server.login("op", PASSWORD)
    short_server.request("GET", "/v1/me", token)
    ok = short_server.cli("audit", "verify")
    assert ok.returncode == 0 and ok.stdout.startswith("OK")
    db = Path(short_server.data_dir) / "server.sqlite3"
    with sqlite3.connect(db) as conn:
        count = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
        assert count >= 4
        target = count // 2
        conn.execute("UPDATE audit SET username = 'mallory' WHERE id = ?", (target,))
        conn.execute("UPDATE audit SET action = 'x' WHERE id = ?", (target + 1,))
    bad = short_server.cli("audit", "verify", check=False)
    assert bad.returncode == 1
    assert f"entri audit {target}:" in bad.stdout
