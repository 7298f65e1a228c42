"""Attacks on a real server process: parallel password guessing, gzip bombs (bundle
and request body), a cut-short audit log, a receipt naming another device."""

from __future__ import annotations

import gzip
import json
import socket
import sqlite3
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sync.server.middleware import PUBLIC_MAX_BYTES
from sync.server.schema import pack_json, unpack_json
from tests.integration.server_process import ServerProcess

PASSWORD = "rahasia-uji-123"
MAX_BODY = 1_000_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {
        "SILON_LOCKOUT_FAILURES": "5",
        "SILON_LOCKOUT_SECONDS": "600",
        "SILON_MAX_BODY_BYTES": str(MAX_BODY),
        "SILON_READ_TIMEOUT_SECONDS": "3",
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
    assert ok.returncode == 0 and "kepala " in ok.stdout
    anchor = ok.stdout.split("kepala ")[1].strip()
    head_id = int(anchor.split(":")[0])
    assert server.cli("audit", "verify", "--anchor", anchor).returncode == 0
    db = Path(server.data_dir) / "server.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM audit WHERE id >= ?", (head_id - 1,))
    # What is left still checks by itself: only the anchor shows the cut.
    assert server.cli("audit", "verify").returncode == 0
    cut = server.cli("audit", "verify", "--anchor", anchor, check=False)
    assert cut.returncode == 1
    assert f"RUSAK: entri audit {head_id}:" in cut.stdout


def test_audit_verify_catches_a_record_edited_behind_the_log(server: ServerProcess) -> None:
    """The log names each record's state by digest (#19): an edit of the records table
    itself, which no entry copies any more, is found by ``audit verify``."""
    made = server.cli(
        "election", "add", "--name", "Pilbup Uji Audit", "--kind", "bupati",
        "--region", "32.14", "--year", "2024",
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    ok = server.cli("audit", "verify")
    assert ok.returncode == 0 and " data sesuai entri terakhirnya" in ok.stdout
    db = Path(server.data_dir) / "server.sqlite3"
    with sqlite3.connect(db) as conn:
        # the fields are stored packed (sync.server.schema.PackedJSON)
        elections = conn.execute("SELECT id, fields FROM records WHERE entity = 'election'")
        (rid, fields) = next((r, f) for r, f in elections if "Pilbup Uji Audit" in unpack_json(f))
        (entry,) = conn.execute(
            "SELECT max(id) FROM audit WHERE record_id = ? AND length(state) > 0", (rid,)
        ).fetchone()
        edited = pack_json(unpack_json(fields).replace("Pilbup Uji Audit", "Pilbup Palsu"))
        conn.execute("UPDATE records SET fields = ? WHERE id = ?", (edited, rid))
    try:
        bad = server.cli("audit", "verify", check=False)
        assert bad.returncode == 1
        assert f"RUSAK: entri audit {entry}:" in bad.stdout and rid in bad.stdout
    finally:
        with sqlite3.connect(db) as conn:  # the module's other tests share this server
            conn.execute("UPDATE records SET fields = ? WHERE id = ?", (fields, rid))
    assert server.cli("audit", "verify").returncode == 0


def _push_body(n: int) -> bytes:
    mutations = [
        {
            "id": f"m-{i}",
            "entity": "supporter",
            "record_id": f"r-{i}",
            "scope": "32.14",
            "op": "upsert",
            "base_version": 0,
            "changes": {"name": [None, "SITI " + "A" * 100]},
        }
        for i in range(n)
    ]
    return json.dumps({"batch_id": "b-big", "device_id": "d", "mutations": mutations}).encode()


def test_an_anonymous_body_is_not_inflated_past_a_small_limit(server: ServerProcess) -> None:
    bomb = gzip.compress(b" " * 900_000 + b"{}")  # ~1 KB sent, 900 KB inflated
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
    for path in ("/v1/push", "/v1/auth/login"):
        r = server.request("POST", path, data=bomb, headers=headers)
        assert r.status_code == 413, r.text
    plain = server.request("POST", "/v1/push", data=b" " * 200_000 + b"{}")
    assert plain.status_code == 413, plain.text


def test_a_big_body_with_a_bad_token_answers_401_so_clients_log_in_again(
    server: ServerProcess,
) -> None:
    body = gzip.compress(_push_body(1000))
    assert len(body) < PUBLIC_MAX_BYTES < len(gzip.decompress(body))
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
    r = server.request("POST", "/v1/push", "no-such-token", data=body, headers=headers)
    assert r.status_code == 401 and r.json()["error"] == "unauthenticated"
    token = server.login("op", PASSWORD, device_id="laptop-op")
    r = server.request("POST", "/v1/push", token, data=body, headers=headers)
    assert r.status_code == 200, r.text
    assert len(r.json()["results"]) == 1000
    # The signed receipt names the session's device, not the one the body claims ("d").
    assert r.json()["receipt"]["body"]["device_id"] == "laptop-op"


def test_a_half_sent_body_is_answered_408_and_the_connection_closed(
    server: ServerProcess,
) -> None:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(
            b"POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"username": '
        )
        started = time.monotonic()
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b'"error":"timeout"' in answer
    assert 2 < waited < 25  # the read timeout, not the client's patience


def test_audit_verify_catches_a_record_written_past_the_log(server: ServerProcess) -> None:
    """A row put into the records table by hand (a forged supporter every feed of its
    scope would hand out) is named by no audit entry: ``audit verify`` names the row."""
    made = server.cli(
        "election", "add", "--name", "Pilbup Uji Sisipan", "--kind", "bupati",
        "--region", "32.14", "--year", "2024",
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    assert server.cli("audit", "verify").returncode == 0
    db = Path(server.data_dir) / "server.sqlite3"
    forged = "palsu-" + uuid.uuid4().hex
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO records (id, entity, scope, version, deleted, fields, updated_at,"
            " area, origin, seq) SELECT ?, entity, scope, version, deleted, fields, updated_at,"
            " area, origin, (SELECT max(seq) + 1 FROM records) FROM records"
            " WHERE entity = 'election' LIMIT 1",
            (forged,),
        )
    try:
        bad = server.cli("audit", "verify", check=False)
        assert bad.returncode == 1
        assert f"RUSAK: data {forged}:" in bad.stdout
    finally:
        with sqlite3.connect(db) as conn:  # the module's other tests share this server
            conn.execute("DELETE FROM records WHERE id = ?", (forged,))
    assert server.cli("audit", "verify").returncode == 0
