from __future__ import annotations

import datetime as dt

import pytest

from silon_desktop.storage import outbox
from silon_desktop.storage.db import Database
from silon_desktop.storage.records import check_values, row_to_wire
from silon_desktop.storage.repository import Repository
from sync.client.apply import apply_connection, apply_records
from sync.client.columns import record_values
from sync.protocol import MutationResult, Record, ResultStatus

from .samples import SCOPE, make_tree, supporter_values

REMOTE = "44444444-4444-4444-8444-444444444444"


def test_wire_round_trip_of_a_row(db: Database) -> None:
    repo = Repository(db, "dev")
    ids = make_tree(repo)
    row = repo.get("supporter", ids["supporter"])
    assert row is not None
    wire = row_to_wire("supporter", row)
    assert wire["birth_date"] == "1990-01-01" and wire["has_id_scan"] is True
    back = record_values(Record("supporter", ids["supporter"], SCOPE, 0, False, wire))
    assert set(wire) == set(back)
    assert back["birth_date"] == dt.date(1990, 1, 1)
    assert row_to_wire("supporter", back) == wire


def _columns(fields: dict[str, object]) -> dict[str, object]:
    return record_values(Record("supporter", REMOTE, SCOPE, 1, False, fields), fields)


def test_wire_to_columns_blanks_nulls_and_refuses_bad_values() -> None:
    columns = _columns(
        {
            "name": None,
            "check_reasons": None,
            "birth_date": None,
            "admin_at": "2024-06-01T02:03:04Z",
        },
    )
    assert (
        columns["name"] == "" and columns["check_reasons"] == [] and columns["birth_date"] is None
    )
    assert columns["admin_at"] == dt.datetime(2024, 6, 1, 2, 3, 4, tzinfo=dt.UTC)
    newer = Record("supporter", REMOTE, SCOPE, 1, False, {"a_newer_server_field": 1})
    assert "a_newer_server_field" not in record_values(newer)
    with pytest.raises(ValueError, match="birth_date"):
        _columns({"birth_date": "2024-02-30"})
    with pytest.raises(ValueError, match="has_id_scan"):
        _columns({"has_id_scan": "yes"})


def test_check_values_normalises_operator_input() -> None:
    checked = check_values(
        "supporter",
        {"name": None, "birth_date": "1990-01-02", "admin_at": "2024-06-01T09:00:00+07:00"},
    )
    assert checked == {
        "name": "",
        "birth_date": dt.date(1990, 1, 2),
        "admin_at": dt.datetime(2024, 6, 1, 2, 0, tzinfo=dt.UTC),
    }


def test_applying_a_server_record_writes_no_mutation(db: Database) -> None:
    repo = Repository(db, "dev")
    ids = make_tree(repo)
    fields = {**supporter_values(ids["pair"]), "external_duplicate": True}
    wire = row_to_wire("supporter", fields)
    with apply_connection(db) as conn:
        before = outbox.counts(conn)
        stats = apply_records(conn, [Record("supporter", REMOTE, SCOPE, 7, False, wire)])
        assert stats.inserted == 1
        assert outbox.counts(conn) == before
    got = repo.get("supporter", REMOTE)
    assert got is not None
    assert (got["version"], got["external_duplicate"], got["name"]) == (7, True, "Siti Aminah")
    # a NIK supporting another pair makes the supporter TMS (DUPLICATE_EXTERNAL)
    assert "DUPLICATE_EXTERNAL" in got["effective_reasons"]


def test_applying_keeps_fields_of_a_waiting_edit_and_applies_tombstones(db: Database) -> None:
    repo = Repository(db, "dev")
    ids = make_tree(repo)
    sid = ids["supporter"]
    with db.engine.begin() as conn:  # everything pushed and applied at version 1
        _, claimed = outbox.claim_batch(conn, 100)
        applied = [MutationResult(c.wire["id"], ResultStatus.APPLIED, version=1) for c in claimed]
        outbox.record_answers(conn, [(r, r.to_wire()) for r in applied])
    repo.update("supporter", sid, {"name": "Nama Lokal"})
    with db.engine.begin() as conn:  # sent: the server's answer decides about "name"
        outbox.claim_batch(conn, 100)
    theirs = row_to_wire("supporter", {**supporter_values(ids["pair"]), "name": "Nama Server"})
    theirs["rt"] = "009"
    with apply_connection(db) as conn:
        apply_records(conn, [Record("supporter", sid, SCOPE, 3, False, theirs)])
    got = repo.get("supporter", sid)
    assert got is not None and (got["name"], got["rt"], got["version"]) == ("Nama Lokal", "009", 3)
    with apply_connection(db) as conn:
        apply_records(conn, [Record("supporter", sid, SCOPE, 4, True, theirs)])
    got = repo.get("supporter", sid)
    assert got is not None and got["deleted"] is True and got["version"] == 4
