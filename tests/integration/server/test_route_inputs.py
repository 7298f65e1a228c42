"""Every HTTP route of the real server, by level: it asks for a session where it should,
and answers malformed input (wrong JSON types, unknown fields, non-UTF-8, a huge or
deeply nested body, bad ids, negative or oversized cursors) with a 4xx error body,
never a 5xx, whichever level's account sends it.

The route list is the served OpenAPI document's: a new route fails
:func:`test_the_list_below_is_every_route_the_server_documents` until it is listed
here, and so gets these checks.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.integration.server.conftest import World

#: (method, path template) -> (a path to call, whether it needs a session).
ROUTES: dict[tuple[str, str], tuple[str, bool]] = {
    ("GET", "/v1/health"): ("/v1/health", False),
    ("GET", "/v1/server-key"): ("/v1/server-key", False),
    ("POST", "/v1/auth/login"): ("/v1/auth/login", False),
    ("POST", "/v1/auth/logout"): ("/v1/auth/logout", True),
    ("GET", "/v1/me"): ("/v1/me", True),
    ("POST", "/v1/me/password"): ("/v1/me/password", True),
    ("POST", "/v1/push"): ("/v1/push", True),
    ("GET", "/v1/feed"): ("/v1/feed", True),
    ("GET", "/v1/records/{entity}/{record_id}"): (
        "/v1/records/supporter/00000000-0000-4000-8000-000000000000",
        True,
    ),
    ("GET", "/v1/conflicts"): ("/v1/conflicts", True),
    ("GET", "/v1/objections"): ("/v1/objections", True),
    ("GET", "/v1/users"): ("/v1/users", True),
    ("POST", "/v1/users"): ("/v1/users", True),
    ("PATCH", "/v1/users/{username}"): ("/v1/users/op3214", True),
    ("POST", "/v1/users/{username}/unlock"): ("/v1/users/op3214/unlock", True),
    ("POST", "/v1/bundles"): ("/v1/bundles", True),
    ("GET", "/v1/checks"): ("/v1/checks", True),
    ("GET", "/v1/snapshot"): ("/v1/snapshot", True),
    ("GET", "/v1/snapshot/{snapshot_id}/{part}"): ("/v1/snapshot/abc/0", True),
}

#: One account of each level (tests/integration/server/conftest.py USERS).
LEVELS = ("ri", "prov32", "op3214", "op3215", "bawaslu3214")

#: Routes that take a JSON body. Logout takes none (sent one, it would end the session).
BODY_ROUTES = [k for k in ROUTES if k[0] in ("POST", "PATCH") and "logout" not in k[1]]
BODY_ROUTES = [k for k in BODY_ROUTES if not k[1].endswith("/unlock")]

#: Bodies no route accepts: none of them is a valid login, push, account or bundle.
BAD_BODIES: dict[str, bytes] = {
    "empty": b"",
    "cut": b'{"username": "x", ',
    "array": b"[]",
    "null": b"null",
    "string": b'"x"',
    "number": b"12",
    "not utf-8": b'{"username": "\xff\xfe", "password": "\xc3\x28"}',
    "utf-16": '{"username": "x"}'.encode("utf-16"),
    "lone surrogate": b'{"username": "\\ud800", "password": "\\udfff"}',
    "nul": b'{"username": "\\u0000", "region": "\\u0000"}',
    "unknown field": b'{"zzz": 1}',
    "wrong types": (
        b'{"username": 5, "password": [], "role": {}, "region": 1.5, "active": "yes",'
        b' "device_id": false, "batch_id": 7, "mutations": "x", "bundle": 3}'
    ),
    "negative numbers": (
        b'{"batch_id": "b1", "device_id": "d", "mutations": [{"id": "m", "entity": "pair",'
        b' "record_id": "r", "scope": "32.14", "op": "upsert", "base_version": -1,'
        b' "changes": {}}]}'
    ),
    "huge number": b'{"batch_id": "b1", "device_id": "d", "mutations": [], "x": 1'
    + b"0" * 400
    + b"}",
    "deep": b"[" * 100_000,
    "huge": b'{"username": "' + b"x" * (2 * 1024 * 1024) + b'"}',
}

#: (a route with query parameters, a bad query): a negative, non-numeric or oversized
#: cursor or limit, a bad id, an unknown choice, bytes that are not UTF-8.
BAD_QUERIES: list[tuple[tuple[str, str], str]] = [
    (route, query)
    for route, queries in {
        ("GET", "/v1/feed"): [
            "after=-1",
            "after=abc",
            "after=" + "9" * 40,
            "limit=0",
            "limit=-5",
            "limit=" + "9" * 40,
            "layout=bogus",
            "skip_own=" + "x" * 65,
            "after=%ff%fe",
        ],
        ("GET", "/v1/conflicts"): [
            "after=-1",
            "after=1.5",
            "after=" + "9" * 40,
            "limit=0",
            "limit=100000",
            "record_id=%ff",
            "record_id=a%00b",
            "record_id=" + "a" * 65,
        ],
        ("GET", "/v1/objections"): [
            "record_id=",
            "record_id=%ff",
            "record_id=a%00b",
            "record_id=" + "a" * 65,
            "record=00000000-0000-4000-8000-000000000000",  # the id is required
        ],
        ("GET", "/v1/checks"): [
            "after=%ff",
            "after=a%20b",
            "after=" + "a" * 65,
            "limit=-1",
            "limit=abc",
            "disagree=maybe",
        ],
        ("GET", "/v1/snapshot"): ["layout=bogus", "layout=%ff"],
        ("GET", "/v1/server-key"): [
            "nonce=short",
            "nonce=" + "a" * 65,
            "nonce=%ff%fe%ff%fe%ff%fe%ff%fe%ff%fe",
            "nonce=" + "a%00" * 8,
        ],
        ("POST", "/v1/push"): ["run=" + "x" * 65],
    }.items()
    for query in queries
]

#: Paths with a bad id in them, for each route that takes one.
BAD_PATHS: list[tuple[str, str]] = [
    ("GET", "/v1/records/supporter/not%20an%20id"),
    ("GET", "/v1/records/supporter/%ff%fe"),
    ("GET", "/v1/records/supporter/" + "a" * 65),
    ("GET", "/v1/records/no-such-entity/00000000-0000-4000-8000-000000000000"),
    ("GET", "/v1/records/" + "e" * 40 + "/x"),
    ("PATCH", "/v1/users/" + "u" * 65),
    ("PATCH", "/v1/users/a%00b"),
    ("POST", "/v1/users/%ff%fe/unlock"),
    ("POST", "/v1/users/" + "u" * 65 + "/unlock"),
    ("GET", "/v1/snapshot/abc/-1"),
    ("GET", "/v1/snapshot/abc/x"),
    ("GET", "/v1/snapshot/abc/" + "9" * 40),
    ("GET", "/v1/snapshot/a%20b/0"),
    ("GET", "/v1/snapshot/" + "a" * 65 + "/0"),
]


def _call(
    world: World,
    method: str,
    path: str,
    token: str | None,
    body: bytes | None = None,
) -> requests.Response:
    headers = {"Content-Type": "application/json", "X-Forwarded-For": "198.51.100.77"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(method, world.server.url + path, data=body, headers=headers, timeout=60)


def _refused(r: requests.Response) -> str | None:
    """Why ``r`` is not a 4xx answer with the error body, or None when it is."""
    if not 400 <= r.status_code < 500:
        return f"{r.status_code}: {r.text[:200]}"
    try:
        body: Any = r.json()
    except ValueError:
        return f"{r.status_code} without a JSON body: {r.text[:200]}"
    if not isinstance(body, dict) or not body.get("error"):
        return f"{r.status_code} without an error code: {r.text[:200]}"
    return None


def test_the_list_below_is_every_route_the_server_documents(world: World) -> None:
    spec = requests.get(world.server.url + "/openapi.json", timeout=30).json()
    served = {(m.upper(), path) for path, ops in spec["paths"].items() for m in ops}
    assert served == set(ROUTES)


@pytest.mark.parametrize("route", [k for k, (_p, auth) in ROUTES.items() if auth], ids=" ".join)
def test_a_route_that_needs_a_session_refuses_a_call_without_a_valid_one(
    world: World, route: tuple[str, str]
) -> None:
    method, _template = route
    path = ROUTES[route][0]
    for token in (None, "", "not-a-token", "x" * 5000):
        r = _call(world, method, path, token or None, b"{}" if method != "GET" else None)
        assert r.status_code == 401, (token[:10] if token else token, r.text)
        assert r.json()["error"] == "unauthenticated"
    # A header that is not text at all.
    r = requests.request(
        method,
        world.server.url + path,
        headers={"Authorization": b"Bearer \xff\xfe"},
        timeout=60,
    )
    assert r.status_code == 401, r.text


@pytest.mark.parametrize("route", BODY_ROUTES, ids=" ".join)
def test_a_malformed_body_is_answered_4xx_at_every_level(
    world: World, route: tuple[str, str]
) -> None:
    method, _template = route
    path = ROUTES[route][0]
    callers: list[str | None] = [None, *LEVELS]
    failures = []
    for name in callers:
        token = world.clients[name].token if name else None
        for label, body in BAD_BODIES.items():
            why = _refused(_call(world, method, path, token, body))
            if why is not None:
                failures.append(f"{name or 'anonymous'} {label}: {why}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(("route", "query"), BAD_QUERIES, ids=lambda v: str(v)[:40])
def test_a_bad_query_is_answered_422_at_every_level(
    world: World, route: tuple[str, str], query: str
) -> None:
    method, _template = route
    path = ROUTES[route][0]
    for name in LEVELS:
        body = b'{"batch_id": "b", "device_id": "d", "mutations": []}' if method == "POST" else None
        r = _call(world, method, f"{path}?{query}", world.clients[name].token, body)
        assert r.status_code == 422, (name, r.text[:300])
        assert r.json()["error"] == "invalid_request", (name, r.text[:300])


@pytest.mark.parametrize(("method", "path"), BAD_PATHS, ids=lambda v: str(v)[:40])
def test_a_bad_id_in_the_path_is_answered_4xx_at_every_level(
    world: World, method: str, path: str
) -> None:
    for name in LEVELS:
        body = b'{"zzz": 1}' if method == "PATCH" else None
        why = _refused(_call(world, method, path, world.clients[name].token, body))
        assert why is None, (name, why)
