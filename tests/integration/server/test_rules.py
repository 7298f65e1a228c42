"""Issue #16 on a real server process: the server enforces the protocol's rules,
not only the types of values (error shapes, parent kinds, deadlines, write rights,
value domains, accounts, bundles, levels)."""

from __future__ import annotations

import gzip

import pytest
import requests

from tests.integration.server.conftest import PASSWORD, World, mutation

# --- one error body shape ------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/v1/no-such-route", 404, "not_found"),
        ("GET", "/tidak-ada", 404, "not_found"),  # "/" leads to the public pages
        ("DELETE", "/v1/push", 405, "method_not_allowed"),
        ("PUT", "/v1/health", 405, "method_not_allowed"),
    ],
)
def test_unknown_routes_and_wrong_methods_answer_the_error_body(
    world: World, method: str, path: str, status: int, code: str
) -> None:
    r = world.server.request(method, path, world.clients["ri"].token)
    assert r.status_code == status, r.text
    assert r.json().keys() == {"error", "message"}
    assert r.json()["error"] == code


@pytest.mark.parametrize("path", ["/v1/auth/login", "/v1/users"])
def test_bad_json_on_login_and_accounts_answers_400_bad_json(world: World, path: str) -> None:
    r = world.server.request(
        "POST",
        path,
        world.clients["ri"].token,
        data=b'{"username": "x", ',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["error"] == "bad_json" and body["message"]
    assert "detail" not in body


def test_bad_json_on_a_user_change_answers_400_bad_json(world: World) -> None:
    r = world.server.request(
        "PATCH", "/v1/users/op3214", world.clients["ri"].token, data=b"{not json"
    )
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "bad_json"


# --- accounts an attacker cannot lock ---------------------------------------------------


def _login(world: World, name: str, password: str, source: str) -> requests.Response:
    # The server trusts X-Forwarded-For from loopback (its reverse proxy, docs/INSTALL.md).
    return world.server.request(
        "POST",
        "/v1/auth/login",
        json={"username": name, "password": password, "device_id": "d-" + source},
        headers={"X-Forwarded-For": source},
    )


def test_anonymous_guesses_do_not_lock_the_account_for_its_owner(world: World) -> None:
    world.server.add_user("victim", PASSWORD, role="kabkota", region="32.14")
    codes = [_login(world, "victim", f"tebakan-{i}", "10.6.6.6").status_code for i in range(8)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}, codes
    # The attacker's address is refused even with the right password ...
    assert _login(world, "victim", PASSWORD, "10.6.6.6").status_code == 429
    # ... while the owner, from the office, logs in at once.
    assert _login(world, "victim", PASSWORD, "10.1.1.1").status_code == 200


def test_one_address_guessing_many_accounts_is_throttled(world: World) -> None:
    codes = [_login(world, f"nobody{i}", "x", "10.7.7.7").status_code for i in range(60)]
    assert codes.count(401) == 50 and codes[-1] == 429, codes
    assert _login(world, "op3214", PASSWORD, "10.1.1.2").status_code == 200


def test_the_administrator_unlocks_from_the_cli_and_the_api(world: World) -> None:
    world.server.add_user("unlockme", PASSWORD, role="kabkota", region="32.14")
    for i in range(5):
        _login(world, "unlockme", f"salah-{i}", "10.8.8.8")
    assert _login(world, "unlockme", PASSWORD, "10.8.8.8").status_code == 429
    world.server.cli("user", "unlock", "unlockme")
    assert _login(world, "unlockme", PASSWORD, "10.8.8.8").status_code == 200
    for i in range(5):
        _login(world, "unlockme", f"salah-{i}", "10.8.8.8")
    assert _login(world, "unlockme", PASSWORD, "10.8.8.8").status_code == 429
    ri = world.clients["ri"]
    r = world.server.request("POST", "/v1/users/unlockme/unlock", ri.token)
    assert r.status_code == 200, r.text
    assert _login(world, "unlockme", PASSWORD, "10.8.8.8").status_code == 200
    # A kab/kota account may not unlock anybody.
    op = world.clients["op3214"]
    assert world.server.request("POST", "/v1/users/unlockme/unlock", op.token).status_code == 403


def test_the_administrator_resets_a_password_from_the_cli(world: World) -> None:
    world.server.add_user("forgetful", PASSWORD, role="kabkota", region="32.14")
    token = world.server.login("forgetful", PASSWORD)
    result = world.server.cli("user", "reset-password", "forgetful", "--password", "baru-rahasia-1")
    assert "kata sandi diganti" in result.stdout
    assert world.server.request("GET", "/v1/me", token).status_code == 401  # sessions ended
    assert _login(world, "forgetful", PASSWORD, "10.1.1.3").status_code == 401
    assert _login(world, "forgetful", "baru-rahasia-1", "10.1.1.3").status_code == 200


def test_a_user_name_differing_only_in_case_is_refused(world: World) -> None:
    body = {"username": "OP3214", "password": PASSWORD, "role": "kabkota", "region": "32.14"}
    r = world.server.request("POST", "/v1/users", world.clients["ri"].token, json=body)
    assert r.status_code == 409 and r.json()["error"] == "user_exists", r.text


# --- request bodies ---------------------------------------------------------------------


def test_bytes_after_a_gzip_body_are_refused(world: World) -> None:
    body = gzip.compress(b'{"batch_id": "b", "device_id": "d", "mutations": []}') + b"JUNK"
    r = world.server.request(
        "POST",
        "/v1/push",
        world.clients["op3214"].token,
        data=body,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert (r.status_code, r.json()["error"]) == (400, "bad_gzip"), r.text


def test_the_servers_own_check_is_listed_beside_the_clients_forecast(world: World) -> None:
    op = world.clients["op3214"]
    _election, pairs = world.elections["32.14"]
    forged = mutation(
        "supporter",
        {"pair_id": pairs[0], "nik": "999", "name": "PALSU", "check_status": "MS"},
    )
    assert op.push_ok(forged)[0]["status"] == "applied"
    r = op.get("/v1/checks", disagree="true", limit=1000)
    assert r.status_code == 200, r.text
    mine = [c for c in r.json()["checks"] if c["record_id"] == forged["record_id"]]
    assert mine and mine[0]["client_status"] == "MS" and mine[0]["status"] != "MS"
    assert "NIK_FORMAT" in mine[0]["reasons"]
    # The other kab/kota does not see it.
    other = world.clients["op3215"].get("/v1/checks", limit=1000).json()["checks"]
    assert forged["record_id"] not in {c["record_id"] for c in other}


# --- levels: what the province or KPU RI set on an election -----------------------------


def test_a_kabkota_can_neither_move_its_pair_away_nor_delete_the_election(world: World) -> None:
    ri, op = world.clients["ri"], world.clients["op3214"]
    closed = mutation(
        "election",
        {"name": "Pilbup tutup", "kind": "bupati", "support_end": "2000-01-31", "dpt": 500000},
    )
    pair = mutation("pair", {"election_id": closed["record_id"], "number": 7})
    assert [r["status"] for r in ri.push_ok(closed, pair)] == ["applied"] * 2
    own = mutation("election", {"name": "Pilbup", "kind": "bupati", "support_end": "2099-12-31"})
    move = mutation(
        "pair",
        {"election_id": own["record_id"]},
        record_id=pair["record_id"],
        base_version=1,
        olds={"election_id": closed["record_id"]},
    )
    gone = mutation("election", {}, record_id=closed["record_id"], base_version=1, op="delete")
    got = [(r["status"], r.get("code"), r.get("field")) for r in op.push_ok(own, move, gone)]
    assert got == [
        ("applied", None, None),
        ("rejected", "READ_ONLY", "election_id"),
        ("rejected", "READ_ONLY", "dpt"),
    ]
    stored_pair = op.get(f"/v1/records/pair/{pair['record_id']}").json()
    assert (stored_pair["version"], stored_pair["fields"]["election_id"]) == (
        1,
        closed["record_id"],
    )
    stored_election = op.get(f"/v1/records/election/{closed['record_id']}").json()
    assert (stored_election["version"], stored_election["deleted"]) == (1, False)
    late = mutation("supporter", {"pair_id": pair["record_id"], "name": "TERLAMBAT"})
    assert op.push_ok(late)[0]["code"] == "DEADLINE_PASSED"
