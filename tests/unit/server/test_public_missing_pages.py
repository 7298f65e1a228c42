"""A public page that does not exist costs a key lookup, never a read of every public table."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sync.server.app import create_app
from sync.server.config import Clock, ServerConfig
from sync.server.db import database_url, migrate
from sync.server.public.pages import Public
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from tests.public_seed import Seed, seed

ADMIN = Actor("admin", Role.KPU_RI, "", "test")


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Seed, list[int]]]:
    url = database_url(tmp_path, None)
    migrate(url)
    app = create_app(ServerConfig(database_url=url))
    state = app.state.server
    state.config.clock = Clock(dt.datetime(2024, 5, 6, tzinfo=dt.UTC))
    s = seed(3)
    apply_batch(state.engine, state.config, ADMIN, "seed", s.mutations)
    loads: list[int] = []
    whole = Public.data

    def data(self: Public) -> Any:
        loads.append(1)
        return whole(self)

    monkeypatch.setattr(Public, "data", data)
    try:
        yield app, s, loads
    finally:
        state.engine.dispose()


def asgi_get(app: Any, path: str) -> tuple[int, bytes]:
    """``(status, body)`` of a GET of ``path`` sent to the app in process."""
    sent: list[Any] = []
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
             "query_string": b"", "headers": [], "client": ("192.0.2.1", 1),
             "server": ("test", 80), "scheme": "http", "http_version": "1.1",
             "root_path": "", "app": app}  # fmt: skip

    async def receive() -> Any:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return int(sent[0]["status"]), body


def _get(app: Any, path: str) -> int:
    return asgi_get(app, path)[0]


def test_unknown_pairs_and_elections_never_load_the_public_tables(
    world: tuple[Any, Seed, list[int]],
) -> None:
    # Each unknown id is a page not cached: it was built, reading every public record,
    # figure and objection count (a full load per request, for anyone to ask at will).
    app, s, loads = world
    for i in range(3):
        assert _get(app, f"/publik/pasangan/tidak-ada-{i}") == 404
        assert _get(app, f"/publik/pemilihan/tidak-ada-{i}") == 404
    assert _get(app, f"/publik/pasangan/{s.election_id}") == 404  # an election, not a pair
    assert _get(app, "/publik/pasangan/\x00") == 404  # a NUL PostgreSQL refuses
    assert loads == []
    assert _get(app, f"/publik/pasangan/{s.independent_id}") == 200
    assert _get(app, f"/publik/pemilihan/{s.election_id}") == 200
    assert len(loads) == 2
