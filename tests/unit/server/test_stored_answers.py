"""Stored answers (sync.server.answers): a repeat gets the first answer word for word,
while ``applied_mutations.result`` holds only what the row does not (issue 19)."""

from __future__ import annotations

import uuid

import orjson
from sqlalchemy import select, update

from sync.protocol import MutationResult, Record, ResultStatus
from sync.server.answers import answer, stored_result, stored_text
from sync.server.db import read_tx, write_tx
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import applied_mutations
from tests.unit.server.support import create, fresh_state

ADMIN = Actor("admin", Role.KPU_RI, "", "test")
MID = "11111111-1111-4111-8111-111111111111"

RESULTS = [
    MutationResult(MID, ResultStatus.APPLIED, version=3),
    MutationResult(
        MID,
        ResultStatus.MERGED,
        version=4,
        record=Record("candidate", "r", "32.14", 4, False, {"name": "A", "nik": None}),
    ),
    MutationResult(
        MID,
        ResultStatus.CONFLICT,
        version=5,
        record=Record("candidate", "r", "32.14", 5, False, {"name": "B"}),
        conflicts={"name": {"base": "A", "mine": "C", "theirs": "B"}},
    ),
    MutationResult(MID, ResultStatus.REJECTED, code="BAD_VALUE", field="nik", message="x"),
]


def test_every_kind_of_answer_reads_back_the_same() -> None:
    for result in RESULTS:
        text = stored_text(result)
        assert MID not in text
        assert answer(MID, text) == result.to_wire()
        assert list(answer(MID, text)) == list(result.to_wire())  # same key order
        assert stored_result(MID, text).to_wire() == result.to_wire()
    assert stored_text(RESULTS[0]) == "3"


def test_an_answer_stored_whole_before_reads_back_the_same() -> None:
    for result in RESULTS:
        old = orjson.dumps(result.to_wire()).decode("utf-8")
        assert answer(MID, old) == result.to_wire()


def test_a_repeated_push_gets_the_first_answer_from_the_compact_row() -> None:
    with fresh_state() as state:
        election = create("election", {"name": "Pilkada", "kind": "bupati"})
        pair = create("pair", {"election_id": election.record_id, "number": 1})
        first = apply_batch(state.engine, state.config, ADMIN, "b1", [election, pair])
        again = apply_batch(state.engine, state.config, ADMIN, "b2", [election, pair])
        assert [r.to_wire() for r in again] == [r.to_wire() for r in first]
        assert [r.status for r in first] == [ResultStatus.APPLIED] * 2
        with read_tx(state.engine) as conn:
            rows = conn.execute(
                select(applied_mutations.c.mutation_id, applied_mutations.c.result)
            ).all()
        stored = {str(mid): str(text) for mid, text in rows}
        assert stored == {election.id: "1", pair.id: "1"}
        # a row written before the compact form (the whole answer) answers the same
        whole = orjson.dumps(first[0].to_wire()).decode("utf-8")
        with write_tx(state.engine) as conn:
            conn.execute(
                update(applied_mutations)
                .where(applied_mutations.c.mutation_id == election.id)
                .values(result=whole)
            )
        third = apply_batch(state.engine, state.config, ADMIN, "b3", [election])
        assert third[0].to_wire() == first[0].to_wire()
        # the same mutation id for another record is refused, as before
        other = create("election", {"name": "Lain"})
        other.id = election.id
        [refused] = apply_batch(state.engine, state.config, ADMIN, str(uuid.uuid4()), [other])
        assert refused.status == ResultStatus.REJECTED


def test_a_mutation_id_twice_in_one_batch_for_another_record_is_refused_not_acknowledged() -> None:
    """The second use of a mutation id within ONE batch, for another record, was
    answered with the first's answer ("applied", version 1) though its record was
    never written: the client would drop an edit it was told was saved. It is
    refused as a reuse across batches is."""
    with fresh_state() as state:
        first = create("election", {"name": "Pilkada", "kind": "bupati"})
        second = create("election", {"name": "Lain", "kind": "bupati"})
        second.id = first.id
        again = create("election", {"name": "Pilkada", "kind": "bupati"})
        again.id, again.record_id = first.id, first.record_id  # a true repeat is fine
        answers = apply_batch(state.engine, state.config, ADMIN, "b1", [first, second, again])
        assert [r.status for r in answers] == [
            ResultStatus.APPLIED,
            ResultStatus.REJECTED,
            ResultStatus.APPLIED,
        ]
        assert (answers[1].code, answers[1].field) == ("BAD_VALUE", "id")
        assert answers[2].to_wire() == answers[0].to_wire()
        with read_tx(state.engine) as conn:
            stored = conn.execute(select(applied_mutations.c.record_id)).scalars().all()
        assert stored == [first.record_id]


def test_a_repeat_keeps_its_answer_beside_a_reuse_of_its_id_in_the_same_batch() -> None:
    """A batch re-sending a saved mutation and, by a client's bug, the same id for
    another record: the repeat still gets its stored answer (refusing it would make
    the client revert an edit the server holds); only the reuse is refused."""
    with fresh_state() as state:
        first = create("election", {"name": "Pilkada", "kind": "bupati"})
        [saved] = apply_batch(state.engine, state.config, ADMIN, "b1", [first])
        other = create("election", {"name": "Lain", "kind": "bupati"})
        other.id = first.id
        answers = apply_batch(state.engine, state.config, ADMIN, "b2", [first, other])
        assert answers[0].to_wire() == saved.to_wire()
        assert (answers[1].status, answers[1].field) == (ResultStatus.REJECTED, "id")


def test_a_reuse_of_an_id_with_bad_content_never_refuses_the_first_use() -> None:
    """The first use of an id is judged on its own content: a later mutation of the
    batch under the same id, for another record and with a bad value, is the one
    refused (as a reuse), never the first, which is applied."""
    with fresh_state() as state:
        first = create("election", {"name": "Pilkada", "kind": "bupati"})
        bad = create("election", {"name": "Lain", "kind": "bukan-jenis"})
        bad.id = first.id
        answers = apply_batch(state.engine, state.config, ADMIN, "b1", [first, bad])
        assert [r.status for r in answers] == [ResultStatus.APPLIED, ResultStatus.REJECTED]
        assert (answers[1].code, answers[1].field) == ("BAD_VALUE", "id")
