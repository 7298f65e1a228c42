"""Fixtures: real server processes on 127.0.0.1 with accounts and a seeded election."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.integration.server_process import ServerProcess

PASSWORD = "rahasia-uji-123"
USERS = {
    "ri": ("kpu_ri", ""),
    "op3214": ("kabkota", "32.14"),
    "op3215": ("kabkota", "32.15"),
    "prov32": ("province", "32"),
    "bawaslu3214": ("bawaslu", "32.14"),
}


def governor_election(province: str = "32") -> tuple[dict[str, Any], dict[str, Any]]:
    """Wire creates of a governor election of ``province`` (DPT 1,000) and its
    independent pair number 1, made by the province."""
    election = mutation(
        "election",
        {"name": "Pilgub Jabar", "kind": "gubernur", "region_code": province, "dpt": 1000},
        scope=province,
    )
    pair = mutation(
        "pair",
        {"election_id": election["record_id"], "number": 1, "route": "perseorangan"},
        scope=province,
    )
    return election, pair


def mutation(
    entity: str,
    changes: dict[str, Any],
    *,
    scope: str = "32.14",
    record_id: str | None = None,
    base_version: int = 0,
    op: str = "upsert",
    olds: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A wire mutation; ``olds`` gives base values of changed fields (default None)."""
    olds = olds or {}
    return {
        "id": str(uuid.uuid4()),
        "entity": entity,
        "record_id": record_id or str(uuid.uuid4()),
        "scope": scope,
        "op": op,
        "base_version": base_version,
        "changes": {k: [olds.get(k), v] for k, v in changes.items()},
    }


@dataclass
class Client:
    """One logged-in account talking to the server over HTTP."""

    server: ServerProcess
    username: str
    token: str
    device_id: str = "test-device"
    batches: list[str] = field(default_factory=list)

    def push(self, *mutations: dict[str, Any], batch_id: str | None = None) -> requests.Response:
        batch_id = batch_id or str(uuid.uuid4())
        body = {"batch_id": batch_id, "device_id": self.device_id, "mutations": list(mutations)}
        return self.server.request("POST", "/v1/push", self.token, json=body)

    def push_ok(self, *mutations: dict[str, Any]) -> list[dict[str, Any]]:
        r = self.push(*mutations)
        assert r.status_code == 200, r.text
        return list(r.json()["results"])

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.server.request("GET", path, self.token, params=params)

    def feed_all(self, after: int = 0, limit: int = 500) -> list[dict[str, Any]]:
        """Every record of the caller's feed as plain dicts (decoded from pages)."""
        from sync.protocol import decode_feed_page

        out: list[dict[str, Any]] = []
        cursor = str(after)
        while True:
            r = self.get("/v1/feed", after=cursor, limit=limit)
            assert r.status_code == 200, r.text
            page = decode_feed_page(r.json())
            out.extend(rec.to_wire() for rec in page.records)
            cursor = page.cursor
            if not page.has_more:
                return out


@dataclass
class World:
    server: ServerProcess
    clients: dict[str, Client]
    #: scope -> (election id, [pair ids])
    elections: dict[str, tuple[str, list[str]]]

    def client(self, name: str, device_id: str = "test-device") -> Client:
        if device_id == "test-device":
            return self.clients[name]
        token = self.server.login(name, PASSWORD, device_id=device_id)
        return Client(self.server, name, token, device_id)


def seed_election(ri: Client, scope: str, support_end: str = "2099-12-31") -> tuple[str, list[str]]:
    election = mutation(
        "election",
        {
            "name": f"Pemilihan {scope}",
            "kind": "bupati",
            "region_code": scope,
            "support_end": support_end,
        },
        scope=scope,
    )
    pairs = [
        mutation(
            "pair",
            {"election_id": election["record_id"], "number": n, "route": "perseorangan"},
            scope=scope,
        )
        for n in (1, 2)
    ]
    results = ri.push_ok(election, *pairs)
    assert [r["status"] for r in results] == ["applied"] * 3
    return election["record_id"], [p["record_id"] for p in pairs]


def _start_world(folder: Path, env: dict[str, str] | None = None) -> tuple[ServerProcess, World]:
    server = ServerProcess.start(folder, env=env)
    server.add_user("ri", PASSWORD, role="kpu_ri", region="")
    ri_token = server.login("ri", PASSWORD)
    for name, (role, region) in USERS.items():
        if name != "ri":
            body = {"username": name, "password": PASSWORD, "role": role, "region": region}
            r = server.request("POST", "/v1/users", ri_token, json=body)
            assert r.status_code == 201, r.text
    clients = {name: Client(server, name, server.login(name, PASSWORD)) for name in USERS}
    elections = {s: seed_election(clients["ri"], s) for s in ("32.14", "32.15")}
    return server, World(server, clients, elections)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One server for the whole session (tests use distinct records): users of USERS logged in, an election with two pairs
    in 32.14 and in 32.15."""
    server, w = _start_world(tmp_path_factory.mktemp("server"))
    with server:
        yield w
