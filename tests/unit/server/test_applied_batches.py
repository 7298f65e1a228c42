"""Revision 0011: a push's batch id and username stored once (``applied_batches``), each
applied mutation pointing at it by an integer (issue 19: about 45 bytes a mutation);
repeats are answered as before, and the revision goes up and down with data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from sync.protocol import Mutation, MutationResult, ResultStatus
from sync.server.app import ServerState, open_state
from sync.server.config import ServerConfig
from sync.server.db import migrate
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from tests.unit.server.migrating import alembic_to
from tests.unit.server.migrating import url as url  # noqa: F401 (fixture)
from tests.unit.server.support import SCOPE, create

OPERATOR = Actor("op3214", Role.KABKOTA, SCOPE, "laptop-1")
OTHER = Actor("op3215", Role.KABKOTA, SCOPE, "laptop-2")


def _query(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(sql)]
    finally:
        engine.dispose()


def _push(url: str, actor: Actor, batch_id: str, batch: list[Mutation]) -> list[MutationResult]:
    state: ServerState = open_state(ServerConfig(database_url=url))
    try:
        return apply_batch(state.engine, state.config, actor, batch_id, batch)
    finally:
        state.engine.dispose()


def _world() -> tuple[list[Mutation], list[Mutation]]:
    election = create("election", {"name": "Pilbup", "kind": "bupati", "region_code": SCOPE})
    pair = create("pair", {"election_id": election.record_id, "number": 1})
    again = create("pair", {"election_id": election.record_id, "number": 2})
    return [election, pair], [again]


_BY_MUTATION = (
    "SELECT m.mutation_id, b.batch_id, b.username, m.record_id, m.result, m.applied_at"
    " FROM applied_mutations AS m JOIN applied_batches AS b ON b.id = m.batch"
    " ORDER BY m.mutation_id"
)
_OLD = (
    "SELECT mutation_id, batch_id, username, record_id, result, applied_at"
    " FROM applied_mutations ORDER BY mutation_id"
)


def test_batch_once_repeats_answered_and_down_and_up_with_data(url: str) -> None:
    migrate(url)
    first, second = _world()
    answered = _push(url, OPERATOR, "b1", first)
    assert all(r.status is ResultStatus.APPLIED for r in answered)
    assert _push(url, OTHER, "b2", second)[0].status is ResultStatus.APPLIED
    # one row per push, each mutation pointing at its own
    assert sorted(_query(url, "SELECT batch_id, username FROM applied_batches")) == [
        ("b1", "op3214"),
        ("b2", "op3215"),
    ]
    rows = _query(url, _BY_MUTATION)
    assert sorted((r[0], r[1], r[2]) for r in rows) == sorted(
        [(m.id, "b1", "op3214") for m in first] + [(m.id, "b2", "op3215") for m in second]
    )
    assert _push(url, OPERATOR, "b1", first) == answered

    alembic_to(url, "0010", down=True)
    assert _query(url, _OLD) == rows
    assert _query(url, "SELECT count(*) FROM applied_mutations")[0][0] == 3

    migrate(url)
    assert _query(url, _BY_MUTATION) == rows
    assert _push(url, OPERATOR, "b1", first) == answered
