"""Revision 0012: ``records.origin`` stored as the 8 bytes of its digest (issue 19); the
feed still leaves out the caller's own rows of its run, and the revision goes up and
down with data (every stored origin made empty, the records and indexes kept)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from sync.protocol import Mutation, ResultStatus
from sync.server.app import open_state
from sync.server.batch import origin_of
from sync.server.config import ServerConfig
from sync.server.db import migrate
from sync.server.feed import read_feed
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from tests.unit.server.migrating import alembic_to
from tests.unit.server.migrating import url as url  # noqa: F401 (fixture)
from tests.unit.server.support import SCOPE, create

OPERATOR = Actor("op3214", Role.KABKOTA, SCOPE, "laptop-1")
OTHER = Actor("op3215", Role.KABKOTA, SCOPE, "laptop-2")


def _rows(url: str) -> list[tuple[Any, ...]]:
    """Each record as stored (no type conversion), origin last."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [
                tuple(r)
                for r in conn.exec_driver_sql(
                    "SELECT id, entity, scope, version, deleted, seq, fields, updated_at, area,"
                    " origin FROM records ORDER BY seq"
                )
            ]
    finally:
        engine.dispose()


def _indexes(url: str) -> list[tuple[str, bool]]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        return sorted(
            (str(i["name"]), bool(i["unique"])) for i in inspect(engine).get_indexes("records")
        )
    finally:
        engine.dispose()


def _push_and_feed(url: str, run: str) -> tuple[list[Mutation], list[str]]:
    """A push by OPERATOR in ``run`` and one by OTHER; the record ids OPERATOR's feed
    asked with ``skip_own=run`` gives."""
    election = create("election", {"name": f"Pilbup {run}", "kind": "bupati", "region_code": SCOPE})
    pair = create("pair", {"election_id": election.record_id, "number": 1})
    state = open_state(ServerConfig(database_url=url))
    try:
        origin = origin_of(OPERATOR, run)
        mine = apply_batch(
            state.engine, state.config, OPERATOR, f"b-{run}", [election], origin=origin
        )
        theirs = apply_batch(
            state.engine, state.config, OTHER, f"o-{run}", [pair], origin=origin_of(OTHER, run)
        )
        assert [r.status for r in mine + theirs] == [ResultStatus.APPLIED] * 2
        page = read_feed(state.engine, OPERATOR, 0, 100, "now", skip_own=run)
        return [election, pair], [r.id for r in page.records]
    finally:
        state.engine.dispose()


def test_origin_as_bytes_feed_skips_own_and_down_and_up_with_data(url: str) -> None:
    assert len(origin_of(OPERATOR, "run-1")) == 16
    assert origin_of(OPERATOR, "run-1") != origin_of(OTHER, "run-1")
    assert origin_of(OPERATOR, "") == ""

    migrate(url)
    indexes = _indexes(url)
    (election, pair), seen = _push_and_feed(url, "run-1")
    assert election.record_id not in seen and pair.record_id in seen
    stored = _rows(url)
    assert bytes(stored[0][-1]) == bytes.fromhex(origin_of(OPERATOR, "run-1"))
    assert len(bytes(stored[0][-1])) == 8

    alembic_to(url, "0011", down=True)
    as_text = _rows(url)
    assert [r[:-1] for r in as_text] == [r[:-1] for r in stored]
    assert [r[-1] for r in as_text] == ["", ""]
    assert _indexes(url) == indexes

    migrate(url)
    again = _rows(url)
    assert [r[:-1] for r in again] == [r[:-1] for r in stored]
    assert [bytes(r[-1]) for r in again] == [b"", b""]
    assert _indexes(url) == indexes
    # a run's own rows after the upgrade: left out again; the earlier ones come back
    (election2, pair2), seen = _push_and_feed(url, "run-2")
    assert election2.record_id not in seen
    assert {election.record_id, pair.record_id, pair2.record_id} <= set(seen)
