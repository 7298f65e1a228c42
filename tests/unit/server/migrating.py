"""What the server's migration tests share: a database URL on SQLite and on
PostgreSQL (a scratch database, dropped after), and Alembic moved to a revision."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from sync.server.db import database_url
from tests.postgres import scratch_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty server database: a SQLite file in a temporary folder, or a scratch
    PostgreSQL database on 127.0.0.1:5432."""
    if request.param == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield database_url(Path(tmp), None)
        return
    with scratch_database() as scratch:
        yield scratch


def alembic_to(url: str, revision: str, *, down: bool = False) -> None:
    """Upgrade (or with ``down``, downgrade) the database at ``url`` to ``revision``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("sync.server") / "migrations"))
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            (command.downgrade if down else command.upgrade)(cfg, revision)
            conn.commit()
    finally:
        engine.dispose()
