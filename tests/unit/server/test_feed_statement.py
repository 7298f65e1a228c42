"""A feed page's query is built once per kind of reader (role and region), its
cursor, limit, origin and head bound per request: building a kab/kota's UNION ALL
and its SQLAlchemy cache key took about 500 us of every feed request."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from sync.server.feed import read_feed_rows
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from tests.public_seed import SCOPE, seed
from tests.unit.server.support import fresh_state

ADMIN = Actor("admin", Role.KPU_RI, "", "pc-0")


def test_feed_pages_of_one_kind_of_reader_run_one_statement() -> None:
    one = Actor("op1", Role.KABKOTA, SCOPE, "pc-1")
    two = Actor("op2", Role.KABKOTA, SCOPE, "pc-2")
    with fresh_state() as state:
        apply_batch(state.engine, state.config, ADMIN, "b1", seed(3).mutations)
        executed: list[Any] = []

        def seen(_conn: Any, clause: Any, *_args: Any) -> None:
            executed.append(clause)

        event.listen(state.engine, "before_execute", seen)
        try:
            pages = [
                read_feed_rows(state.engine, one, 0, 5, skip_own="run-1"),
                read_feed_rows(state.engine, two, 0, 5, skip_own="run-2"),
                read_feed_rows(state.engine, two, 5, 1000, skip_own="run-2"),
            ]
            everything = read_feed_rows(state.engine, one, 0, 1000)
        finally:
            event.remove(state.engine, "before_execute", seen)
    # Each page read the feed's head, then the page: the same page statement each time.
    page_statements = executed[1::2][:3]
    assert len(executed) == 7
    assert page_statements[0] is page_statements[1] is page_statements[2]
    # Bound per request: the limit, the cursor, and where a page ends.
    first, second, rest = pages
    assert len(first[0]) == 5 and first[2] is True
    assert [r.seq for r in second[0]] == [r.seq for r in first[0]]
    assert [r.seq for r in rest[0]] == [r.seq for r in everything[0]][5:]
    assert rest[2] is False and everything[1] == rest[1]
