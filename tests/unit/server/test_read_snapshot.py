"""A read transaction is one snapshot on PostgreSQL as on SQLite: what commits while
it reads is not seen half (``sync.server.db.read_tx``)."""

from __future__ import annotations

from typing import Any

import pytest

from sync.protocol import Mutation, Op, ResultStatus
from sync.server import audit
from sync.server.app import open_state
from sync.server.config import ServerConfig
from sync.server.db import read_tx
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from tests.unit.server.migrating import url as url  # noqa: F401 (fixture)
from tests.unit.server.support import SCOPE, create, migrated

OPERATOR = Actor("op3214", Role.KABKOTA, SCOPE, "laptop-1")


def test_audit_verify_while_a_push_commits_checks_the_state_it_read(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``audit verify`` on a running server: a push that commits after the walk of the
    log and before the walk of the records is not taken for a record changed past the
    log (PostgreSQL's default isolation read the records as they were after the push,
    and the chain was reported broken: RUSAK)."""
    migrated(url)  # a copy of the migrated template on SQLite
    state = open_state(ServerConfig(database_url=url))
    try:
        election = create("election", {"name": "Pilbup", "kind": "bupati", "region_code": SCOPE})
        pair = create("pair", {"election_id": election.record_id, "number": 1})
        supporter = create("supporter", {"pair_id": pair.record_id, "nik": "3214010101900001"})
        first = apply_batch(state.engine, state.config, OPERATOR, "b1", [election, pair, supporter])
        assert {r.status for r in first} == {ResultStatus.APPLIED}
        edit = Mutation(
            "m-edit",
            "supporter",
            supporter.record_id,
            SCOPE,
            Op.UPSERT,
            1,
            {"name": (None, "SITI AMINAH")},
        )
        added = create("supporter", {"pair_id": pair.record_id, "nik": "3214010101900002"})
        walk_records = audit._check_records

        def push_meanwhile(*args: Any, **kwargs: Any) -> Any:
            later = apply_batch(state.engine, state.config, OPERATOR, "b2", [edit, added])
            assert {r.status for r in later} == {ResultStatus.APPLIED}
            return walk_records(*args, **kwargs)

        monkeypatch.setattr(audit, "_check_records", push_meanwhile)
        with read_tx(state.engine) as conn:
            during = audit.verify(conn)
        monkeypatch.undo()
        assert during.ok, during.reason
        assert during.records_checked == 3
        with read_tx(state.engine) as conn:
            after = audit.verify(conn)
        assert after.ok and after.records_checked == 4
        assert after.checked > during.checked
    finally:
        state.engine.dispose()
