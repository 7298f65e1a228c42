"""A fresh in-process server state on a temporary SQLite database."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sync.server.app import ServerState, open_state
from sync.server.config import ServerConfig
from sync.server.db import database_url, migrate


@contextmanager
def fresh_state() -> Iterator[ServerState]:
    """A migrated server database in a temporary folder and the state over it."""
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url(Path(tmp), None)
        migrate(url)
        server = open_state(ServerConfig(database_url=url))
        try:
            yield server
        finally:
            server.engine.dispose()
