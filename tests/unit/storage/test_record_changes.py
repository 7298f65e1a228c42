"""A bulk import's creates are markers read from the record when they leave the device:
the outbox stays small, and what is sent is what the eager create would have been."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from sqlalchemy import select

from silon_desktop.importers.store import IMPORT_FIELDS, import_file
from silon_desktop.storage import outbox
from silon_desktop.storage.db import Database, open_database
from silon_desktop.storage.models import Receipt, Supporter
from silon_desktop.storage.record_changes import MARKER, field_names
from silon_desktop.storage.repository import Repository
from sync.protocol import MutationResult, ResultStatus
from sync.receipts import record_history
from tests.fixtures import seed_election
from tests.unit.importers.sheets import supporter_rows, write_xlsx

CREATE_FIELDS = sorted(("pair_id", *IMPORT_FIELDS))


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "silon.db")
    seed_election(database, name="Pemilihan Bupati Purwakarta 2024", head_name="A", deputy_name="B")
    import_file(database, write_xlsx(tmp_path / "d.xlsx", supporter_rows(30)), "p1")
    yield database
    database.close()


def _ids(db: Database) -> list[str]:
    with db.session(readonly=True) as session:
        return list(session.scalars(select(Supporter.id).order_by(Supporter.nik)))


def _answered(db: Database) -> str:
    """Every waiting mutation sent as one batch, applied by the server, and the batch's
    verified receipt kept: the batch id."""
    with db.engine.begin() as conn:
        batch, claimed = outbox.claim_batch(conn, 100)
        answers = [
            (MutationResult(c.wire["id"], ResultStatus.APPLIED, version=1), {"status": "applied"})
            for c in claimed
        ]
        outbox.record_answers(conn, answers)
    with db.session() as session:
        session.add(Receipt(batch_id=batch, server_time="t", body={}, signature="s", verified=True))
    return batch


def test_the_outbox_holds_no_supporter_values(db: Database) -> None:
    conn = sqlite3.connect(db.path)
    try:
        texts = [r[0] for r in conn.execute("SELECT changes FROM outbox WHERE entity='supporter'")]
        niks = [r[0] for r in conn.execute("SELECT nik FROM supporter")]
    finally:
        conn.close()
    assert len(texts) == 30
    assert all(MARKER in t and len(t) < 40 for t in texts)
    assert not any(nik in t for nik in niks for t in texts)


def test_a_create_leaves_with_the_record_s_values_and_later_edits(db: Database) -> None:
    first, second, third = _ids(db)[:3]
    repo = Repository(db, device_id="dev", user="ani")
    repo.update("supporter", first, {"name": "Nama Diperbaiki"})  # an imported field
    repo.update("supporter", second, {"admin_status": "MS", "admin_by": "ani"})  # another one
    repo.delete("supporter", third)  # never pushed: create and delete both drop
    with db.engine.begin() as conn:
        batch, claimed = outbox.claim_batch(conn, 100)
    assert batch and len(claimed) == 29  # one create per live record, nothing else
    sent = {c.wire["record_id"]: c.mutation() for c in claimed}
    assert third not in sent
    fixed = sent[first]
    assert fixed.base_version == 0 and sorted(fixed.changes) == CREATE_FIELDS
    assert fixed.changes["name"] == (None, "Nama Diperbaiki")
    verified = sent[second].changes
    assert verified["admin_status"] == ("", "MS") and verified["admin_by"] == ("", "ani")
    assert verified["nik"][0] is None and len(verified["nik"][1]) == 16
    assert MARKER not in orjson.loads(claimed[0].changes_json)
    # The wire form is the same fragment the push sends.
    assert orjson.loads(orjson.dumps(claimed[0].wire))["changes"] == orjson.loads(
        claimed[0].changes_json
    )


def test_names_of_the_fields_a_marked_create_sets(db: Database) -> None:
    record = _ids(db)[0]
    with db.engine.connect() as conn:
        assert outbox.waiting_fields(conn, record) == set(CREATE_FIELDS)
        waiting = outbox.waiting_by_record(conn, [record])[record]
    assert sorted(waiting[0]["changes"]) == CREATE_FIELDS  # compared with server records
    assert field_names("supporter", {MARKER: [None, 0b110], "admin_status": ["", "MS"]}) == [
        "admin_status",
        "name",
        "nik",
    ]
    (entry,) = record_history(db, "supporter", record)
    assert list(entry.fields) == CREATE_FIELDS


def test_acknowledged_creates_are_archived_with_their_field_names(db: Database) -> None:
    record = _ids(db)[0]
    _answered(db)
    moved = outbox.archive_acknowledged(db.path, db.engine)
    assert moved == 29  # the newest row stays (it keeps the sequence rising)
    with db.engine.connect() as conn:
        assert outbox.counts(conn)[outbox.State.ACKED] == 1
    archived = outbox.archived(db.path, "supporter", record)
    assert archived and archived[0]["fields"] == CREATE_FIELDS
    (entry,) = record_history(db, "supporter", record)
    assert list(entry.fields) == CREATE_FIELDS and entry.receipt_verified


def test_archived_rows_share_their_field_names_and_older_rows_still_read(db: Database) -> None:
    """Issue 19: the archive keeps each distinct list of field names once (an import's
    creates all name the same fields); rows archived before, with their names in the
    row, read as they did beside the new ones."""
    first, second = _ids(db)[:2]
    path = outbox.archive_path(db.path)
    with sqlite3.connect(path) as old:  # an archive as the previous release wrote it
        old.execute(outbox._ARCHIVE_SCHEMA[0])
        old.execute(
            "INSERT INTO acked (mutation_id, seq, entity, record_id, scope, op, fields, state,"
            " archived_at) VALUES ('m-old', 0, 'supporter', ?, '32.14', 'upsert',"
            " '[\"name\",\"nik\"]', 'acked', '2026-12-01 08:00:00.000000')",
            (first,),
        )
    old.close()
    _answered(db)
    assert outbox.archive_acknowledged(db.path, db.engine) == 29
    history = outbox.archived(db.path, "supporter", first)
    assert [(h["mutation_id"], h["fields"]) for h in history][0] == ("m-old", ["name", "nik"])
    assert history[1]["fields"] == CREATE_FIELDS and "fieldset" not in history[1]
    assert outbox.archived(db.path, "supporter", second)[0]["fields"] == CREATE_FIELDS
    with sqlite3.connect(path) as conn:
        sets = conn.execute("SELECT names FROM fieldsets").fetchall()
        stored = conn.execute("SELECT DISTINCT fields FROM acked WHERE fieldset IS NOT NULL")
        assert stored.fetchall() == [("",)]  # the names are in the one field set
    conn.close()
    assert sets == [(orjson.dumps(CREATE_FIELDS).decode(),)]


def test_archived_rows_share_their_batch_and_read_back_whole(db: Database) -> None:
    """Issue 19: what a batch's rows share (its id, when it was sent, acknowledged and
    archived, the scope, the operation, the state) is kept once in the archive; each
    row reads back with every value it had in the outbox."""
    batch = _answered(db)
    columns = "mutation_id, entity, record_id, scope, op, state, sent_at, batch_id, acked_at"
    with sqlite3.connect(db.path) as conn:
        before = {r[0]: r for r in conn.execute(f"SELECT {columns} FROM outbox")}
    conn.close()
    assert outbox.archive_acknowledged(db.path, db.engine) == 29
    path = outbox.archive_path(db.path)
    with sqlite3.connect(path) as conn:
        shared = conn.execute("SELECT batch_id, scope, op, state FROM batches").fetchall()
        own = conn.execute(
            "SELECT DISTINCT scope, op, state, batch_id, sent_at, acked_at FROM acked"
        ).fetchall()
    conn.close()
    assert shared == [(batch, "32.14", "upsert", "acked")]
    assert own == [("", "", "", None, None, None)]
    read = [item for record in _ids(db) for item in outbox.archived(db.path, "supporter", record)]
    assert len(read) == 29
    for item in read:
        got = tuple(item[name] for name in columns.split(", "))
        assert got == before[item["mutation_id"]] and item["archived_at"]


def test_retention_gives_the_freed_pages_back_to_the_disk(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from silon_desktop.storage import retention

    monkeypatch.setattr(retention, "_VACUUM_PAGES", 1)  # a page per step: many steps

    def pages() -> tuple[int, int, int]:
        conn = sqlite3.connect(db.path)
        try:
            return tuple(  # type: ignore[return-value]
                conn.execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("auto_vacuum", "page_count", "freelist_count")
            )
        finally:
            conn.close()

    with db.engine.begin() as conn:
        batch, claimed = outbox.claim_batch(conn, 100)
        outbox.record_answers(
            conn,
            [
                (MutationResult(c.wire["id"], ResultStatus.APPLIED, version=1), {"raw": "x" * 400})
                for c in claimed
            ],
        )
    with db.session() as session:
        session.add(Receipt(batch_id=batch, server_time="t", body={}, signature="s", verified=True))
    mode, before, _ = pages()
    assert mode == 2  # a new file is made with auto_vacuum = INCREMENTAL
    assert retention.apply(db, measure=False).archived == 29
    _, after, free = pages()
    assert free == 0 and after < before
