"""A real server process with the small public-test election pushed over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.integration.server_process import ServerProcess
from tests.public_seed import Seed, seed

PASSWORD = "rahasia-uji-123"
#: Inside the support period of the seeded election (deadlines use the server clock).
NOW = "2024-05-06T03:00:00Z"


@dataclass
class PublicWorld:
    server: ServerProcess
    token: str  # the kabkota operator of 32.14
    seed: Seed

    def push(self, mutations: list[dict[str, Any]]) -> list[dict[str, Any]]:
        body = {"batch_id": str(uuid.uuid4()), "device_id": "test-device", "mutations": mutations}
        r = self.server.request("POST", "/v1/push", self.token, json=body)
        assert r.status_code == 200, r.text
        return list(r.json()["results"])

    def get(self, path: str, **kw: Any) -> Any:
        return self.server.request("GET", path, **kw)


def start_public_world(
    folder: Any, n_supporters: int = 12, env: dict[str, str] | None = None
) -> tuple[ServerProcess, PublicWorld]:
    server = ServerProcess.start(folder, env={"SILON_SERVER_NOW": NOW, **(env or {})})
    server.add_user("op3214", PASSWORD, role="kabkota", region="32.14")
    token = server.login("op3214", PASSWORD)
    s = seed(n_supporters)
    w = PublicWorld(server, token, s)
    results = w.push([m.to_wire() for m in s.mutations])
    assert {r["status"] for r in results} == {"applied"}
    return server, w


@pytest.fixture(scope="module")
def public_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PublicWorld]:
    server, w = start_public_world(tmp_path_factory.mktemp("public"))
    with server:
        yield w
