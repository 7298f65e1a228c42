from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from silon_desktop.storage import outbox
from silon_desktop.storage.db import Database
from silon_desktop.storage.models import OutboxMutation
from sync.merge import merge_fields
from sync.protocol import MutationResult, Op, ResultStatus

REC = "00000000-0000-4000-8000-000000000001"


def _rows(db: Database) -> list[OutboxMutation]:
    with db.session(readonly=True) as session:
        return list(session.query(OutboxMutation).order_by(OutboxMutation.seq))


def _answer(session: Any, mutation_id: str, status: str, version: int) -> int:
    result = MutationResult(mutation_id, ResultStatus(status), version=version)
    return outbox.record_answers(session, [(result, {"status": status})])


def _enqueue(db: Database, op: str, base: int, changes: dict[str, list[Any]]) -> str | None:
    with db.session() as session:
        return outbox.enqueue(session, "supporter", REC, "32.14", op, base, changes)


def test_create_then_updates_coalesce_into_one_create(db: Database) -> None:
    first = _enqueue(db, "upsert", 0, {"name": [None, "Ani"], "rt": [None, "001"]})
    again = _enqueue(db, "upsert", 0, {"name": ["Ani", "Ana"]})
    assert first == again
    (row,) = _rows(db)
    assert row.changes == {"name": [None, "Ana"], "rt": [None, "001"]}
    assert row.base_version == 0 and row.op == "upsert" and row.state == "pending"


def test_update_keeps_earliest_base_and_old_value(db: Database) -> None:
    _enqueue(db, "upsert", 3, {"name": ["A", "B"]})
    _enqueue(db, "upsert", 4, {"name": ["B", "C"], "rw": ["01", "02"]})
    (row,) = _rows(db)
    assert row.base_version == 3
    assert row.changes == {"name": ["A", "C"], "rw": ["01", "02"]}


def test_field_changed_back_drops_out_and_empty_update_vanishes(db: Database) -> None:
    _enqueue(db, "upsert", 3, {"name": ["A", "B"], "rt": ["1", "2"]})
    _enqueue(db, "upsert", 3, {"name": ["B", "A"]})
    (row,) = _rows(db)
    assert row.changes == {"rt": ["1", "2"]}
    assert _enqueue(db, "upsert", 3, {"rt": ["2", "1"]}) is None
    assert _rows(db) == []


def test_update_that_changes_nothing_is_not_queued(db: Database) -> None:
    assert _enqueue(db, "upsert", 2, {"name": ["A", "A"]}) is None
    assert _rows(db) == []


def test_a_confirmed_value_is_sent_as_it_stands_alone_or_coalesced(db: Database) -> None:
    """A verdict kept on a row with a citizen's objection: the status is sent though it
    stays (the server resolves the objection only with a verdict naming the status)."""
    with db.session() as session:
        mid = outbox.enqueue(
            session, "supporter", REC, "32.14", "upsert", 2,
            {"admin_status": ["MS", "MS"]}, confirmed=("admin_status",),
        )  # fmt: skip
    assert mid is not None
    assert [r.changes for r in _rows(db)] == [{"admin_status": ["MS", "MS"]}]
    with db.session() as session:
        outbox.enqueue(session, "supporter", REC, "32.14", "upsert", 2, {"rt": ["1", "2"]})
        again = outbox.enqueue(
            session, "supporter", REC, "32.14", "upsert", 2,
            {"admin_status": ["MS", "MS"]}, confirmed=("admin_status",),
        )  # fmt: skip
    assert again == mid
    assert [r.changes for r in _rows(db)] == [{"admin_status": ["MS", "MS"], "rt": ["1", "2"]}]


def test_create_then_delete_of_never_pushed_record_drops_both(db: Database) -> None:
    _enqueue(db, "upsert", 0, {"name": [None, "Ani"]})
    assert _enqueue(db, "delete", 0, {}) is None
    assert _rows(db) == []


def test_delete_after_pending_update_becomes_one_tombstone(db: Database) -> None:
    mid = _enqueue(db, "upsert", 5, {"name": ["A", "B"]})
    assert _enqueue(db, "delete", 5, {}) == mid
    (row,) = _rows(db)
    # The folded edit stays in the row (for a restore; never sent).
    assert (row.op, row.base_version, row.changes) == ("delete", 5, {"name": ["A", "B"]})
    assert _enqueue(db, "delete", 5, {}) == mid  # deleting twice changes nothing
    assert len(_rows(db)) == 1


def test_restore_takes_back_a_waiting_delete_and_gives_the_folded_edit_back(
    db: Database,
) -> None:
    mid = _enqueue(db, "upsert", 5, {"name": ["A", "B"]})
    reason = {"withdrawn_reason": ["", "salah_input"]}
    assert _enqueue(db, "delete", 5, reason) == mid
    assert _enqueue(db, "restore", 5, {}) == mid
    (row,) = _rows(db)
    assert (row.op, row.base_version, row.changes) == ("upsert", 5, {"name": ["A", "B"]})
    # A delete with nothing folded into it is simply taken back.
    with db.session() as session:
        session.query(OutboxMutation).delete()
    _enqueue(db, "delete", 5, reason)
    assert _enqueue(db, "restore", 5, {}) is None
    assert _rows(db) == []


def test_a_restore_after_a_sent_delete_is_its_own_mutation_never_coalesced_into(
    db: Database,
) -> None:
    tomb = _enqueue(db, "delete", 5, {"withdrawn_reason": ["", "salah_input"]})
    with db.session() as session:
        outbox.claim_batch(session, 10)
    restore = _enqueue(db, "restore", 6, {})
    assert restore not in (None, tomb)
    edit = _enqueue(db, "upsert", 6, {"name": ["A", "B"]})
    again = _enqueue(db, "delete", 6, {"withdrawn_reason": ["", "ganda"]})
    assert edit not in (None, restore) and again == edit
    assert [(r.op, r.base_version) for r in _rows(db)] == [
        ("delete", 5),
        ("restore", 6),
        ("delete", 6),
    ]
    assert _rows(db)[1].changes == {}


def test_delete_after_sent_create_still_sends_a_tombstone(db: Database) -> None:
    create = _enqueue(db, "upsert", 0, {"name": [None, "Ani"]})
    assert create is not None
    with db.session() as session:
        batch_id, claimed = outbox.claim_batch(session, 10)
        assert [c.wire["id"] for c in claimed] == [create] and batch_id
    tomb = _enqueue(db, "delete", 0, {})
    assert tomb is not None and tomb != create
    assert [r.op for r in _rows(db)] == ["upsert", "delete"]


def test_sent_mutation_is_never_coalesced_into(db: Database) -> None:
    first = _enqueue(db, "upsert", 1, {"name": ["A", "B"]})
    assert first is not None
    with db.session() as session:
        assert len(outbox.claim_batch(session, 10)[1]) == 1
    second = _enqueue(db, "upsert", 1, {"name": ["B", "C"]})
    assert second not in (None, first)
    with db.session() as session:  # the answer never came: claimed again, same id, first
        _, again = outbox.claim_batch(session, 1)
        assert [c.wire["id"] for c in again] == [first]
    third = _enqueue(db, "upsert", 1, {"rt": ["1", "2"]})
    assert third == second
    rows = _rows(db)
    assert rows[0].changes == {"name": ["A", "B"]} and rows[0].state == "sent"
    assert rows[1].changes == {"name": ["B", "C"], "rt": ["1", "2"]}
    assert rows[1].state == "pending"


def test_an_unanswered_batch_is_claimed_again_with_the_same_ids(db: Database) -> None:
    mid = _enqueue(db, "upsert", 0, {"name": [None, "X"]})
    assert mid is not None
    with db.session() as session:
        first_batch, _ = outbox.claim_batch(session, 10)
        assert outbox.counts(session)[outbox.State.SENT] == 1
        # a batch still in flight in this run is not claimed twice
        assert outbox.claim_batch(session, 10, (first_batch,)) == ("", [])
        second_batch, (again,) = outbox.claim_batch(session, 10)
        assert again.wire["id"] == mid and second_batch != first_batch
    (row,) = _rows(db)
    assert (row.mutation_id, row.batch_id, row.state) == (mid, second_batch, "sent")


def test_claimed_mutation_and_results(db: Database) -> None:
    mid = _enqueue(db, "upsert", 0, {"name": [None, "X"], "birth_date": [None, "1990-02-03"]})
    assert mid is not None
    with db.session() as session:
        (waiting,) = outbox.waiting(session)
        mutation = waiting.mutation()
        assert mutation.id == mid and mutation.op is Op.UPSERT and mutation.base_version == 0
        assert mutation.changes == {"name": (None, "X"), "birth_date": (None, "1990-02-03")}
        assert mutation.created_at.endswith("Z")
        assert mutation.to_wire()["changes"]["name"] == [None, "X"]
        _, (claimed,) = outbox.claim_batch(session, 10)
        assert claimed.mutation() == mutation
        assert _answer(session, mid, "applied", 1) == 1
        assert _answer(session, "unknown-id", "applied", 1) == 0
        assert outbox.counts(session) == {
            "pending": 0,
            "sent": 0,
            "acked": 1,
            "conflict": 0,
            "rejected": 0,
        }
        assert outbox.waiting(session) == []


def test_a_claim_is_oldest_first_and_answers_go_to_the_claimed_rows(db: Database) -> None:
    other = "00000000-0000-4000-8000-000000000002"
    first = _enqueue(db, "upsert", 1, {"name": ["A", "B"]})
    with db.session() as session:
        second = outbox.enqueue(
            session, "supporter", other, "32.14", "upsert", 0, {"rt": [None, "1"]}
        )
    with db.session() as session:
        _, claimed = outbox.claim_batch(session, 10)
    rows = _rows(db)
    assert [(c.wire["id"], c.seq) for c in claimed] == [(r.mutation_id, r.seq) for r in rows]
    assert [c.wire["id"] for c in claimed] == [first, second]
    seqs = {c.wire["id"]: c.seq for c in claimed}
    with db.session() as session:
        answers = [
            (MutationResult(str(first), ResultStatus.APPLIED, version=2), {"n": 1}),
            (MutationResult(str(second), ResultStatus.REJECTED, code="X"), {"n": 2}),
        ]
        # by row for the ids in seqs, by mutation id for any other
        assert outbox.record_answers(session, answers, {str(first): seqs[str(first)]}) == 2
    one, two = _rows(db)
    assert (one.mutation_id, one.state, one.server_version, one.result) == (
        first,
        "acked",
        2,
        {"n": 1},
    )
    assert (two.mutation_id, two.state, two.server_version, two.result) == (
        second,
        "rejected",
        None,
        {"n": 2},
    )


@pytest.mark.parametrize(
    ("status", "state"),
    [("applied", "acked"), ("merged", "acked"), ("conflict", "conflict"), ("rejected", "rejected")],
)
def test_result_status_maps_to_state(db: Database, status: str, state: str) -> None:
    mid = _enqueue(db, "upsert", 0, {"name": [None, "X"]})
    assert mid is not None
    with db.session() as session:
        outbox.claim_batch(session, 10)
        _answer(session, mid, status, 7)
    (row,) = _rows(db)
    assert (row.state, row.server_version, row.result) == (state, 7, {"status": status})


def test_a_refused_mutation_alone_is_rejected(db: Database) -> None:
    first = _enqueue(db, "upsert", 0, {"name": [None, "X"]})
    with db.engine.begin() as conn:
        outbox.claim_batch(conn, 10)
        assert outbox.refuse(conn, "not-waiting-here", "{}") is None
        refused = outbox.refuse(conn, str(first), '{"mutation_id": "x"}')
    assert refused is not None
    mutation, result = refused
    assert mutation.id == first and result.status is ResultStatus.REJECTED
    (row,) = _rows(db)
    assert row.state == "rejected" and row.result is not None
    assert row.result["code"] == "FORBIDDEN"


def test_bundle_export_stops_coalescing_and_intake_keeps_ids(db: Database) -> None:
    mid = _enqueue(db, "upsert", 3, {"name": ["A", "B"]})
    with db.engine.begin() as conn:
        (exported,) = outbox.export_waiting(conn, "stick.silon")
    assert exported.id == mid
    later = _enqueue(db, "upsert", 3, {"rt": ["1", "2"]})
    assert later not in (None, mid)  # a mutation on a stick is never coalesced into
    with db.session() as session:
        session.query(OutboxMutation).delete()
    with db.engine.begin() as conn:
        assert outbox.take_in(conn, [exported], "stick.silon") == (1, 0)
        assert outbox.take_in(conn, [exported], "stick.silon") == (0, 1)
    (row,) = _rows(db)
    assert (row.mutation_id, row.state, row.via_bundle) == (mid, "pending", "stick.silon")
    assert row.changes == {"name": ["A", "B"]}


def test_encode_changes_gives_wire_values() -> None:
    import datetime as dt

    wire = outbox.encode_changes(
        "supporter",
        {"birth_date": (None, dt.date(1990, 1, 2)), "admin_reasons": ([], ["A"]), "rt": ("", "1")},
    )
    assert wire == {
        "birth_date": [None, "1990-01-02"],
        "admin_reasons": [[], ["A"]],
        "rt": ["", "1"],
    }


FIELDS = ("name", "rt", "rw")
values = st.sampled_from(["", "a", "b"])
edit = st.one_of(
    st.tuples(st.just("edit"), st.dictionaries(st.sampled_from(FIELDS), values, min_size=1)),
    st.tuples(st.just("push"), st.just({})),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    created=st.booleans(),
    steps=st.lists(edit, max_size=12),
    ending=st.sampled_from(["", "delete", "delete_restore"]),
)
def test_replaying_the_outbox_reaches_the_local_state(
    db: Database, created: bool, steps: list[tuple[str, dict[str, str]]], ending: str
) -> None:
    """Whatever the edits and pushes, the queued mutations replayed in order on the
    server's copy (with the one merge function) give exactly the local state."""
    with db.session() as session:
        session.query(OutboxMutation).delete()
    base = 0 if created else 4
    local: dict[str, Any] = dict.fromkeys(FIELDS, None if created else "")
    server: dict[str, Any] | None = None if created else dict(local)
    if created:
        _enqueue(db, "upsert", 0, {f: [None, ""] for f in FIELDS})
        local = dict.fromkeys(FIELDS, "")
    for kind, change in steps:
        if kind == "push":
            with db.session() as session:
                outbox.claim_batch(session, 100)
            continue
        wire = {f: [local[f], v] for f, v in change.items()}
        _enqueue(db, "upsert", base, wire)
        local.update(change)
    delete_at_end = ending == "delete"
    if ending:
        _enqueue(db, "delete", base, {"withdrawn_reason": ["", "salah_input"]})
    if ending == "delete_restore":
        if created and not _rows(db):  # never pushed: Repository.restore creates it again
            _enqueue(db, "upsert", 0, {f: [None, v] for f, v in local.items()})
        else:
            _enqueue(db, "restore", base, {})
    rows = _rows(db)
    assert len({r.mutation_id for r in rows}) == len(rows)
    deleted = False
    for row in rows:
        if row.op == "delete":
            deleted = True
            continue
        if row.op == "restore":
            deleted = False
            continue
        assert server is not None or row.base_version == 0
        result = merge_fields({k: (v[0], v[1]) for k, v in row.changes.items()}, server or {})
        assert result.clean
        server = {**(server or {}), **result.applied}
    if delete_at_end:
        assert deleted or (created and not rows)
    else:
        assert server is not None and not deleted
        # the merge treats None and "" as the same blank value
        assert {f: server.get(f) or "" for f in FIELDS} == local


def test_a_withdrawal_reason_rides_on_the_delete(db: Database) -> None:
    reason = {"withdrawn_reason": ["", "ditarik_pendukung"], "withdrawn_by": ["", "ani"]}
    mid = _enqueue(db, "delete", 4, {**reason, "name": ["A", "B"]})  # a base value only
    (row,) = _rows(db)
    assert row.mutation_id == mid and (row.op, row.base_version) == ("delete", 4)
    assert row.changes == reason


def test_a_pending_edit_folded_into_a_delete_keeps_the_reason_not_the_edit(
    db: Database,
) -> None:
    mid = _enqueue(db, "upsert", 5, {"name": ["A", "B"]})
    assert _enqueue(db, "delete", 5, {"withdrawn_reason": ["", "salah_input"]}) == mid
    (row,) = _rows(db)
    assert (row.op, row.base_version) == ("delete", 5)
    # The row keeps the edit for a restore; the server is sent only the reason.
    assert row.changes == {"name": ["A", "B"], "withdrawn_reason": ["", "salah_input"]}
    with db.session() as session:
        _batch, (claimed,) = outbox.claim_batch(session, 10)
    assert claimed.mutation().changes == {"withdrawn_reason": ("", "salah_input")}
    assert orjson.loads(orjson.dumps(claimed.wire))["changes"] == {
        "withdrawn_reason": ["", "salah_input"]
    }
    # Once sent, the row holds what was sent: the folded edit never reached the
    # server, so it must not read as acknowledged with the delete's answer, nor as
    # waiting for the server.
    (row,) = _rows(db)
    assert row.changes == {"withdrawn_reason": ["", "salah_input"]}
    with db.session() as session:
        assert outbox.waiting_fields(session.connection(), REC) == {"withdrawn_reason"}
        assert _answer(session, mid, "applied", 6) == 1
    assert _rows(db)[0].changes == {"withdrawn_reason": ["", "salah_input"]}


def test_a_delete_exported_in_a_bundle_keeps_only_what_the_bundle_carries(
    db: Database,
) -> None:
    mid = _enqueue(db, "upsert", 5, {"name": ["A", "B"]})
    assert _enqueue(db, "delete", 5, {"withdrawn_reason": ["", "salah_input"]}) == mid
    with db.session() as session:
        (exported,) = outbox.export_waiting(session.connection(), "kiriman.silon")
    assert exported.changes == {"withdrawn_reason": ("", "salah_input")}
    (row,) = _rows(db)
    assert row.changes == {"withdrawn_reason": ["", "salah_input"]}
