"""Every endpoint checks role and scope; out-of-scope answers never reveal existence."""

from __future__ import annotations

import sqlite3
import uuid

import pytest

from tests.integration.server.conftest import PASSWORD, World, mutation


def _supporter_in(world: World, scope: str) -> dict:
    _e, pairs = world.elections[scope]
    return mutation(
        "supporter", {"pair_id": pairs[0], "nik": "3215014101900001", "name": "ANI"}, scope=scope
    )


def test_operator_cannot_read_another_kabkota_record_nor_learn_it_exists(world: World) -> None:
    other = _supporter_in(world, "32.15")
    world.client("op3215").push_ok(other)
    op = world.client("op3214")
    existing = op.get(f"/v1/records/supporter/{other['record_id']}")
    missing = op.get(f"/v1/records/supporter/{uuid.uuid4()}")
    assert existing.status_code == missing.status_code == 403
    assert (
        existing.json()
        == missing.json()
        == {"error": "forbidden", "message": "outside your role or region"}
    )
    assert all(r["scope"] == "32.14" for r in op.feed_all())
    assert other["record_id"] not in {r["id"] for r in op.feed_all()}
    # Its own operator, the province and KPU RI do read it.
    for reader in ("op3215", "prov32", "ri"):
        r = world.client(reader).get(f"/v1/records/supporter/{other['record_id']}")
        assert r.status_code == 200, reader


def test_operator_cannot_write_another_kabkota_record(world: World) -> None:
    other = _supporter_in(world, "32.15")
    world.client("op3215").push_ok(other)
    op = world.client("op3214")
    # Claiming the other scope, existing or not: 403 and nothing applied.
    edit = mutation(
        "supporter",
        {"name": "DIUBAH"},
        scope="32.15",
        record_id=other["record_id"],
        base_version=1,
        olds={"name": "ANI"},
    )
    fresh = mutation("supporter", {"name": "BARU"}, scope="32.15")
    for m in (edit, fresh):
        r = op.push(m)
        assert r.status_code == 403
        assert r.json()["error"] == "forbidden" and r.json()["mutation_id"] == m["id"]
    # Claiming its own scope for the other region's record id: also 403.
    sneaky = dict(edit, id=str(uuid.uuid4()), scope="32.14")
    assert op.push(sneaky).status_code == 403
    record = world.client("op3215").get(f"/v1/records/supporter/{other['record_id']}").json()
    assert record["version"] == 1 and record["fields"]["name"] == "ANI"


def test_a_batch_with_one_foreign_mutation_applies_nothing(world: World) -> None:
    op = world.client("op3214")
    own = _supporter_in(world, "32.14")
    foreign = _supporter_in(world, "32.15")
    assert op.push(own, foreign).status_code == 403
    assert op.get(f"/v1/records/supporter/{own['record_id']}").status_code == 403
    assert world.client("ri").get(f"/v1/records/supporter/{own['record_id']}").status_code == 404


def test_bawaslu_reads_its_region_but_never_writes(world: World) -> None:
    watcher = world.client("bawaslu3214")
    own = _supporter_in(world, "32.14")
    world.client("op3214").push_ok(own)
    assert watcher.get(f"/v1/records/supporter/{own['record_id']}").status_code == 200
    assert {r["scope"] for r in watcher.feed_all()} == {"32.14"}
    assert watcher.push(_supporter_in(world, "32.14")).status_code == 403


def test_province_reads_its_kabkota_but_writes_only_province_scope(world: World) -> None:
    prov = world.client("prov32")
    scopes = {r["scope"] for r in prov.feed_all()}
    assert {"32.14", "32.15"} <= scopes
    assert prov.push(_supporter_in(world, "32.14")).status_code == 403
    governor = mutation("election", {"name": "Pilgub Jabar", "kind": "gubernur"}, scope="32")
    assert prov.push_ok(governor)[0]["status"] == "applied"
    # Every KPU kab/kota of the province reads its governor election, none writes it.
    op = world.client("op3214")
    assert op.get(f"/v1/records/election/{governor['record_id']}").status_code == 200
    rename = mutation(
        "election",
        {"name": "X"},
        scope="32",
        record_id=governor["record_id"],
        base_version=1,
        olds={"name": "Pilgub Jabar"},
    )
    assert op.push(rename).status_code == 403


def test_accounts_are_managed_within_the_province_only(world: World) -> None:
    prov, op = world.client("prov32"), world.client("op3214")
    body = {"username": "op3216", "password": PASSWORD, "role": "kabkota", "region": "32.16"}
    r = world.server.request("POST", "/v1/users", prov.token, json=body)
    assert r.status_code == 201, r.text
    outside = dict(body, username="op3301", region="33.01")
    assert world.server.request("POST", "/v1/users", prov.token, json=outside).status_code == 403
    upgrade = {"role": "kpu_ri", "region": ""}
    assert (
        world.server.request("PATCH", "/v1/users/op3216", prov.token, json=upgrade).status_code
        == 403
    )
    assert (
        world.server.request(
            "POST", "/v1/users", op.token, json=dict(body, username="op3217", region="32.17")
        ).status_code
        == 403
    )
    names = {u["username"] for u in prov.get("/v1/users").json()["users"]}
    assert "op3216" in names and "op3215" in names and "ri" not in names
    moved = world.server.request("PATCH", "/v1/users/op3216", prov.token, json={"region": "32.18"})
    assert moved.status_code == 200 and moved.json()["region"] == "32.18"


def test_every_data_endpoint_needs_a_token(world: World) -> None:
    for method, path in (
        ("GET", "/v1/feed"),
        ("POST", "/v1/push"),
        ("GET", "/v1/conflicts"),
        ("GET", "/v1/users"),
        ("GET", "/v1/me"),
        ("GET", f"/v1/records/supporter/{uuid.uuid4()}"),
    ):
        r = world.server.request(method, path, json={} if method == "POST" else None)
        assert r.status_code == 401, path
        assert r.json()["error"] == "unauthenticated"


def test_replaying_another_regions_mutation_id_reveals_nothing(world: World) -> None:
    own = _supporter_in(world, "32.14")
    world.client("op3214").push_ok(own)
    thief = world.client("op3215")
    same_record = dict(own, scope="32.15")
    assert thief.push(same_record).status_code == 403
    _e, pairs = world.elections["32.15"]
    other_record = dict(
        own, scope="32.15", record_id=str(uuid.uuid4()), changes={"pair_id": [None, pairs[0]]}
    )
    [result] = thief.push_ok(other_record)
    assert (result["status"], result["field"]) == ("rejected", "id")
    assert "record" not in result


@pytest.mark.parametrize("name", ["admin", "Server", "PUBLIK"])
def test_no_account_takes_a_name_the_audit_log_gives_the_server(world: World, name: str) -> None:
    # "admin" is the command line, "server" the server itself, "publik" a citizen:
    # an account of that name would write audit entries that read as theirs.
    prov, ri = world.client("prov32"), world.client("ri")
    body = {"username": name, "password": PASSWORD, "role": "kabkota", "region": "32.14"}
    r = world.server.request("POST", "/v1/users", prov.token, json=body)
    assert (r.status_code, r.json()["error"]) == (409, "user_exists"), r.text
    assert "dipakai server sendiri" in r.json()["message"]
    names = {u["username"].lower() for u in ri.get("/v1/users").json()["users"]}
    assert name.lower() not in names
    cli = world.server.cli(
        "user", "add", name, "--role", "kabkota", "--region", "32.14", "--password", PASSWORD,
        check=False,
    )  # fmt: skip
    assert cli.returncode != 0
    names = {u["username"].lower() for u in ri.get("/v1/users").json()["users"]}
    assert name.lower() not in names


@pytest.mark.parametrize("device", ["admin-cli", "WEB", "training-seed"])
def test_no_login_names_its_device_as_the_servers_own(world: World, device: str) -> None:
    body = {"username": "op3214", "password": PASSWORD, "device_id": device}
    r = world.server.request("POST", "/v1/auth/login", json=body)
    assert (r.status_code, r.json()["error"]) == (422, "invalid_request"), r.text
    assert "token" not in r.json() and r.json()["message"].startswith("device_id:")
    # No session was opened: the account's devices do not list it.
    db = world.server.data_dir / "server.sqlite3"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        devices = {
            str(row[0]).lower()
            for row in con.execute("SELECT device_id FROM tokens WHERE username = 'op3214'")
        }
        logins = con.execute(
            "SELECT count(*) FROM audit WHERE username = 'op3214' AND lower(device_id) = ?",
            (device.lower(),),
        ).fetchone()[0]
    finally:
        con.close()
    assert device.lower() not in devices and logins == 0
