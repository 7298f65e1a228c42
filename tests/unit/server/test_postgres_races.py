"""PostgreSQL: pushes of different scopes run at once (each holding only its scopes'
locks, sync.server.db). Two of them naming the same mutation id or the same record id
must still get the answers they would get one after the other, exactly once."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select, text

from sync.protocol import Mutation, MutationResult, Op, RejectCode, ResultStatus
from sync.server.db import WRITE_LOCK, read_tx
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import applied_mutations, records
from sync.server.state import ServerState
from tests.unit.server.support import fresh_state

pytestmark = pytest.mark.postgres

RI = Actor("ri", Role.KPU_RI, "", "laptop-ri")


@pytest.fixture
def state() -> Iterator[ServerState]:
    with fresh_state(postgres=True) as server:
        yield server


def _election(scope: str, mutation_id: str, record_id: str | None = None) -> Mutation:
    changes = {"name": f"Pilbup {scope}", "kind": "bupati", "region_code": scope}
    return Mutation(
        mutation_id,
        "election",
        record_id or str(uuid.uuid4()),
        scope,
        Op.UPSERT,
        0,
        {k: (None, v) for k, v in changes.items()},
    )


def _waiting(state: ServerState) -> int:
    """Server sessions waiting for a lock (the stamp, or another transaction's row)."""
    with state.engine.connect() as conn:
        return int(
            conn.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar_one()
        )


def _at_once(state: ServerState, first: Mutation, second: Mutation) -> list[Any]:
    """Push ``first`` and ``second`` (two scopes) so that both have read the stored
    answers before either commits: ``first`` is held at the commit-order stamp (this
    thread holds it) until ``second`` waits too (for that row, or for the stamp)."""
    out: list[Any] = [None, None]

    def push(i: int, m: Mutation) -> Callable[[], None]:
        def run() -> None:
            try:
                out[i] = apply_batch(state.engine, state.config, RI, f"b{i}", [m])
            except Exception as exc:  # noqa: BLE001 - the test looks at it
                out[i] = exc

        return run

    with state.engine.connect() as holder, holder.begin():
        holder.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})
        a = threading.Thread(target=push(0, first))
        a.start()
        deadline = time.monotonic() + 20
        while _waiting(state) < 1 and time.monotonic() < deadline:
            time.sleep(0.02)  # the first push wrote its answer and waits for the stamp
        b = threading.Thread(target=push(1, second))
        b.start()
        while _waiting(state) < 2 and b.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
    a.join(60)
    b.join(60)
    return out


def _count(state: ServerState, table: Any, condition: Any) -> int:
    with read_tx(state.engine) as conn:
        return int(
            conn.execute(select(func.count()).select_from(table).where(condition)).scalar_one()
        )


def test_one_mutation_id_pushed_in_two_scopes_at_once_is_applied_once(
    state: ServerState,
) -> None:
    mid = str(uuid.uuid4())
    first, second = _election("32.14", mid), _election("32.15", mid)
    a, b = _at_once(state, first, second)
    assert isinstance(a, list), a
    assert [r.status for r in a] == [ResultStatus.APPLIED]
    # The later push gets the answer it gets one after the other: the id is taken.
    assert isinstance(b, list), b
    refused: MutationResult = b[0]
    assert (refused.status, refused.code, refused.field) == (
        ResultStatus.REJECTED,
        str(RejectCode.BAD_VALUE),
        "id",
    )
    assert _count(state, applied_mutations, applied_mutations.c.mutation_id == mid) == 1
    assert _count(state, records, records.c.id == first.record_id) == 1
    assert _count(state, records, records.c.id == second.record_id) == 0


def test_one_record_id_created_in_two_scopes_at_once_stays_in_the_first(
    state: ServerState,
) -> None:
    rid = str(uuid.uuid4())
    first = _election("32.14", str(uuid.uuid4()), rid)
    second = _election("32.15", str(uuid.uuid4()), rid)
    a, b = _at_once(state, first, second)
    assert isinstance(a, list) and isinstance(b, list), (a, b)
    assert [r.status for r in a] == [ResultStatus.APPLIED]
    assert (b[0].status, b[0].code, b[0].field) == (
        ResultStatus.REJECTED,
        str(RejectCode.SCOPE_MISMATCH),
        "scope",
    )
    with read_tx(state.engine) as conn:
        assert conn.execute(select(records.c.scope).where(records.c.id == rid)).scalar_one() == (
            "32.14"
        )


def test_a_push_that_keeps_losing_the_race_is_answered_busy_not_500(
    state: ServerState, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A push that lost its race every time it ran gets 503 ``busy`` (the client sends
    it again after a second), with nothing of it kept, never an HTTP 500."""
    from sync.server import push
    from sync.server.errors import ApiError

    monkeypatch.setattr(push, "RACE_TRIES", 1)
    mid = str(uuid.uuid4())
    a, b = _at_once(state, _election("32.14", mid), _election("32.15", mid))
    assert isinstance(a, list) and [r.status for r in a] == [ResultStatus.APPLIED], a
    assert isinstance(b, ApiError), b
    assert (b.status, b.code, b.retry_after) == (503, "busy", 1)
    assert _count(state, applied_mutations, applied_mutations.c.mutation_id == mid) == 1
