"""The statements every push runs (its session read twice, its stored answers, its
batch row, the feed's last sequence, the public figures' cells and version) are built
once: SQLAlchemy then makes each one's cache key once, not per push, a per-request
cost that small batches (bench_offices: 100 supporters) paid in full."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event

from sync.server import auth, push
from sync.server.accounts import add_user
from sync.server.config import Clock
from sync.server.public import figures
from sync.server.push import apply_batch
from sync.server.roles import Role
from tests.public_seed import seed
from tests.unit.server.support import fresh_state


def test_a_push_runs_its_per_request_statements_built_once() -> None:
    with fresh_state() as state:
        state.config.clock = Clock(dt.datetime(2024, 5, 6, tzinfo=dt.UTC))
        add_user(state.engine, state.config, "t", "ri", "rahasia-ri-1", Role.KPU_RI, "")
        token = auth.login(
            state.engine, state.config, "ri", "rahasia-ri-1", "pc-1", None, "10.0.0.1"
        ).token
        executed: list[Any] = []

        def seen(_conn: Any, clause: Any, *_args: Any) -> None:
            executed.append(clause)

        event.listen(state.engine, "before_execute", seen)
        try:
            counts = []
            for n in (4, 3):
                before = len(executed)
                actor = auth.authenticate(state.engine, state.config, token)
                done = apply_batch(
                    state.engine, state.config, actor, f"b{n}", seed(n).mutations, session=token
                )
                assert {r.status.value for r in done} == {"applied"}
                counts.append(executed[before:])
        finally:
            event.remove(state.engine, "before_execute", seen)
    built_once = [
        auth._SESSION,
        push._STORED_SQLITE,
        push._NEW_BATCH,
        push._LAST_SEQ,
        figures._PRESENT,
        figures._BUMP_STRUCTURE,
    ]
    for one_push in counts:
        ran = {id(c) for c in one_push}
        assert all(id(stmt) in ran for stmt in built_once)
        # The session is read twice: authenticated, then checked under the write lock.
        assert sum(c is auth._SESSION for c in one_push) == 2
