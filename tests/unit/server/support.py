"""A fresh in-process server state on a temporary SQLite database."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from sync.protocol import Mutation, Op
from sync.server.app import ServerState, open_state
from sync.server.config import ServerConfig
from sync.server.db import database_url, migrate

#: The kab/kota scope the server unit tests write in.
SCOPE = "32.14"


@contextmanager
def fresh_state(*, postgres: bool = False) -> Iterator[ServerState]:
    """A migrated server database in a temporary folder and the state over it; with
    ``postgres``, a scratch PostgreSQL database of its own (dropped after; the test is
    skipped where none can be reached)."""
    with ExitStack() as stack:
        if postgres:
            from tests.postgres import scratch_database

            url = database_url(None, stack.enter_context(scratch_database()))
        else:
            url = database_url(Path(stack.enter_context(tempfile.TemporaryDirectory())), None)
        migrate(url)
        server = open_state(ServerConfig(database_url=url))
        try:
            yield server
        finally:
            server.engine.dispose()


def create(entity: str, changes: dict[str, Any], scope: str = SCOPE) -> Mutation:
    """A create (upsert on base version 0) of a new record with ``changes``."""
    return Mutation(
        str(uuid.uuid4()),
        entity,
        str(uuid.uuid4()),
        scope,
        Op.UPSERT,
        0,
        {k: (None, v) for k, v in changes.items()},
    )
