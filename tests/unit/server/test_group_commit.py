"""Group commit (#19): pushes queued while another commits are committed together, each
in its own savepoint: one that fails is rolled back alone, repeats stay exactly once."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select, text

from sync.protocol import Mutation, Op, ResultStatus
from sync.server.app import ServerState
from sync.server.db import GroupCommit, group_commit, read_tx, writer_queue
from sync.server.errors import ApiError
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import records

OP3214 = Actor("op3214", Role.KABKOTA, "32.14", "laptop-1")
OP3215 = Actor("op3215", Role.KABKOTA, "32.15", "laptop-2")


def _queued_behind_the_lock(state: ServerState, calls: list[Callable[[], Any]]) -> list[Any]:
    """Run ``calls`` in threads while this thread holds the writer queue, so that all
    of them are waiting when it is released; their results (or exceptions)."""
    group = group_commit(state.engine)
    queue = writer_queue(state.engine)
    out: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            out[i] = calls[i]()
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            out[i] = exc

    queue.acquire()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    try:
        for t in threads:
            t.start()
        # One caller leads and waits for the lock; the others wait in the group's queue.
        while not (queue.waiting == 1 and group.queued == len(calls)):
            threading.Event().wait(0.001)
    finally:
        queue.release()
    for t in threads:
        t.join(60)
    return out


def _insert(code: str, fail: bool = False) -> Callable[[Connection], str]:
    def work(conn: Connection) -> str:
        conn.execute(text("INSERT INTO regions (code, name) VALUES (:c, 'x')"), {"c": code})
        if fail:
            raise ValueError(f"refused {code}")
        return code

    return work


def test_work_queued_together_commits_once_and_a_failing_piece_alone_is_undone(
    state: ServerState,
) -> None:
    group = group_commit(state.engine)
    assert isinstance(group, GroupCommit) and group_commit(state.engine) is group
    before = group.groups
    codes = [f"g{i}" for i in range(6)]
    calls = [(lambda c=c: group.run(state.engine, _insert(c, fail=(c == "g3")))) for c in codes]
    out = _queued_behind_the_lock(state, calls)
    assert out[:3] == codes[:3] and out[4:] == codes[4:]
    assert isinstance(out[3], ValueError)
    assert group.groups == before + 1  # one transaction, one commit
    with read_tx(state.engine) as conn:
        kept = set(conn.execute(text("SELECT code FROM regions WHERE name = 'x'")).scalars())
    assert kept == set(codes) - {"g3"}


def _create(scope: str, entity: str, changes: dict[str, Any], rid: str | None = None) -> Mutation:
    return Mutation(
        str(uuid.uuid4()),
        entity,
        rid or str(uuid.uuid4()),
        scope,
        Op.UPSERT,
        0,
        {k: (None, v) for k, v in changes.items()},
    )


def test_pushes_in_one_group_keep_their_own_answers(state: ServerState) -> None:
    election = _create(
        "32.14", "election", {"name": "Pilbup", "kind": "bupati", "region_code": "32.14"}
    )
    pair = _create("32.14", "pair", {"election_id": election.record_id, "number": 1})
    apply_batch(state.engine, state.config, OP3214, "setup", [election, pair])
    supporters = [
        _create("32.14", "supporter", {"pair_id": pair.record_id, "nik": f"32140117088500{n:02d}"})
        for n in range(5)
    ]
    # Another kab/kota's edit of a 32.14 record is refused inside the group (403).
    foreign = Mutation(
        str(uuid.uuid4()), "pair", pair.record_id, "32.15", Op.UPSERT, 1, {"number": (1, 2)}
    )
    calls = [
        lambda: apply_batch(state.engine, state.config, OP3214, "b1", supporters),
        lambda: apply_batch(state.engine, state.config, OP3215, "b2", [foreign]),
        lambda: apply_batch(state.engine, state.config, OP3214, "b1", supporters),  # a repeat
    ]
    first, refused, repeat = _queued_behind_the_lock(state, calls)
    assert [r.status for r in first] == [ResultStatus.APPLIED] * 5
    assert isinstance(refused, ApiError) and refused.status == 403
    assert [(r.status, r.version) for r in repeat] == [(r.status, r.version) for r in first]
    with read_tx(state.engine) as conn:
        versions = dict(
            conn.execute(
                select(records.c.id, records.c.version).where(
                    records.c.id.in_([m.record_id for m in supporters] + [pair.record_id])
                )
            ).all()
        )
    assert versions == {**{m.record_id: 1 for m in supporters}, pair.record_id: 1}
