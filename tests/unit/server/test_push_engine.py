"""The push engine in process: random edit histories of several clients on one record.

Every push must follow the merge rule exactly: fields of the edit that do not
conflict end up with the pushed value, conflicting fields keep the server value
and are kept in the conflict history, other fields do not move, and the version
grows by one exactly when something changed. A repeat returns the stored answer.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from sync.protocol import Mutation, Op, ResultStatus
from sync.server.db import read_tx
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import conflicts, records
from tests.unit.server.support import fresh_state

FIELDS = ("name", "rt", "rw", "occupation")
VALUES = ("A", "B", "C", "")
ADMIN = Actor("admin", Role.KPU_RI, "", "test")

ops = st.lists(
    st.tuples(
        st.integers(0, 2),  # client
        st.sampled_from(["edit", "edit", "push", "pull", "retry"]),
        st.sampled_from(FIELDS),
        st.sampled_from(VALUES),
    ),
    min_size=5,
    max_size=40,
)


class Laptop:
    def __init__(self, version: int, fields: dict[str, Any]) -> None:
        self.version = version
        self.base = dict(fields)
        self.pending: dict[str, Any] = {}
        self.last: Mutation | None = None


def _server_record(state: Any, rid: str) -> tuple[int, dict[str, Any]]:
    import orjson

    with read_tx(state.engine) as conn:
        row = conn.execute(select(records).where(records.c.id == rid)).one()
    return int(row.version), orjson.loads(row.fields)


@pytest.fixture(scope="module")
def state() -> Iterator[Any]:
    with fresh_state() as server:
        yield server


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(history=ops)
def test_random_histories_follow_the_merge_rule(
    state: Any, history: list[tuple[int, str, str, str]]
) -> None:
    rid = str(uuid.uuid4())
    # A candidate stands in for any entity: four free-text fields are edited (fields
    # with a value domain, such as an election's kind, would refuse "A").
    election, pair = str(uuid.uuid4()), str(uuid.uuid4())
    parents = [
        Mutation(str(uuid.uuid4()), "election", election, "32.14", Op.UPSERT, 0, {}),
        Mutation(
            str(uuid.uuid4()),
            "pair",
            pair,
            "32.14",
            Op.UPSERT,
            0,
            {"election_id": (None, election)},
        ),
    ]
    apply_batch(state.engine, state.config, ADMIN, str(uuid.uuid4()), parents)
    create = Mutation(
        str(uuid.uuid4()),
        "candidate",
        rid,
        "32.14",
        Op.UPSERT,
        0,
        {"pair_id": (None, pair), "name": (None, "A")},
    )
    apply_batch(state.engine, state.config, ADMIN, str(uuid.uuid4()), [create])
    version, fields = _server_record(state, rid)
    laptops = [Laptop(version, {f: fields.get(_field(f)) for f in FIELDS}) for _ in range(3)]
    for client, action, name, value in history:
        lap = laptops[client]
        if action == "edit":
            lap.pending[name] = value
        elif action == "pull" and not lap.pending:
            version, fields = _server_record(state, rid)
            lap.version, lap.base = version, {f: fields.get(_field(f)) for f in FIELDS}
        elif action == "retry" and lap.last is not None:
            first = apply_batch(state.engine, state.config, ADMIN, "r1", [lap.last])
            again = apply_batch(state.engine, state.config, ADMIN, "r2", [lap.last])
            assert first[0].to_wire() == again[0].to_wire()
        elif action == "push" and lap.pending:
            _push_and_check(state, rid, lap)


def _field(name: str) -> str:
    """Map the test's field names onto the election entity's text fields."""
    return {"name": "name", "rt": "birth_place", "rw": "education", "occupation": "occupation"}[
        name
    ]


def _push_and_check(state: Any, rid: str, lap: Laptop) -> None:
    before_version, before = _server_record(state, rid)
    changes = {_field(f): (lap.base.get(f), v) for f, v in lap.pending.items()}
    m = Mutation(str(uuid.uuid4()), "candidate", rid, "32.14", Op.UPSERT, lap.version, changes)
    [result] = apply_batch(state.engine, state.config, ADMIN, str(uuid.uuid4()), [m])
    after_version, after = _server_record(state, rid)
    conflicting = set(result.conflicts)
    expected = dict(before)
    for name, (_old, new) in changes.items():
        if name not in conflicting:
            expected[name] = new
    blank = (None, "")
    assert {k: (None if v in blank else v) for k, v in after.items()} == {
        k: (None if v in blank else v) for k, v in expected.items()
    }
    moved = any((after.get(k) or None) != (before.get(k) or None) for k in after)
    assert after_version == before_version + (1 if moved else 0)
    if conflicting:
        assert result.status is ResultStatus.CONFLICT
        assert lap.version < before_version
        with read_tx(state.engine) as conn:
            kept = conn.execute(
                select(conflicts.c.fields).where(conflicts.c.mutation_id == m.id)
            ).scalar_one()
        assert set(__import__("json").loads(kept)) == conflicting
    else:
        assert result.status in (ResultStatus.APPLIED, ResultStatus.MERGED)
    assert result.version == after_version
    lap.last = m
    lap.pending.clear()
    lap.version = after_version
    lap.base = {f: after.get(_field(f)) for f in FIELDS}
