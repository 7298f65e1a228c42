"""A citizen's objection against a supporter row the operator then withdraws: the row
leaves the operator's list (the desktop counts only live rows' objections), so no
verdict can ever resolve it; the withdrawal is its follow-up."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from sync.protocol import Mutation, Op, ResultStatus
from sync.server import audit
from sync.server.config import Clock
from sync.server.db import read_tx
from sync.server.public import figures, objections
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import public_objections, records
from tests.public_seed import SCOPE, seed
from tests.unit.server.support import fresh_state

OPERATOR = Actor("op3214", Role.KABKOTA, SCOPE, "laptop-1")


@pytest.fixture
def state() -> Iterator[Any]:
    with fresh_state() as server:
        server.config.clock = Clock(dt.datetime(2024, 5, 6, tzinfo=dt.UTC))
        yield server


def _record(state: Any, rid: str) -> tuple[int, dict[str, Any], bool]:
    with read_tx(state.engine) as conn:
        row = conn.execute(
            select(records.c.version, records.c.fields, records.c.deleted).where(
                records.c.id == rid
            )
        ).one()
    return int(row.version), dict(orjson.loads(row.fields)), bool(row.deleted)


@pytest.mark.parametrize("reason", ["ditarik_pendukung", "salah_input"])
def test_a_withdrawn_row_resolves_its_open_objection_and_forgets_the_contact(
    state: Any, reason: str
) -> None:
    s = seed(6)
    apply_batch(state.engine, state.config, OPERATOR, "seed", s.mutations)
    rid = s.supporters[0][0]
    assert objections.file(
        state.engine, rid, s.independent_id, "0812000111", 1.7e9, "2024-05-06T00:00:00.000Z"
    )
    version, _fields, _deleted = _record(state, rid)
    withdraw = Mutation(
        str(uuid.uuid4()), "supporter", rid, SCOPE, Op.DELETE, version,
        {"withdrawn_reason": ("", reason), "withdrawn_by": ("", "op3214")},
    )  # fmt: skip
    [result] = apply_batch(state.engine, state.config, OPERATOR, "w", [withdraw])
    assert result.status is ResultStatus.APPLIED
    with read_tx(state.engine) as conn:
        rows = conn.execute(select(public_objections.c.status, public_objections.c.contact))
        assert [tuple(r) for r in rows] == [("resolved", "")]
        assert figures.objection_counts(conn)[s.independent_id] == (0, 1)
        assert audit.verify(conn).ok
    # The tombstone no longer carries the flag (a version of the server's own after
    # the withdrawal the pusher was answered).
    version, fields, deleted = _record(state, rid)
    assert deleted and fields[objections.FLAG] is False and version == result.version + 1
    # The withdrawal undone: the row counts again, and so does the objection (open,
    # flagged for the operator again; the contact stays erased).
    restore = Mutation(str(uuid.uuid4()), "supporter", rid, SCOPE, Op.RESTORE, version, {})
    [back] = apply_batch(state.engine, state.config, OPERATOR, "r", [restore])
    assert back.status is ResultStatus.APPLIED
    with read_tx(state.engine) as conn:
        rows = conn.execute(select(public_objections.c.status, public_objections.c.contact))
        assert [tuple(r) for r in rows] == [("open", "")]
        assert figures.objection_counts(conn)[s.independent_id] == (1, 0)
        assert audit.verify(conn).ok
    version, fields, deleted = _record(state, rid)
    assert not deleted and fields[objections.FLAG] is True and version == back.version + 1
