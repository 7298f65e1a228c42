"""The server unit tests' shared fixture: a fresh migrated server database per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sync.server.state import ServerState
from tests.unit.server.support import fresh_state


@pytest.fixture
def state() -> Iterator[ServerState]:
    """A migrated SQLite server database in a temporary folder and the state over it
    (a test module may define its own ``state``: another scope, clock or database)."""
    with fresh_state() as server:
        yield server
