"""Retention with a real server: acknowledged changes leave the working database, the
receipts follow them to the archive and stay verifiable, deleted supporters' personal data is blanked, the command reports."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from silon_desktop import cli
from silon_desktop.storage import outbox, retention
from silon_desktop.storage.db import open_database
from silon_desktop.storage.types import unpack_json
from sync.client.state import SERVER_KEY, get_state
from sync.receipts import receipt_of, record_history, verify_receipt
from tests.integration.server_process import ServerProcess
from tests.integration.sync.conftest import HttpClient, live, server_feed
from tests.unit.sync.harness import supporter_values

PLANTED_NIK = "3214019876543210"


def _rows(database: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    con = sqlite3.connect(database)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def test_acknowledged_changes_leave_and_deleted_supporters_are_blanked(
    server: ServerProcess,
    http_client: Callable[..., HttpClient],
    region: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    a = http_client("a")
    repo = a.repo
    election = repo.create(
        "election", {"name": "Uji", "kind": "bupati", "region_code": region}, region
    )
    pair = repo.create("pair", {"election_id": election, "number": 1}, region)
    ids = [repo.create("supporter", supporter_values(pair, n), region) for n in range(30)]
    repo.update("supporter", ids[0], {"nik": PLANTED_NIK, "name": "WARGA TERTANAM"})
    assert a.sync().complete
    for sid in ids[:5]:
        repo.delete("supporter", sid)
    assert a.sync().complete
    repo.delete("supporter", ids[5])  # not yet sent: keeps its data
    repo.update("supporter", ids[6], {"address": "Jalan belum terkirim"})  # pending
    before = {
        s: [
            (e.mutation_id, e.state, e.batch_id, e.fields)
            for e in record_history(a.db, "supporter", s)
        ]
        for s in ids[:8]
    }

    database = a.db.path
    argv = ["--data-dir", str(database.parent), "retention"]
    assert cli.main([*argv, "--dry-run"]) == 0
    dry = capsys.readouterr().out
    assert "5 pendukung yang terhapus akan dikosongkan" in dry
    assert _rows(database, "SELECT count(*) FROM supporter WHERE nik = ?", PLANTED_NIK) == [(1,)]

    a.close()
    assert cli.main([*argv, "--vacuum"]) == 0
    out = capsys.readouterr().out
    archived = int(out.split(" perubahan yang sudah diterima server")[0].replace(".", ""))
    assert archived >= 30 + 2 + 5  # every create, the tree and the deletes
    assert "5 pendukung yang terhapus telah dikosongkan data pribadinya" in out
    assert "sesudah VACUUM" in out
    assert outbox.archive_path(database).stat().st_mode & 0o077 == 0  # owner only
    a.restart()

    # the working database keeps only what still waits (and the newest row)
    states = dict(_rows(database, "SELECT state, count(*) FROM outbox GROUP BY state"))
    assert states.get("pending") == 2 and states.get("acked", 0) <= 1
    # the history of every record is what it was, from the archive, receipts verified
    after = {
        s: [
            (e.mutation_id, e.state, e.batch_id, e.fields)
            for e in record_history(a.db, "supporter", s)
        ]
        for s in ids[:8]
    }
    assert after == before
    (entry, *_) = record_history(a.db, "supporter", ids[10])
    assert entry.state == "acked" and entry.receipt_verified and entry.server_time
    with a.db.session(readonly=True) as session:
        key = get_state(session.connection(), SERVER_KEY)
    # its batch left the outbox: the receipt followed it to the archive, as it came
    assert not _rows(database, "SELECT 1 FROM receipt WHERE batch_id = ?", entry.batch_id)
    assert entry.batch_id is not None
    receipt = receipt_of(a.db, entry.batch_id)
    assert receipt is not None and receipt["verified"]
    body = receipt["body"]
    assert verify_receipt({"body": body, "signature": receipt["signature"]}, key, entry.batch_id)
    assert any(r[0] == entry.mutation_id for r in body["results"])
    stored = _rows(
        outbox.archive_path(database),
        "SELECT body FROM receipts WHERE batch_id = ?",
        entry.batch_id,
    )
    assert unpack_json(stored[0][0]) == body  # stored compressed (storage.types.PackedJSON)
    # a receipt whose batch still has a row in the outbox (the newest) stays
    left = _rows(database, "SELECT DISTINCT batch_id FROM outbox WHERE batch_id IS NOT NULL")
    kept = {row[0] for row in _rows(database, "SELECT batch_id FROM receipt")}
    assert {row[0] for row in left} <= kept

    # deleted and acknowledged: personal fields blank; not yet sent: kept
    blank = _rows(
        database,
        "SELECT nik, name, address, birth_date FROM supporter WHERE id IN (?, ?, ?, ?, ?)",
        *ids[:5],
    )
    assert blank == [("", "", "", None)] * 5
    assert _rows(database, "SELECT nik FROM supporter WHERE id = ?", ids[5]) == [
        (supporter_values(pair, 5)["nik"],)
    ]
    journal = _rows(database, "SELECT changes FROM record_history WHERE record_id = ?", ids[0])
    assert journal and all(PLANTED_NIK not in str(c) and "WARGA" not in str(c) for (c,) in journal)
    a.close()
    for path in database.parent.iterdir():  # the working file, the archive: no trace
        if path.is_file():
            assert PLANTED_NIK.encode() not in path.read_bytes(), path.name
    a.restart()

    # the server still has everything: another PC's first sync receives it all
    b = http_client("b")
    assert b.sync().complete
    assert len(live(server_feed(server, b.token))) == len(b.records())
    assert sum(1 for (entity, _), _f in b.records().items() if entity == "supporter") == 25


def test_nothing_is_archived_without_a_verified_receipt(
    http_client: Callable[..., HttpClient], region: str
) -> None:
    a = http_client("a")
    repo = a.repo
    election = repo.create(
        "election", {"name": "Uji", "kind": "bupati", "region_code": region}, region
    )
    repo.create("pair", {"election_id": election, "number": 1}, region)
    assert a.sync().complete
    with a.db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE receipt SET verified = 0")
    done = retention.apply(a.db)
    assert done.archived == 0 and done.receipts == 0
    assert not outbox.archived(a.db.path, "election", election)
    assert _rows(a.db.path, "SELECT count(*) FROM receipt") == [(1,)]  # stays with its batch
    a.close()
    reopened = open_database(a.folder / "silon.db")
    try:
        with reopened.engine.connect() as conn:
            assert (
                conn.exec_driver_sql("SELECT count(*) FROM outbox WHERE state='acked'").scalar()
                == 2
            )
    finally:
        reopened.close()
    a.restart()
