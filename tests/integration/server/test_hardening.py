"""Attacks on a real server process: parallel password guessing, bundle gzip bombs,
a cut-short audit log."""

from __future__ import annotations

import gzip
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.integration.server_process import ServerProcess

PASSWORD = "rahasia-uji-123"
MAX_BODY = 1_000_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {
        "SILON_LOCKOUT_FAILURES": "5",
        "SILON_LOCKOUT_SECONDS": "600",
        "SILON_MAX_BODY_BYTES": str(MAX_BODY),
    }
    with ServerProcess.start(tmp_path_factory.mktemp("hardening"), env=env) as server:
        server.add_user("op", PASSWORD, role="kabkota", region="32.14")
        yield server


def test_parallel_wrong_logins_get_no_more_tries_than_the_lockout_allows(
    server: ServerProcess,
) -> None:
    server.add_user("burst", PASSWORD, role="kabkota", region="32.14")

    def attempt(i: int) -> int:
        body = {"username": "burst", "password": f"tebakan-{i}", "device_id": "d"}
        return server.request("POST", "/v1/auth/login", json=body).status_code

    with ThreadPoolExecutor(max_workers=32) as pool:
        codes = list(pool.map(attempt, range(48)))
    assert codes.count(401) == 5, codes  # each 401 was a password actually tried
    assert codes.count(429) == 43
    right = {"username": "burst", "password": PASSWORD, "device_id": "d"}
    assert server.request("POST", "/v1/auth/login", json=right).status_code == 429


def test_a_bundle_inflating_past_the_body_limit_is_refused_before_parsing(
    server: ServerProcess,
) -> None:
    token = server.login("op", PASSWORD)
    # ~5 KB on the wire, 5 MB inflated: the request body limit is 1 MB.
    inflated = b'{"format": "silon-bundle-1", "created_at": "' + b"a" * 5_000_000 + b'"}'
    bomb = gzip.compress(inflated, compresslevel=9)
    assert len(bomb) < MAX_BODY // 10
    r = server.request("POST", "/v1/bundles", token, data=bomb)
    assert r.status_code == 413, r.text
    assert r.json()["error"] == "too_large"


def test_audit_verify_catches_removed_last_entries_with_an_anchor(
    server: ServerProcess,
) -> None:
    for _ in range(3):
        server.login("op", PASSWORD)
    ok = server.cli("audit", "verify")
    assert ok.returncode == 0 and "head " in ok.stdout
    anchor = ok.stdout.split("head ")[1].strip()
    head_id = int(anchor.split(":")[0])
    assert server.cli("audit", "verify", "--anchor", anchor).returncode == 0
    db = Path(server.data_dir) / "server.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM audit WHERE id >= ?", (head_id - 1,))
    # What is left still checks by itself: only the anchor shows the cut.
    assert server.cli("audit", "verify").returncode == 0
    cut = server.cli("audit", "verify", "--anchor", anchor, check=False)
    assert cut.returncode == 1
    assert f"BROKEN: audit entry {head_id}:" in cut.stdout
