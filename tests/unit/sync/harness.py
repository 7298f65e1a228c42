"""Test harness: the real server app in-process, clients with their own databases.

:class:`AsgiTransport` calls the FastAPI app of ``sync.server.app`` through ASGI
(no socket), with injectable faults: ``"request"`` (the request never reaches
the server), ``"response"`` (the server applied it, the answer is lost) and
``"timeout"`` (the same, raised as :class:`~sync.transport.TimedOut`).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson
from sqlalchemy import select

from silon_desktop.config import Settings
from silon_desktop.storage.db import Database, open_database
from silon_desktop.storage.models import SYNCED_MODELS
from silon_desktop.storage.repository import Repository
from sync import credentials, signing
from sync.client import SyncEngine, SyncReport
from sync.client.api import ServerApi
from sync.protocol import ENTITIES, encode_value
from sync.transport import (
    EncodedBody,
    Offline,
    TimedOut,
    TransportStats,
    _Retryable,
    decode_answer,
)
from tests.fixtures import new_database

PASSWORD = "rahasia-uji-123"
SCOPE = "32.14"


class AsgiTransport:
    """The engine's transport, calling an ASGI app in this process."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.stats = TransportStats()
        self.token: str | None = None
        self.faults: list[str] = []
        self.sent: list[tuple[str, str, Any]] = []  # method, path, body (or query) of each
        self.offline = False
        self._loop = asyncio.new_event_loop()

    def set_token(self, token: str | None) -> None:
        self.token = token

    def close(self) -> None:
        self._loop.run_until_complete(self._loop.shutdown_default_executor())
        self._loop.close()

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        *,
        auth: bool = True,
        retry_timeouts: bool = True,
    ) -> Any:
        # Faults are aimed at the data calls (push, feed, snapshot): the key check that
        # opens every run (``SyncEngine._ensure_server_key``) does not take one.
        fault = self.faults.pop(0) if self.faults and path != "/v1/server-key" else ""
        if self.offline or fault == "request":
            raise Offline("injected: request lost")
        encoded = body if isinstance(body, EncodedBody) else None
        if encoded is not None:
            body = encoded.value
        self.sent.append((method, path, body if body is not None else dict(params or {})))
        raw = b"" if body is None else orjson.dumps(body)
        headers = [(b"content-type", b"application/json")]
        if encoded is not None:  # the bytes the HTTP transport would send
            raw = encoded.data
            if encoded.gzipped:
                headers.append((b"content-encoding", b"gzip"))
        if auth and self.token:
            headers.append((b"authorization", f"Bearer {self.token}".encode()))
        query = urlencode(dict(params or {}))
        status, out_headers, content = self._loop.run_until_complete(
            self._asgi(method, path, query, headers, raw)
        )
        self.stats.requests += 1
        self.stats.bytes_sent += len(raw)
        self.stats.bytes_received += len(content)
        if fault == "response":
            raise Offline("injected: answer lost")
        if fault == "timeout":  # applied by the server, answered too late
            raise TimedOut("injected: timeout")
        try:
            return decode_answer(
                status,
                out_headers.get("content-encoding", ""),
                out_headers.get("retry-after"),
                content,
                f"Bearer {self.token}" if auth and self.token else None,
            )
        except _Retryable as exc:
            raise Offline(f"HTTP {exc.status}", status=exc.status) from exc

    async def _asgi(
        self, method: str, path: str, query: str, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        pending = [{"type": "http.request", "body": body, "more_body": False}]
        status = 500
        out_headers: dict[str, str] = {}
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            if pending:
                return pending.pop(0)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                out_headers.update(
                    {k.decode().lower(): v.decode() for k, v in message.get("headers", [])}
                )
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, out_headers, b"".join(chunks)


@dataclass
class InProcessServer:
    app: Any
    config: Any
    url: str

    @property
    def engine(self) -> Any:
        return self.app.state.server.engine

    @property
    def public_key(self) -> str:
        return str(self.app.state.server.public_key)

    def sign_with_another_key(self, monkeypatch: Any) -> str:
        """The server now signs with another key (another server at the same address),
        and holds it (it proves it, as a real other server would). Returns its public key."""
        key = signing.generate_private_key()
        state = self.app.state.server
        monkeypatch.setattr(state, "key", key)
        monkeypatch.setattr(state, "public_key", signing.public_key_b64(key))
        monkeypatch.setattr(state, "key_id", signing.key_id(key))
        return self.public_key

    def add_user(self, username: str, role: str = "kabkota", region: str = SCOPE) -> None:
        from sync.server.accounts import add_user
        from sync.server.roles import Role

        add_user(self.engine, self.config, "test", username, PASSWORD, Role(role), region)

    def register_device_key(self, client: Client) -> None:
        """What a login with ``public_key`` does (template tokens were made without one)."""
        from sqlalchemy import update

        from sync.server.schema import device_keys

        key = credentials.device_key(client.settings.device_id, client.folder)
        with self.engine.begin() as conn:
            conn.execute(
                update(device_keys)
                .where(device_keys.c.device_id == client.settings.device_id)
                .values(public_key=signing.public_key_b64(key))
            )

    def records(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Live server records as {(entity, id): normalised fields}."""
        from sync.server.schema import records

        with self.engine.connect() as conn:
            rows = conn.execute(select(records).where(records.c.deleted.is_(False))).mappings()
            return {
                (r["entity"], r["id"]): normalise(r["entity"], json.loads(r["fields"]))
                for r in rows
            }

    def close(self) -> None:
        from sync.server.snapshot_builder import detach

        detach(self.engine)  # no snapshot build left reading a folder about to go
        self.engine.dispose()


def make_server(folder: Path) -> InProcessServer:
    from sync.server.app import create_app
    from sync.server.config import ServerConfig
    from sync.server.db import migrate

    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'server.db'}"
    migrate(url)
    config = ServerConfig(database_url=url)
    return InProcessServer(create_app(config), config, url)


#: Client name -> (user name, device id) of the accounts a template server has.
CLIENTS = {"a": ("op1", "dev-a"), "b": ("op2", "dev-b"), "c": ("op3", "dev-c")}


@dataclass
class ServerTemplate:
    """A migrated server database with accounts and tokens, copied per test (fast)."""

    folder: Path
    tokens: dict[str, str]

    def copy(self, folder: Path) -> InProcessServer:
        import shutil

        from sync.server.app import create_app
        from sync.server.config import ServerConfig

        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.folder / "server.db", folder / "server.db")
        url = f"sqlite:///{folder / 'server.db'}"
        config = ServerConfig(database_url=url)
        return InProcessServer(create_app(config), config, url)


def build_template(folder: Path) -> ServerTemplate:
    server = make_server(folder)
    tokens: dict[str, str] = {}
    for name, (user, device) in CLIENTS.items():
        server.add_user(user)
        transport = AsgiTransport(server.app)
        try:
            tokens[name] = ServerApi(transport).login(user, PASSWORD, device, None).token
        finally:
            transport.close()
    server.close()
    return ServerTemplate(folder, tokens)


def normalise(entity: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Wire fields with blanks (None, "", []) made one value, for comparisons.

    An election's ``made_by_kabkota`` is left out: the server sets it on create, and
    the computer that created the election keeps it unknown (None: the pushed record
    is not downloaded back), which its rights read the same (its own election:
    ``sync.protocol.election_field_refused``); the other computers get it from the feed
    or the snapshot (tests/unit/services/test_election_made_above.py,
    tests/unit/sync/test_snapshot.py)."""
    out: dict[str, Any] = {}
    for name in ENTITIES[entity].field_names:
        if name == "made_by_kabkota":
            continue
        value = fields.get(name)
        out[name] = None if value in (None, "", []) else value
    return out


@dataclass
class Client:
    name: str
    folder: Path
    server: InProcessServer
    username: str
    db: Database = field(init=False)
    transport: AsgiTransport = field(init=False)
    settings: Settings = field(init=False)
    token: str = ""

    def __post_init__(self) -> None:
        self.settings = Settings(
            server_url="inproc://server", username=self.username, device_id=f"dev-{self.name}"
        )
        self.open()

    def open(self) -> None:
        path = self.folder / "silon.db"
        if not path.exists():
            new_database(path)  # a copy of an empty one: faster than making it
        self.db = open_database(path)
        self.transport = AsgiTransport(self.server.app)
        if not self.token:
            key = credentials.device_key(self.settings.device_id, self.folder)
            answer = ServerApi(self.transport).login(
                self.username, PASSWORD, self.settings.device_id, signing.public_key_b64(key)
            )
            self.token = answer.token
        self.transport.set_token(self.token)

    def restart(self) -> None:
        """Close everything (as a process exit would) and open again."""
        self.close()
        self.open()

    def close(self) -> None:
        self.transport.close()
        self.db.close()

    @property
    def repo(self) -> Repository:
        return Repository(self.db, self.settings.device_id, self.username)

    def engine(self) -> SyncEngine:
        return SyncEngine(self.db, self.settings, self.transport)

    def sync(self) -> SyncReport:
        return self.engine().run()

    def records(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Live local records as {(entity, id): normalised wire fields}."""
        out: dict[tuple[str, str], dict[str, Any]] = {}
        with self.db.session(readonly=True) as session:
            for entity, model in SYNCED_MODELS.items():
                table = model.__table__  # type: ignore[attr-defined]
                for row in session.execute(
                    select(table).where(table.c.deleted.is_(False))
                ).mappings():
                    spec = ENTITIES[entity]
                    wire = {f.name: encode_value(f, row[f.name]) for f in spec.fields}
                    out[(entity, row["id"])] = normalise(entity, wire)
        return out


def seed_pair(client: Any, scope: str = SCOPE) -> str:
    """An election and a pair created by ``client`` and pushed; returns the pair id."""
    repo = client.repo
    election = repo.create(
        "election",
        {"name": "Pemilihan Bupati Uji", "kind": "bupati", "region_code": scope, "year": 2024},
        scope,
    )
    pair = repo.create(
        "pair",
        {"election_id": election, "number": 1, "route": "perseorangan", "head_name": "A"},
        scope,
    )
    report = client.sync()
    assert report.complete, report
    return pair


def seeded(make_client: Callable[..., Client], count: int) -> tuple[Client, str]:
    """Client ``a`` with a pair and ``count`` of its supporters, all pushed; returns
    ``(a, pair id)``."""
    a = make_client("a")
    pair = seed_pair(a)
    for n in range(count):
        a.repo.create("supporter", supporter_values(pair, n), SCOPE)
    assert a.sync().complete
    return a, pair


def supporter_values(pair_id: str, n: int) -> dict[str, Any]:
    return {
        "pair_id": pair_id,
        "nik": f"3214{n:012d}"[:16],
        "name": f"Pendukung {n}",
        "address": f"Jalan {n}",
    }


def new_id() -> str:
    return str(uuid.uuid4())
