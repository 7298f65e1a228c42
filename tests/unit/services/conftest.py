"""The services tests' shared fixtures: the application's services over a fresh data
folder; a server in this process with the account ``op1``, and a data folder for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from silon_desktop import paths
from silon_desktop.services import Services
from tests.fixtures import new_database
from tests.gui.sample_data import open_backend
from tests.unit.sync.harness import InProcessServer, make_server


@pytest.fixture
def services(data_dir: Path) -> Iterator[Services]:
    """Services over a fresh data folder, closed after the test (``Database.close``
    also stops its checkpoint thread, which ``engine.dispose`` alone leaves running)."""
    app_paths = paths.resolve(data_dir).ensure()
    new_database(app_paths.database)  # a copy of an empty one: faster than making it
    s = open_backend(app_paths)
    yield s
    s.db.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[InProcessServer]:
    """A server in this process with the account ``op1`` (password ``harness.PASSWORD``)."""
    srv = make_server(tmp_path / "server")
    srv.add_user("op1")
    yield srv
    srv.close()


@pytest.fixture
def folder(tmp_path: Path) -> paths.AppPaths:
    """An office PC's data folder, empty."""
    return paths.resolve(tmp_path / "kantor").ensure()
