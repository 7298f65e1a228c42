"""``batch.load``: a push's record loads (four to six per push) run one statement built
once on SQLite, which finds the stored records among the ids by the primary key."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import event

from sync.server.batch import Batch, load
from sync.server.db import bulk_insert, read_tx, write_tx
from sync.server.roles import Actor, Role
from sync.server.schema import records
from tests.unit.server.support import fresh_state

ADMIN = Actor("admin", Role.KPU_RI, "", "test")


def _batch() -> Batch:
    return Batch(actor=ADMIN, batch_id="", now=0.0, iso="", today=dt.date(2024, 1, 1))


def test_loads_run_one_statement_built_once_searched_by_key() -> None:
    ids = [str(uuid.uuid4()) for _ in range(6)]
    with fresh_state() as state:
        with write_tx(state.engine) as conn:
            bulk_insert(
                conn,
                records,
                [
                    {
                        "id": rid,
                        "entity": "supporter",
                        "scope": "32.14",
                        "version": 2,
                        "deleted": False,
                        "seq": i + 1,
                        "fields": f'{{"name":"N{i}"}}',
                        "updated_at": 0.0,
                        "area": "",
                        "origin": "",
                    }
                    for i, rid in enumerate(ids[::2])
                ],
            )
        executed: list[Any] = []

        def seen(_conn: Any, clause: Any, *_args: Any) -> None:
            executed.append(clause)

        event.listen(state.engine, "before_execute", seen)
        try:
            with read_tx(state.engine) as conn:
                first, second = _batch(), _batch()
                load(conn, first, ids[:3])
                load(conn, second, ids[3:])
                load(conn, second, [])  # nothing wanted: no statement
                plan_of = conn.exec_driver_sql
                compiled = executed[0].compile(conn)
                plan = plan_of("EXPLAIN QUERY PLAN " + str(compiled), ("[]",)).all()
        finally:
            event.remove(state.engine, "before_execute", seen)
    # What was stored is found (a missing id stays out), with its fields and version.
    assert sorted(first.state) == sorted({ids[0], ids[2]})
    assert sorted(second.state) == [ids[4]]
    assert first.state[ids[0]].fields == {"name": "N0"}
    assert first.state[ids[2]].version == 2
    assert second.state[ids[4]].orig_version == 2
    # One statement object for every load: its SQLAlchemy cache key is made once.
    assert len(executed) == 2
    assert executed[0] is executed[1]
    first_step = str(plan[0][3])
    assert first_step.startswith("SEARCH") or "USING" in first_step, plan
