"""Fixtures of the sync client integration tests: a real server process, HTTP clients."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from silon_desktop.config import Settings
from silon_desktop.domain.regions import RegionTable
from silon_desktop.storage.db import Database, open_database
from silon_desktop.storage.repository import Repository
from sync.client import SyncEngine
from sync.transport import HttpTransport, RetryPolicy
from tests.fixtures import new_database
from tests.integration.server_process import ServerProcess
from tests.unit.sync.harness import PASSWORD, SCOPE, normalise

#: Quick retries: the faults come fast on loopback, the test must not wait long.
FAST_RETRY = RetryPolicy(attempts=8, max_total_s=10.0, initial_s=0.01, max_wait_s=0.1)


@pytest.fixture
def fast_dir() -> Iterator[Path]:
    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(prefix="silon-int-", dir=shm if shm.is_dir() else None))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One real server process for the sync integration tests (each test has its own region)."""
    # Every test here logs in from 127.0.0.1, and several fail logins on purpose (the
    # revocation tests); the per-address limit (tested in tests/integration/server/
    # test_rules.py) would lock out the tests that follow them in this shared process.
    env = {"SILON_SOURCE_FAILURES": "100000"}
    with ServerProcess.start(tmp_path_factory.mktemp("sync-server"), env=env) as srv:
        srv.add_user("sync-admin", PASSWORD, role="kpu_ri", region="")
        srv.admin_token = srv.login("sync-admin", PASSWORD, device_id="admin")  # type: ignore[attr-defined]
        yield srv


def _kabkota_codes() -> Iterator[str]:
    """Real kabupaten codes (not kota: the tests' elections are bupati elections) of
    provinces 51 and up, in order: the desktop's importer knows only real regions; tests
    elsewhere use the lower provinces."""
    table = RegionTable()
    for p in range(51, 99):
        for k in range(1, 70):
            if (code := f"{p}.{k:02d}") in table:
                yield code


_regions = _kabkota_codes()


@pytest.fixture
def region(server: ServerProcess) -> str:
    """A kab/kota of this test alone: data of other tests stays out of its feeds."""
    return next(_regions)


def add_user(server: ServerProcess, username: str, region: str) -> None:
    r = server.request(
        "POST",
        "/v1/users",
        token=server.admin_token,  # type: ignore[attr-defined]
        json={"username": username, "password": PASSWORD, "role": "kabkota", "region": region},
    )
    assert r.status_code == 201, r.text


@dataclass
class HttpClient:
    folder: Path
    url: str
    username: str
    token: str
    read_timeout_s: float = 5.0
    db: Database = field(init=False)
    transport: HttpTransport = field(init=False)
    settings: Settings = field(init=False)

    def __post_init__(self) -> None:
        self.settings = Settings(
            server_url=self.url, username=self.username, device_id=f"dev-{self.folder.name}"
        )
        path = self.folder / "silon.db"
        if not path.exists():
            new_database(path)  # a copy of an empty one: faster than making it
        self.db = open_database(path)
        self.transport = HttpTransport(
            self.url, token=self.token, read_timeout_s=self.read_timeout_s, retry=FAST_RETRY
        )

    @property
    def repo(self) -> Repository:
        return Repository(self.db, self.settings.device_id, self.username)

    def engine(self, **kw: Any) -> SyncEngine:
        return SyncEngine(self.db, self.settings, self.transport, **kw)

    def records(self) -> dict[tuple[str, str], dict[str, Any]]:
        from tests.unit.sync.harness import Client

        return Client.records(self)  # type: ignore[arg-type]

    def sync(self) -> Any:
        return self.engine().run()

    def restart(self) -> None:
        """Close database and connections, as a process exit would, and open again."""
        self.close()
        self.db = open_database(self.folder / "silon.db")
        self.transport = HttpTransport(
            self.url, token=self.token, read_timeout_s=self.read_timeout_s, retry=FAST_RETRY
        )

    def close(self) -> None:
        self.transport.close()
        self.db.close()


@pytest.fixture
def http_client(
    fast_dir: Path, server: ServerProcess, region: str
) -> Iterator[Callable[..., HttpClient]]:
    """``make(name, url=None, **kw)``: a client logged in as a new user of the test's region."""
    made: list[HttpClient] = []

    def make(name: str, url: str | None = None, **kw: Any) -> HttpClient:
        username = f"u{region.replace('.', '')}{name}"
        add_user(server, username, region)
        token = server.login(username, PASSWORD, device_id=f"dev-{username}")
        client = HttpClient(fast_dir / name, url or server.url, username, token, **kw)
        client.settings.device_id = f"dev-{username}"
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def server_feed(server: ServerProcess, token: str) -> list[dict[str, Any]]:
    """Every record of the server's feed, read page by page on a clean connection."""
    from sync.protocol import decode_feed_page

    out: list[dict[str, Any]] = []
    cursor = 0
    while True:
        r = server.request("GET", f"/v1/feed?after={cursor}&limit=1000", token=token)
        assert r.status_code == 200, r.text
        page = decode_feed_page(r.json())
        out += [
            {
                "entity": rec.entity,
                "id": rec.id,
                "version": rec.version,
                "deleted": rec.deleted,
                "fields": normalise(rec.entity, rec.fields) if not rec.deleted else None,
            }
            for rec in page.records
        ]
        cursor = int(page.cursor)
        if not page.has_more:
            return out


def live(feed: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["entity"], r["id"]): r["fields"] for r in feed if not r["deleted"]}


__all__ = ["SCOPE", "HttpClient", "live", "server_feed"]
