"""The stored answers of a feed bundle (sync.server.bundles.answers_for): asked by ``IN``
for a few records, by one scan of the table for many; both give the same answers."""

from __future__ import annotations

import pytest

from sync.protocol import ResultStatus
from sync.server import bundles
from sync.server.bundles import answers_for
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from tests.unit.server.support import SCOPE, create, fresh_state

OPERATOR = Actor("op3214", Role.KABKOTA, SCOPE, "laptop-1")


@pytest.mark.parametrize("block", [500, 1])
def test_answers_of_the_records_only_by_in_or_by_one_scan(
    monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    monkeypatch.setattr(bundles, "_ANSWERS_BLOCK", block)
    with fresh_state() as state:
        election = create("election", {"name": "Pilbup", "kind": "bupati", "region_code": SCOPE})
        pairs = [create("pair", {"election_id": election.record_id, "number": n}) for n in (1, 2)]
        batch = [election, *pairs]
        results = apply_batch(state.engine, state.config, OPERATOR, "b1", batch)
        assert all(r.status is ResultStatus.APPLIED for r in results)
        asked = [election.record_id, pairs[0].record_id]
        got = answers_for(state.engine, OPERATOR, asked)
    assert sorted(a["mutation_id"] for a in got) == sorted([election.id, pairs[0].id])
    assert all(a["status"] == "applied" and a["version"] == 1 for a in got)
