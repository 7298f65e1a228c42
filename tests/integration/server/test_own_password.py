"""POST /v1/me/password on the real server process: an operator changes the password
of its own account over HTTP (the rules of a new account's password; the caller's
session stays, another ends; the new password logs in, the old does not)."""

from __future__ import annotations

from tests.integration.server.conftest import PASSWORD, World

PATH = "/v1/me/password"
NEW = "sandi-baru-3214"


def test_an_operator_changes_its_own_password_over_http(world: World) -> None:
    server, ri = world.server, world.clients["ri"]
    body = {"username": "pw3214", "password": PASSWORD, "role": "kabkota", "region": "32.14"}
    assert server.request("POST", "/v1/users", ri.token, json=body).status_code == 201
    mine = server.login("pw3214", PASSWORD, device_id="pc-kantor")
    other = server.login("pw3214", PASSWORD, device_id="pc-lain")

    weak = server.request(
        "POST", PATH, mine, json={"current_password": PASSWORD, "new_password": "pendek"}
    )
    assert (weak.status_code, weak.json()["error"]) == (422, "invalid_request"), weak.text
    assert "new_password" in weak.json()["message"]
    wrong = server.request(
        "POST", PATH, mine, json={"current_password": "bukan-sandinya", "new_password": NEW}
    )
    assert (wrong.status_code, wrong.json()["error"]) == (403, "wrong_password"), wrong.text
    assert server.request("GET", "/v1/me", other).status_code == 200  # nothing changed

    done = server.request(
        "POST", PATH, mine, json={"current_password": PASSWORD, "new_password": NEW}
    )
    assert done.status_code == 200, done.text
    assert done.json() == {"ok": True, "sessions_ended": 1}
    assert server.request("GET", "/v1/me", mine).json()["username"] == "pw3214"
    ended = server.request("GET", "/v1/me", other)
    assert (ended.status_code, ended.json()["error"]) == (401, "revoked")
    old = server.request(
        "POST",
        "/v1/auth/login",
        json={"username": "pw3214", "password": PASSWORD, "device_id": "pc-kantor"},
    )
    assert old.status_code == 401
    assert server.login("pw3214", NEW, device_id="pc-lain")
