from __future__ import annotations

import datetime as dt

import pytest

from silon_desktop.storage import outbox
from silon_desktop.storage.db import Database
from silon_desktop.storage.errors import ValidationError
from silon_desktop.storage.models import Supporter
from silon_desktop.storage.records import (
    apply_remote,
    check_values,
    row_to_wire,
    wire_to_columns,
)
from silon_desktop.storage.repository import Repository
from sync.protocol import Record

from .samples import SCOPE, make_tree, supporter_values

REMOTE = "44444444-4444-4444-8444-444444444444"


def test_wire_round_trip_of_a_row(db: Database) -> None:
    repo = Repository(db, "dev")
    ids = make_tree(repo)
    row = repo.get("supporter", ids["supporter"])
    assert row is not None
    wire = row_to_wire("supporter", row)
    assert wire["birth_date"] == "1990-01-01" and wire["has_id_scan"] is True
    assert set(wire) == {f for f in wire_to_columns("supporter", wire)}
    back = wire_to_columns("supporter", wire)
    assert back["birth_date"] == dt.date(1990, 1, 1)
    assert row_to_wire("supporter", back) == wire


def test_wire_to_columns_blanks_nulls_and_refuses_bad_values() -> None:
    columns = wire_to_columns(
        "supporter",
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
    assert columns["admin_at"] == dt.datetime(2024, 6, 1, 2, 3, 4)  # naive UTC
    assert wire_to_columns("supporter", {"a_newer_server_field": 1}) == {}
    with pytest.raises(ValidationError) as caught:
        wire_to_columns("supporter", {"birth_date": "2024-02-30"})
    assert (caught.value.field, caught.value.problem) == ("birth_date", "invalid_date")
    with pytest.raises(ValidationError):
        wire_to_columns("supporter", {"has_id_scan": "yes"})


def test_check_values_normalises_operator_input() -> None:
    checked = check_values(
        "supporter",
        {"name": None, "birth_date": "1990-01-02", "admin_at": "2024-06-01T09:00:00+07:00"},
    )
    assert checked == {
        "name": "",
        "birth_date": dt.date(1990, 1, 2),
        "admin_at": dt.datetime(2024, 6, 1, 2, 0),
    }


def test_apply_remote_writes_without_a_mutation(db: Database) -> None:
    repo = Repository(db, "dev")
    ids = make_tree(repo)
    fields = {**supporter_values(ids["pair"]), "external_duplicate": True}
    wire = row_to_wire("supporter", fields)
    with db.session() as session:
        before = outbox.counts(session)
        row = apply_remote(session, Record("supporter", REMOTE, SCOPE, 7, False, wire))
        assert isinstance(row, Supporter)
        assert outbox.counts(session) == before
    got = repo.get("supporter", REMOTE)
    assert got is not None
    assert (got["version"], got["external_duplicate"], got["name"]) == (7, True, "Siti Aminah")
    # a NIK supporting another pair makes the supporter TMS (DUPLICATE_EXTERNAL)
    assert "DUPLICATE_EXTERNAL" in got["effective_reasons"]


def test_apply_remote_keeps_fields_and_applies_tombstones(db: Database) -> None:
    repo = Repository(db, "dev")
    ids = make_tree(repo)
    sid = ids["supporter"]
    repo.update("supporter", sid, {"name": "Nama Lokal"})
    theirs = row_to_wire("supporter", {**supporter_values(ids["pair"]), "name": "Nama Server"})
    theirs["rt"] = "009"
    with db.session() as session:
        apply_remote(
            session, Record("supporter", sid, SCOPE, 3, False, theirs), keep_fields={"name"}
        )
    got = repo.get("supporter", sid)
    assert got is not None and (got["name"], got["rt"], got["version"]) == ("Nama Lokal", "009", 3)
    with db.session() as session:
        apply_remote(session, Record("supporter", sid, SCOPE, 4, True, theirs))
    got = repo.get("supporter", sid)
    assert got is not None and got["deleted"] is True and got["version"] == 4
