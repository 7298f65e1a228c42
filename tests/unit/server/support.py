"""A fresh in-process server state on a temporary SQLite database."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from sync.protocol import Mutation, Op
from sync.server.app import ServerState, open_state
from sync.server.config import ServerConfig
from sync.server.db import SQLITE_NAME, database_url, migrate

#: The kab/kota scope the server unit tests write in.
SCOPE = "32.14"


#: The folder of the template made by :func:`_migrated_sqlite` (one per test process).
_TEMPLATE: list[tempfile.TemporaryDirectory[str]] = []


def _migrated_sqlite() -> Path:
    """An empty SQLite server database at the newest revision, migrated once per test
    process and copied by every :func:`fresh_state`: the Alembic chain from scratch
    took 0.1 s idle (0.7 s on the loaded CI machine) in each of ~95 tests, and what
    it gives is the same file every time. The migrations themselves are tested on
    their own (migrating.py and the tests that use it, test_cli.py), and each state
    still makes its own server identity: :func:`open_state` runs on the copy."""
    if not _TEMPLATE:
        _TEMPLATE.append(tempfile.TemporaryDirectory(prefix="silon-server-template-"))
        migrate(database_url(Path(_TEMPLATE[0].name), None))
    return Path(_TEMPLATE[0].name) / SQLITE_NAME


def migrated(url: str) -> str:
    """Bring the empty server database at ``url`` to the newest revision, as
    :func:`~sync.server.db.migrate` does, and return ``url``: a SQLite file (which
    must not exist yet) is a copy of the process's migrated template, a PostgreSQL
    database is migrated. For tests whose subject is not the migrations."""
    if not url.startswith("sqlite"):
        migrate(url)
        return url
    path = Path(make_url(url).database or "")
    if path.exists():
        raise FileExistsError(path)
    shutil.copy(_migrated_sqlite(), path)
    return url


@contextmanager
def fresh_state(*, postgres: bool = False) -> Iterator[ServerState]:
    """A migrated server database in a temporary folder and the state over it; with
    ``postgres``, a scratch PostgreSQL database of its own (dropped after; the test is
    skipped where none can be reached)."""
    with ExitStack() as stack:
        if postgres:
            from tests.postgres import scratch_database

            url = database_url(None, stack.enter_context(scratch_database()))
            migrate(url)
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            url = database_url(folder, None)
            shutil.copy(_migrated_sqlite(), folder / SQLITE_NAME)
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
