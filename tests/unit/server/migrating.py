"""What the server's migration tests share: a database URL on SQLite and on
PostgreSQL (a scratch database, dropped after), and Alembic moved to a revision."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from sync.protocol import Mutation, MutationResult, Op
from sync.server.app import open_state
from sync.server.config import ServerConfig
from sync.server.db import database_url
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
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


#: Accounts of the election tests on a migrated database: KPU RI and a kab/kota.
RI = Actor("ri", Role.KPU_RI, "", "dev-ri")
KAB = Actor("op3214", Role.KABKOTA, "32.14", "dev-kab")


def push_election(
    url: str, actor: Actor, record_id: str, base: int, changes: dict[str, Any]
) -> str:
    mutation = Mutation(str(uuid.uuid4()), "election", record_id, "32.14", Op.UPSERT, base, {
        k: (None, v) for k, v in changes.items()
    })  # fmt: skip
    state = open_state(ServerConfig(database_url=url))
    try:
        result: MutationResult
        [result] = apply_batch(state.engine, state.config, actor, str(uuid.uuid4()), [mutation])
    finally:
        state.engine.dispose()
    """Push one change of election ``record_id`` (in 32.14) by ``actor`` through a
    fresh server state; its answer as ``"status CODE"``."""
    return f"{result.status.value} {result.code}".strip()
