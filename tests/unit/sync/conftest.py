"""Fixtures of the sync client tests: an in-process server and clients.

Databases live on /dev/shm when the machine has it: SQLite's synchronous=FULL
commits cost an fsync each on a disk, nothing on tmpfs, and these tests commit a lot.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.unit.sync.harness import (
    CLIENTS,
    Client,
    InProcessServer,
    ServerTemplate,
    build_template,
)


def _fast_dir() -> Path:
    shm = Path("/dev/shm")
    return Path(tempfile.mkdtemp(prefix="silon-sync-", dir=shm if shm.is_dir() else None))


@pytest.fixture(scope="session")
def server_template() -> Iterator[ServerTemplate]:
    folder = _fast_dir()
    yield build_template(folder / "template")
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def fast_dir() -> Iterator[Path]:
    folder = _fast_dir()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def server(server_template: ServerTemplate, fast_dir: Path) -> Iterator[InProcessServer]:
    srv = server_template.copy(fast_dir / "server")
    yield srv
    srv.close()


@pytest.fixture
def make_client(
    fast_dir: Path, server: InProcessServer, server_template: ServerTemplate
) -> Iterator[Callable[..., Client]]:
    clients: list[Client] = []

    def make(name: str) -> Client:
        user, _device = CLIENTS[name]
        client = Client(name, fast_dir / name, server, user, token=server_template.tokens[name])
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
