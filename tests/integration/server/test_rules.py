"""Issue #16 on a real server process: the server enforces the protocol's rules,
not only the types of values (error shapes, parent kinds, deadlines, write rights,
value domains, accounts, bundles, levels)."""

from __future__ import annotations

import pytest

from tests.integration.server.conftest import World

# --- one error body shape ------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/v1/no-such-route", 404, "not_found"),
        ("GET", "/", 404, "not_found"),
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
