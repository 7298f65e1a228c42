"""The services tests' shared fixture: the application's services over a fresh data folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from silon_desktop import paths
from silon_desktop.services import Services
from tests.fixtures import new_database
from tests.gui.sample_data import open_backend


@pytest.fixture
def services(data_dir: Path) -> Iterator[Services]:
    """Services over a fresh data folder, closed after the test (``Database.close``
    also stops its checkpoint thread, which ``engine.dispose`` alone leaves running)."""
    app_paths = paths.resolve(data_dir).ensure()
    new_database(app_paths.database)  # a copy of an empty one: faster than making it
    s = open_backend(app_paths)
    yield s
    s.db.close()
