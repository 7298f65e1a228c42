from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from sqlalchemy import event, select

from silon_desktop.storage import outbox
from silon_desktop.storage.db import Database
from silon_desktop.storage.errors import RecordNotFound, ValidationError
from silon_desktop.storage.models import OutboxMutation, Supporter
from silon_desktop.storage.repository import Repository
from sync.protocol import MutationResult, ResultStatus

from .samples import SCOPE, make_tree, pair_values, supporter_values


@pytest.fixture
def repo(db: Database) -> Repository:
    return Repository(db, device_id="dev-1", user="operator1")


def _mutations(db: Database, record_id: str) -> list[OutboxMutation]:
    with db.session(readonly=True) as session:
        query = select(OutboxMutation).where(OutboxMutation.record_id == record_id)
        return list(session.scalars(query.order_by(OutboxMutation.seq)))


def test_create_writes_row_and_create_mutation(db: Database, repo: Repository) -> None:
    ids = make_tree(repo)
    row = repo.get("supporter", ids["supporter"])
    assert row is not None
    assert (row["name"], row["birth_date"], row["version"], row["deleted"]) == (
        "Siti Aminah",
        dt.date(1990, 1, 1),
        0,
        False,
    )
    (mutation,) = _mutations(db, ids["supporter"])
    assert (mutation.op, mutation.base_version, mutation.state) == ("upsert", 0, "pending")
    assert mutation.changes["birth_date"] == [None, "1990-01-01"]
    assert mutation.changes["name"] == [None, "Siti Aminah"]
    assert "external_duplicate" not in mutation.changes  # server-owned
    with db.session(readonly=True) as session:
        assert outbox.counts(session)["pending"] == 6


def test_supporter_effective_status_follows_verification(repo: Repository) -> None:
    ids = make_tree(repo)
    sid = ids["supporter"]
    # Checked MS automatically, verified by nobody yet: no status.
    assert repo.get("supporter", sid)["check_status"] == "MS"  # type: ignore[index]
    assert repo.get("supporter", sid)["effective_status"] == ""  # type: ignore[index]
    repo.update("supporter", sid, {"admin_status": "BMS", "admin_reasons": ["NO_ID_SCAN"]})
    row = repo.get("supporter", sid)
    assert row is not None
    assert (row["effective_status"], row["effective_reasons"]) == ("BMS", "NO_ID_SCAN")
    repo.update("supporter", sid, {"admin_status": "MS", "admin_reasons": []})
    repo.update("supporter", sid, {"field_status": "TMS", "field_reasons": ["DECEASED"]})
    row = repo.get("supporter", sid)
    assert row is not None and row["effective_status"] == "TMS"
    # The documents re-checked: no longer MS administratively, so the field verdict
    # (given to an MS row) no longer counts; it is kept, and counts again at MS.
    repo.update("supporter", sid, {"admin_status": "BMS", "admin_reasons": ["NO_ID_SCAN"]})
    row = repo.get("supporter", sid)
    assert row is not None and row["field_status"] == "TMS"
    assert (row["effective_status"], row["effective_reasons"]) == ("BMS", "NO_ID_SCAN")
    repo.update("supporter", sid, {"admin_status": "MS", "admin_reasons": []})
    row = repo.get("supporter", sid)
    assert row is not None
    assert (row["effective_status"], row["effective_reasons"]) == ("TMS", "DECEASED")


def test_update_queues_only_changed_fields_with_old_values(db: Database, repo: Repository) -> None:
    ids = make_tree(repo)
    pid = ids["pair"]
    with db.session() as session:  # pretend the create was pushed and acknowledged
        (create,) = outbox.waiting(session)[1:2]
        _, claimed = outbox.claim_batch(session, 100)
        assert create.wire["id"] in [c.wire["id"] for c in claimed]
        applied = MutationResult(create.wire["id"], ResultStatus.APPLIED, version=1)
        outbox.record_answers(session, [(applied, applied.to_wire())])
        from silon_desktop.storage.models import Pair

        pair = session.get(Pair, pid)
        assert pair is not None
        pair.version = 1
    assert repo.update("pair", pid, {"head_name": "Asep Sunandar", "number": 2}) is not None
    assert repo.update("pair", pid, {"number": 3}) is not None
    *_, mutation = _mutations(db, pid)
    assert (mutation.base_version, mutation.changes) == (1, {"number": [1, 3]})
    assert repo.update("pair", pid, {"number": 1}) is None  # back to the server's value
    assert [m.state for m in _mutations(db, pid)] == ["acked"]
    assert repo.update("pair", pid, {"number": 1}) is None  # no change at all


def test_delete_is_a_tombstone(db: Database, repo: Repository) -> None:
    ids = make_tree(repo)
    with db.session() as session:
        outbox.claim_batch(session, 100)
    mid = repo.delete("party", ids["party"])
    assert mid is not None
    row = repo.get("party", ids["party"])
    assert row is not None and row["deleted"] is True
    assert repo.list("party") == []
    assert len(repo.list("party", include_deleted=True)) == 1
    assert [m.op for m in _mutations(db, ids["party"])] == ["upsert", "delete"]
    assert repo.delete("party", ids["party"]) is None
    with pytest.raises(RecordNotFound) as caught:
        repo.update("party", ids["party"], {"seats": 1})
    assert caught.value.deleted


def test_create_then_delete_before_push_leaves_nothing_to_send(
    db: Database, repo: Repository
) -> None:
    ids = make_tree(repo)
    assert repo.delete("supporter", ids["supporter"]) is None
    assert _mutations(db, ids["supporter"]) == []
    assert [h["action"] for h in repo.history("supporter", ids["supporter"])] == [
        "create",
        "delete",
    ]
    assert repo.history("supporter", ids["supporter"])[0]["user"] == "operator1"


def test_missing_records_and_parents(repo: Repository) -> None:
    ids = make_tree(repo)
    with pytest.raises(RecordNotFound):
        repo.update("supporter", "00000000-0000-4000-8000-000000000000", {"name": "x"})
    with pytest.raises(RecordNotFound):
        repo.delete("supporter", "00000000-0000-4000-8000-000000000000")
    assert repo.get("supporter", "00000000-0000-4000-8000-000000000000") is None
    with pytest.raises(ValidationError) as caught:
        repo.create("supporter", supporter_values("00000000-0000-4000-8000-000000000000"), SCOPE)
    assert caught.value.field == "pair_id"
    with pytest.raises(ValidationError) as caught:
        repo.create("pair", pair_values(ids["election"]), "32.15")
    assert caught.value.problem == "scope_mismatch"
    with pytest.raises(ValidationError) as caught:
        repo.create("supporter", supporter_values(ids["pair"]), SCOPE, record_id=ids["supporter"])
    assert (caught.value.field, caught.value.problem) == ("id", "exists")


def test_an_elections_region_is_its_scope(repo: Repository) -> None:
    """The server refuses an election whose region code is not its scope (SCOPE_MISMATCH:
    the kab/kota that writes it would publish another region's election); the form's
    region picker offered any kab/kota, and the save was undone at the next sync."""
    ids = make_tree(repo)
    with pytest.raises(ValidationError) as caught:
        repo.update("election", ids["election"], {"region_code": "32.15"})
    assert (caught.value.field, caught.value.problem) == ("region_code", "region_scope_mismatch")
    with pytest.raises(ValidationError) as caught:
        repo.create("election", {"kind": "gubernur", "region_code": "33"}, SCOPE)
    assert (caught.value.field, caught.value.problem) == ("region_code", "region_scope_mismatch")
    assert repo.get("election", ids["election"])["region_code"] == SCOPE  # type: ignore[index]


def test_list_filters(repo: Repository) -> None:
    ids = make_tree(repo)
    second = repo.create("supporter", {**supporter_values(ids["pair"]), "name": "Budi"}, SCOPE)
    assert [r["id"] for r in repo.list("supporter", pair_id=ids["pair"])] == [
        ids["supporter"],
        second,
    ]
    assert [r["name"] for r in repo.list("supporter", name="Budi")] == ["Budi"]
    assert len(repo.list("supporter", limit=1, offset=1)) == 1
    with pytest.raises(ValidationError):
        repo.list("supporter", no_such_column=1)


def test_concurrent_edits_from_threads_all_land(db: Database, repo: Repository) -> None:
    ids = make_tree(repo)
    created: list[str] = []

    def work(n: int) -> None:
        for i in range(5):
            values = {**supporter_values(ids["pair"]), "name": f"Pendukung {n}-{i}"}
            created.append(repo.create("supporter", values, SCOPE))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(repo.list("supporter")) == 16
    with db.session(readonly=True) as session:
        assert outbox.counts(session)["pending"] == 6 + 15


def _statements(db: Database) -> list[str]:
    """The SQL the engine runs from now on (first words of each statement)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()[:3]))

    event.listen(db.engine, "before_cursor_execute", record)
    return seen


def _pushed(db: Database, supporter_id: str) -> None:
    """Every waiting mutation sent, the supporter at version 1 (as the server applied
    it): later edits open a new mutation, an edit back to version 1's values none."""
    with db.session() as session:
        outbox.claim_batch(session, 100)
        row = session.get(Supporter, supporter_id)
        assert row is not None
        row.version = 1


def test_a_verification_edit_writes_its_row_once(db: Database, repo: Repository) -> None:
    """The row (with its changed effective status), its mutation and journal line go
    in one flush: the supporter is updated by one statement, not once for the edit
    and again for the derived columns."""
    sid = make_tree(repo)["supporter"]
    _pushed(db, sid)
    repo.update("supporter", sid, {"name": "Siti Aminah Dewi"})  # opens a new mutation
    seen = _statements(db)
    before = dt.datetime.now(dt.UTC)
    repo.update("supporter", sid, {"admin_status": "BMS", "admin_reasons": ["NO_ID_SCAN"]})
    after = dt.datetime.now(dt.UTC)
    assert sorted(s for s in seen if not s.startswith("SELECT")) == [
        "BEGIN IMMEDIATE",
        "INSERT INTO record_history",
        "UPDATE outbox SET",
        "UPDATE supporter SET",
    ]
    row = repo.get("supporter", sid)
    assert row is not None
    assert (row["effective_status"], row["effective_reasons"]) == ("BMS", "NO_ID_SCAN")
    *_, mutation = _mutations(db, sid)
    assert mutation.changes == {
        "name": ["Siti Aminah", "Siti Aminah Dewi"],
        "admin_status": ["", "BMS"],
        "admin_reasons": [[], ["NO_ID_SCAN"]],
    }
    *_, line = repo.history("supporter", sid)
    assert (line["action"], line["user"], line["device_id"], line["mutation_id"]) == (
        "update",
        "operator1",
        "dev-1",
        mutation.mutation_id,
    )
    assert line["changes"] == {"admin_status": ["", "BMS"], "admin_reasons": [[], ["NO_ID_SCAN"]]}
    assert before <= line["at"] <= after
    assert [h["action"] for h in repo.history("supporter", sid)] == ["create", "update", "update"]


def test_edits_of_one_record_in_one_transaction_coalesce(db: Database, repo: Repository) -> None:
    """update_many edits a record twice before anything is flushed between them: the
    second edit finds the mutation the first one opened (or changed) in the session."""
    ids = make_tree(repo)
    sid, pid = ids["supporter"], ids["pair"]
    _pushed(db, sid)
    undo = repo.update_many(
        "supporter",
        [(sid, {"name": "Satu"}), (sid, {"rt": "009"}), (sid, {"name": "Dua"})],
    )
    assert undo == [(sid, {"name": "Siti Aminah"}), (sid, {"rt": "001"}), (sid, {"name": "Satu"})]
    waiting = [m for m in _mutations(db, sid) if m.state == "pending"]
    assert [m.changes for m in waiting] == [{"name": ["Siti Aminah", "Dua"], "rt": ["001", "009"]}]
    # Back to the pushed values in one transaction: nothing left to send.
    repo.update_many("supporter", [(sid, {"name": "Siti Aminah"}), (sid, {"rt": "001"})])
    assert [m.state for m in _mutations(db, sid)] == ["sent"]
    # A record whose pair changes: its status is derived under the new pair's rules.
    other = repo.create("pair", {**pair_values(ids["election"]), "number": 2}, SCOPE)
    repo.update_many("supporter", [(sid, {"pair_id": other}), (sid, {"name": "Tiga"})])
    row = repo.get("supporter", sid)
    assert row is not None and (row["pair_id"], row["name"]) == (other, "Tiga")
    (waiting_one,) = [m for m in _mutations(db, sid) if m.state == "pending"]
    assert waiting_one.changes == {"pair_id": [pid, other], "name": ["Siti Aminah", "Tiga"]}
