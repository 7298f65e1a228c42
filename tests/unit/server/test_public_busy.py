"""A NIK check or objection that meets a busy database is answered ``503 busy`` with
``Retry-After``, as every other route answers it, never a 500."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine

from sync.server.app import create_app
from sync.server.config import ServerConfig
from sync.server.db import database_url, migrate
from sync.server.public import check
from sync.server.public.pages import public_of
from sync.server.schema import public_limits

FORM = b"nik=3214010101900001&birth_date=1990-01-01&pair_id=p"


@pytest.fixture
def locked_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The rate-limit counters in a file another connection holds locked, read without
    waiting: what a check meets when the lock outlives its wait."""
    engine, holder = _locked(tmp_path / "limits.sqlite3")
    monkeypatch.setattr(check, "limits_engine", lambda _engine: engine)
    yield engine
    holder.rollback()
    holder.close()
    engine.dispose()


def _locked(path: Path) -> tuple[Engine, sqlite3.Connection]:
    """An engine over a SQLite file another connection (returned) holds locked, which
    does not wait for the lock: a busy database, at once."""
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    public_limits.create(engine)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    return engine, holder


def _post(
    app: Any, path: str, query: bytes = b"", method: str = "POST"
) -> tuple[int, dict[bytes, bytes], bytes]:
    """POST ``FORM`` to ``path`` of ``app`` as the server would (ASGI, in process)."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query,
        "root_path": "", "client": ("203.0.113.9", 5000), "server": ("test", 80),
        "headers": [(b"content-type", b"application/x-www-form-urlencoded"),
                    (b"content-length", str(len(FORM)).encode())],
    }  # fmt: skip
    sent: list[dict[str, Any]] = []
    bodies = [{"type": "http.request", "body": FORM, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return bodies.pop(0) if bodies else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def run() -> None:
        try:
            await app(scope, receive, send)
        except Exception:  # noqa: BLE001 - the server would answer it 500
            sent.append({"type": "http.response.start", "status": 500, "headers": []})

    asyncio.run(run())
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), body


@pytest.mark.parametrize(
    ("path", "query"),
    [("/publik/cek", b""), ("/publik/cek", b"lang=en"), ("/publik/keberatan", b"")],
    ids=["fast-lane", "routed", "objection"],
)
def test_a_check_meeting_a_locked_database_is_answered_busy(
    tmp_path: Path, locked_limits: Engine, path: str, query: bytes
) -> None:
    # The check reads and counts over plain DB-API cursors (it costs a fifth): their
    # errors are the driver's (sqlite3, psycopg), not SQLAlchemy's, and went past
    # the handlers that answer a busy database 503, as a bare 500.
    url = database_url(tmp_path, None)
    migrate(url)
    app = create_app(ServerConfig(database_url=url))
    status, headers, body = _post(app, path, query)
    assert status == 503, body[:300]
    assert headers[b"retry-after"] == b"1"
    assert b"3214010101900001" not in body


def test_a_public_page_meeting_a_locked_database_is_answered_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every public page first reads the stamp (the figures' version and the audit head)
    # over a plain DB-API cursor: a busy database answered 500, and a page the fast lane
    # holds in its cache raised before any handler of the app (uvicorn's bare 500).
    url = database_url(tmp_path, None)
    migrate(url)
    app = create_app(ServerConfig(database_url=url))
    assert _post(app, "/publik/", method="GET")[0] == 200  # now in the fast lane's cache
    public = public_of(app.state)
    public.stamp_ttl = 0.0  # read the stamp again on each request
    engine, holder = _locked(tmp_path / "busy.sqlite3")
    monkeypatch.setattr(app.state.server, "engine", engine)
    try:
        for path, query in (
            ("/publik/", b""),
            ("/publik/", b"lang=en"),
            ("/publik/cek", b""),
            ("/publik/tidak-ada", b""),  # the public error page reads the stamp too
        ):
            status, headers, body = _post(app, path, query, method="GET")
            assert (status, headers.get(b"retry-after")) == (503, b"1"), (path, query, body)
    finally:
        holder.rollback()
        holder.close()
        engine.dispose()
