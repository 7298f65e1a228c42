"""DUPLICATE_EXTERNAL when a pair goes: index rows a server older than the rule left
for the supporters of a pair deleted before are dropped once such a supporter is
written again (the integration tests cover pairs moved and deleted now)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update

from sync.protocol import Mutation, Op, ResultStatus
from sync.server.db import read_tx, write_tx
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import nik_index, records
from tests.unit.server.support import SCOPE, create, fresh_state

OPERATOR = Actor("op3214", Role.KABKOTA, SCOPE, "laptop-1")
NIK = "3214015101900015"


def _fields(state: Any, rid: str) -> dict[str, Any]:
    import orjson

    with read_tx(state.engine) as conn:
        text = conn.execute(select(records.c.fields).where(records.c.id == rid)).scalar_one()
    return dict(orjson.loads(text))


def test_a_stale_index_row_of_a_pair_deleted_before_goes_when_its_supporter_is_written() -> None:
    with fresh_state() as state:
        election = create("election", {"name": "Pilbup", "kind": "bupati", "region_code": SCOPE})
        kept = create("pair", {"election_id": election.record_id, "number": 1})
        twin = create("pair", {"election_id": election.record_id, "number": 2})
        a = create("supporter", {"pair_id": kept.record_id, "nik": NIK})
        b = create("supporter", {"pair_id": twin.record_id, "nik": NIK})
        batch = [election, kept, twin, a, b]
        results = apply_batch(state.engine, state.config, OPERATOR, "b1", batch)
        assert {r.status for r in results} == {ResultStatus.APPLIED}
        assert _fields(state, a.record_id)["external_duplicate"] is True
        # The twin deleted by an older server: the tombstone, the index left as it was.
        with write_tx(state.engine) as conn:
            conn.execute(update(records).where(records.c.id == twin.record_id).values(deleted=True))
        b_version = 2  # created, then flagged
        edit = Mutation(
            str(uuid.uuid4()), "supporter", b.record_id, SCOPE, Op.UPSERT, b_version,
            {"name": (None, "DEWI")},
        )  # fmt: skip
        [result] = apply_batch(state.engine, state.config, OPERATOR, "b2", [edit])
        assert result.status is ResultStatus.APPLIED
        with read_tx(state.engine) as conn:
            rows = conn.execute(select(nik_index.c.record_id).where(nik_index.c.nik == NIK))
            assert {r[0] for r in rows} == {a.record_id}
        assert _fields(state, a.record_id)["external_duplicate"] is False
        assert _fields(state, b.record_id)["external_duplicate"] is False
