"""The services tests' shared fixture: the application's services over a fresh data folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from silon_desktop import paths
from silon_desktop.services import Services
from tests.gui.sample_data import open_backend


@pytest.fixture
def services(data_dir: Path) -> Iterator[Services]:
    """Services over a fresh data folder, closed after the test (``Database.close``
    also stops its checkpoint thread, which ``engine.dispose`` alone leaves running)."""
    s = open_backend(paths.resolve(data_dir).ensure())
    yield s
    s.db.close()
