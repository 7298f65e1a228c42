"""Fixtures of the local-store tests: a fresh database file per test (a copy of an
empty one, tests/fixtures.py new_database)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from silon_desktop.storage.db import Database, open_database
from tests.fixtures import new_database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(new_database(tmp_path / "silon.db"))
    yield database
    database.close()
