"""Issue 19: a push's signed receipts leave the working database with their batches.

A 1M-row import's push kept 525 receipts (each listing its 2,000 mutation ids) in the
working file: 14 bytes per supporter of an encrypted database's 509. Once every
mutation of a batch is in the archive, its receipt follows, kept as it came: the
record's history and the proof of filing read it from there."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from silon_desktop.storage import outbox, retention
from silon_desktop.storage.db import Database, open_database
from silon_desktop.storage.models import Receipt, Supporter
from silon_desktop.storage.repository import Repository
from silon_desktop.storage.types import pack_json
from sync import signing
from sync.protocol import MutationResult, ResultStatus
from sync.receipts import receipt_of, record_history, store_receipt, verify_receipt
from tests.unit.sync.harness import SCOPE, supporter_values

KEY = signing.generate_private_key()
PUBLIC = signing.public_key_b64(KEY)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "silon.db")
    repo = Repository(database, device_id="dev", user="ani")
    election = repo.create(
        "election", {"name": "Uji", "kind": "bupati", "region_code": SCOPE}, SCOPE
    )
    pair = repo.create("pair", {"election_id": election, "number": 1}, SCOPE)
    with database.engine.begin() as conn:  # the election and the pair: filed already
        conn.execute(text("DELETE FROM outbox"))
    assert pair
    yield database
    database.close()


def _push(db: Database, count: int, *, signed: bool = True) -> tuple[str, list[str]]:
    """``count`` new supporters sent as one batch, answered and its receipt stored."""
    repo = Repository(db, device_id="dev", user="ani")
    with db.engine.connect() as conn:
        start = int(conn.execute(text("SELECT count(*) FROM supporter")).scalar_one())
        pair = str(conn.execute(text("SELECT id FROM pair")).scalar_one())
    ids = [repo.create("supporter", supporter_values(pair, start + n), SCOPE) for n in range(count)]
    return acknowledged(db, signed=signed), ids


def acknowledged(db: Database, *, signed: bool = True) -> str:
    """Every waiting mutation sent as one batch, answered, its receipt stored (signed by
    :data:`KEY`, else by another key); returns the batch id."""
    with db.engine.begin() as conn:
        batch, claimed = outbox.claim_batch(conn, 1000)
        results = [MutationResult(c.wire["id"], ResultStatus.APPLIED, version=1) for c in claimed]
        outbox.record_answers(conn, [(r, {"status": "applied"}) for r in results])
        body = {
            "batch_id": batch,
            "server_time": "2026-12-06T05:00:00Z",
            "results": [[r.mutation_id, "applied", 1] for r in results],
        }
        signature = signing.sign(KEY if signed else signing.generate_private_key(), body)
        store_receipt(conn, batch, {"body": body, "signature": signature}, PUBLIC)
    return batch


def _working(db: Database, sql: str) -> list[tuple[object, ...]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def _archive(db: Database, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(outbox.archive_path(db.path)) as conn:
        return conn.execute(sql).fetchall()


def test_a_receipt_follows_its_batch_to_the_archive_as_it_came(db: Database) -> None:
    first, first_ids = _push(db, 5)
    last, _ = _push(db, 3)  # the newest outbox row stays, and so does its receipt
    stored = _working(db, f"SELECT body, signature FROM receipt WHERE batch_id = '{first}'")
    report = retention.apply(db)
    assert report.archived == 7 and report.receipts == 1
    assert _working(db, "SELECT batch_id FROM receipt") == [(last,)]
    assert _archive(db, "SELECT body, signature FROM receipts") == stored  # the same bytes
    receipt = receipt_of(db, first)
    assert receipt is not None and receipt["verified"] and receipt["server_time"]
    assert verify_receipt(receipt, PUBLIC, first)
    (entry,) = record_history(db, "supporter", first_ids[0])
    assert entry.batch_id == first and entry.receipt_verified
    assert entry.server_time == "2026-12-06T05:00:00Z"
    assert receipt_of(db, last) is not None and receipt_of(db, "no-such-batch") is None
    # the next retention finds nothing more to move, and the archived one stays once
    assert retention.apply(db).receipts == 0
    assert _archive(db, "SELECT count(*) FROM receipts") == [(1,)]


def test_a_receipt_cut_short_between_the_two_files_is_moved_once(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, first_ids = _push(db, 4)
    _push(db, 1)
    assert outbox.archive_acknowledged(db.path, db.engine) == 4
    monkeypatch.setattr(outbox, "_RECEIPTS_DELETE", text("DELETE FROM no_such_table"))
    with pytest.raises(Exception, match="no_such_table"):
        outbox.archive_receipts(db.path, db.engine)  # written to the archive, then cut
    assert _working(db, f"SELECT count(*) FROM receipt WHERE batch_id = '{first}'") == [(1,)]
    assert _archive(db, "SELECT count(*) FROM receipts") == [(1,)]
    (entry,) = record_history(db, "supporter", first_ids[0])
    assert entry.receipt_verified  # read from either file meanwhile
    monkeypatch.undo()
    assert outbox.archive_receipts(db.path, db.engine) == 1
    assert _working(db, f"SELECT count(*) FROM receipt WHERE batch_id = '{first}'") == [(0,)]
    assert _archive(db, "SELECT count(*) FROM receipts") == [(1,)]
    assert verify_receipt(receipt_of(db, first) or {}, PUBLIC, first)


def test_a_receipt_stays_while_its_batch_has_a_row_or_it_did_not_verify(db: Database) -> None:
    unverified, _ = _push(db, 2, signed=False)
    pending, _ = _push(db, 2)
    assert _working(db, "SELECT batch_id, verified FROM receipt ORDER BY verified") == [
        (unverified, 0),
        (pending, 1),
    ]
    report = retention.apply(db)
    # the unverified batch's rows are not archived (and its receipt, unproven, stays);
    # the verified batch keeps its newest row, so its receipt stays too
    assert report.receipts == 0
    assert {r[0] for r in _working(db, "SELECT batch_id FROM receipt")} == {unverified, pending}
    # a receipt no outbox row names any more, but unverified, stays where it is
    with db.engine.begin() as conn:
        conn.execute(text(f"DELETE FROM outbox WHERE batch_id = '{unverified}'"))
    assert outbox.archive_receipts(db.path, db.engine) == 0
    assert {r[0] for r in _working(db, "SELECT batch_id FROM receipt")} == {unverified, pending}


def test_the_batches_left_are_read_through_the_state_index(db: Database) -> None:
    """A large import waiting unsent (pending rows carry no batch) is not scanned at
    each retention: the outbox's batches are found through its state index."""
    from sqlalchemy.dialects import sqlite

    _push(db, 2)

    def sql(statement: object) -> str:
        compiled = statement.compile(  # type: ignore[attr-defined]
            dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}
        )
        return str(compiled)

    with db.engine.connect() as conn:
        plan = " ".join(
            str(row[-1])
            for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql(outbox._BATCHES_LEFT)}")
        )
    assert "SEARCH outbox USING INDEX ix_outbox_state" in plan, plan
    sent = {s.value for s in outbox.State} - {outbox.State.PENDING.value}
    for statement in (outbox._BATCHES_LEFT, outbox._RECEIPTS_DONE.limit(1)):
        listed = sql(statement).split("state IN (")[1].split(")")[0]
        assert {name.strip(" '") for name in listed.split(",")} == sent


def test_an_archive_of_an_older_release_gains_the_receipts_table(db: Database) -> None:
    with sqlite3.connect(outbox.archive_path(db.path)) as old:
        old.execute(outbox._ARCHIVE_SCHEMA[0])  # the acked table only
    old.close()
    assert outbox.archived_receipts(db.path, ["b"]) == {}  # no table yet: nothing
    first, _ = _push(db, 2)
    _push(db, 1)
    assert retention.apply(db).receipts == 1
    assert outbox.archived_receipts(db.path, [first, "other"]) == {
        first: ("2026-12-06T05:00:00Z", True)
    }


def test_a_receipt_body_is_stored_packed_in_both_files(db: Database) -> None:
    first, _ = _push(db, 2)
    _push(db, 1)
    with db.session(readonly=True) as session:
        body = session.scalars(select(Receipt.body).where(Receipt.batch_id == first)).one()
    retention.apply(db)
    (stored,) = _archive(db, f"SELECT body FROM receipts WHERE batch_id = '{first}'")[0]
    assert stored == pack_json(body)
    with db.session(readonly=True) as session:
        assert session.scalars(select(Supporter.id)).all()  # the records stay


def test_a_full_disk_under_the_archive_is_the_operators_message_and_loses_nothing(
    db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The archive is written through its own ``sqlite3`` connection: a full disk there
    escaped as a raw ``sqlite3.OperationalError``, which the application's retention
    after a sync and at start (``Services.retain``: "never fails the caller") did not
    catch. It is now the store's DiskFull, and nothing was moved or lost."""
    from silon_desktop import paths
    from silon_desktop.config import Settings
    from silon_desktop.services.app import Services
    from silon_desktop.storage.errors import DiskFull

    first, _ = _push(db, 300)
    _push(db, 1)
    real = outbox._open_archive

    def full(database: Path) -> sqlite3.Connection:  # no page more than it has now
        conn = real(database)
        (pages,) = conn.execute("PRAGMA page_count").fetchone()
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(outbox, "_open_archive", full)
    with pytest.raises(DiskFull):
        retention.apply(db)
    waiting = _working(db, "SELECT count(*) FROM outbox WHERE state = 'acked'")
    assert waiting == [(301,)]  # every acknowledged mutation still in the outbox
    assert _working(db, f"SELECT count(*) FROM receipt WHERE batch_id = '{first}'") == [(1,)]
    services = Services(paths.resolve(db.path.parent), Settings(), db)
    assert services.retain() is None
    assert "retention skipped" in caplog.text
    monkeypatch.undo()
    assert retention.apply(db).archived == 300  # the disk has room again: all of it moves


def test_a_damaged_archive_is_said_never_read_as_an_empty_one(db: Database) -> None:
    """The archive holds acknowledged changes and their receipts (the proof of filing).
    Damaged, its reads raised a raw ``sqlite3.DatabaseError`` ("file is not a
    database") out of the record's history, and the history dialog with it. Now: the
    store's CorruptDatabase, and the history gives what the working database keeps
    with the reason, so the operator is told the list is incomplete."""
    from silon_desktop.storage.errors import CorruptDatabase
    from sync.receipts import read_history

    first, first_ids = _push(db, 5)
    last, last_ids = _push(db, 2)  # the newest row of the list stays in the outbox
    assert retention.apply(db).archived == 6
    (entry,) = record_history(db, "supporter", first_ids[0])  # from the archive
    assert entry.receipt_verified
    path = outbox.archive_path(db.path)
    path.write_bytes(b"\x00garbage, not a database\x00" * 400)

    with pytest.raises(CorruptDatabase):
        record_history(db, "supporter", first_ids[0])
    with pytest.raises(CorruptDatabase):
        receipt_of(db, first)
    with pytest.raises(CorruptDatabase):
        outbox.archived_receipts(db.path, [first])
    found = read_history(db, "supporter", first_ids[0])
    assert found.entries == [] and isinstance(found.archive_problem, CorruptDatabase)
    assert found.archive_file == path
    newest = read_history(db, "supporter", last_ids[-1])  # still in the working database
    assert [e.batch_id for e in newest.entries] == [last]
    assert isinstance(newest.archive_problem, CorruptDatabase)  # said even so
    # Retention failed here at every sync (the outbox kept growing). It now sets the
    # damaged file aside, as it is, and archives into a new one.
    damaged = path.read_bytes()
    third, _ = _push(db, 3)
    assert _working(db, "SELECT count(*) FROM outbox WHERE state = 'acked'") == [(4,)]
    done = retention.apply(db)
    assert done.archived == 3  # all but the newest row of the list
    assert _working(db, "SELECT count(*) FROM outbox WHERE state = 'acked'") == [(1,)]
    (aside,) = outbox.damaged_archives(db.path)
    assert aside.name.startswith("outbox-archive.rusak-") and aside.read_bytes() == damaged
    assert done.set_aside == (aside,)  # for the operator (the status bar, the command)
    assert retention.apply(db).set_aside == ()  # said once
    assert outbox.archive_problem(db.path) is None  # the new one reads
    assert receipt_of(db, third) is not None  # the new archive's receipts are read
    # What the damaged file held is missing from every record's history: said, and the
    # file set aside named.
    found = read_history(db, "supporter", first_ids[0])
    assert found.entries == [] and isinstance(found.archive_problem, CorruptDatabase)
    assert found.archive_file == aside
    newest = read_history(db, "supporter", last_ids[-1])  # now from the new archive
    assert [e.batch_id for e in newest.entries] == [last] and newest.entries[0].receipt_verified
    assert newest.archive_file == aside
    with pytest.raises(CorruptDatabase):  # the whole history is not there to give
        record_history(db, "supporter", last_ids[-1])
    # Damaged again: set aside under another name, the first one kept.
    outbox.archive_path(db.path).write_bytes(b"\x00" * 4096)
    _push(db, 1)
    again = retention.apply(db).set_aside
    assert len(outbox.damaged_archives(db.path)) == 2 and aside.read_bytes() == damaged
    assert again == (outbox.damaged_archives(db.path)[-1],) and again[0] != aside


def test_an_archive_that_is_only_busy_is_not_set_aside(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a damaged archive is set aside: a locked one (another program holding it,
    an antivirus scan) is the store's DatabaseLocked, and the file stays in place."""
    from silon_desktop.storage.errors import DatabaseLocked

    _push(db, 3)
    _push(db, 1)
    assert retention.apply(db).archived == 3
    path = outbox.archive_path(db.path)
    before = path.read_bytes()

    def busy(_path: Path) -> sqlite3.Connection:
        error = sqlite3.OperationalError("database is locked")
        error.sqlite_errorcode = 5  # type: ignore[attr-defined]  # SQLITE_BUSY
        raise error

    monkeypatch.setattr(outbox, "_archive_connection", busy)
    _push(db, 2)
    with pytest.raises(DatabaseLocked):
        retention.apply(db)
    assert outbox.damaged_archives(db.path) == [] and path.read_bytes() == before
    assert _working(db, "SELECT count(*) FROM outbox WHERE state = 'acked'") == [(3,)]


def test_an_archive_without_its_tables_reads_as_empty_and_unreadable_as_a_problem(
    db: Database,
) -> None:
    from silon_desktop.storage.errors import StorageUnavailable
    from sync.receipts import read_history

    _first, ids = _push(db, 2)
    path = outbox.archive_path(db.path)
    sqlite3.connect(path).close()  # a file made before anything was archived
    assert outbox.archived(db.path, "supporter", ids[0]) == []
    assert read_history(db, "supporter", ids[0]).archive_problem is None
    path.unlink()
    path.mkdir()  # a folder where the file should be: cannot be opened
    found = read_history(db, "supporter", ids[0])
    assert isinstance(found.archive_problem, StorageUnavailable)
    assert [e.mutation_id for e in found.entries] != []  # the working rows still shown


def test_the_retention_command_says_a_damaged_archive_was_set_aside(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    from silon_desktop import cli

    _push(db, 4)
    assert retention.apply(db).archived >= 3
    outbox.archive_path(db.path).write_bytes(b"rusak" * 2000)
    _push(db, 2)
    db.close()  # the command opens the folder itself (the fixture closes it again)
    assert cli.main(["--data-dir", str(db.path.parent), "retention"]) == 0
    out = capsys.readouterr().out
    (aside,) = outbox.damaged_archives(db.path)
    assert (
        f"Arsip outbox-archive.db rusak: disisihkan apa adanya sebagai {aside.name} "
        "dan arsip baru dibuat." in out
    )
    assert "hubungi admin KPU" in out and aside.read_bytes() == b"rusak" * 2000


def test_the_start_says_a_damaged_archive_it_set_aside(db: Database) -> None:
    """Retention also runs at start (after the automatic backup): what it set aside
    there reaches the start's health report, which the window says in a box."""
    from silon_desktop import paths
    from silon_desktop.config import Settings
    from silon_desktop.services.app import Services

    _push(db, 3)
    _push(db, 1)
    assert retention.apply(db).archived == 3
    outbox.archive_path(db.path).write_bytes(b"rusak" * 2000)
    _push(db, 2)
    services = Services(paths.resolve(db.path.parent), Settings(), db)
    health = services.start_checks()
    (aside,) = outbox.damaged_archives(db.path)
    assert health.archive_set_aside == aside.name and not health.damaged
    assert services.start_checks().archive_set_aside == ""  # said once


@pytest.mark.parametrize("damaged", ["sqlite_autoindex_acked_1", "receipts"])
def test_an_archive_damaged_past_its_schema_is_set_aside_at_the_write(
    db: Database, damaged: str
) -> None:
    """An archive whose schema still reads but whose deeper pages are malformed opened
    as before and failed at retention's write, at every sync, while the outbox grew.
    It is set aside at that write as at its opening, the write goes into a new archive,
    and nothing leaves the working database that no archive commit holds."""
    from sync.receipts import read_history

    _push(db, 300)
    _push(db, 300)
    first, first_ids = _push(db, 1)
    assert retention.apply(db).archived == 600
    path = outbox.archive_path(db.path)
    with sqlite3.connect(path) as conn:
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (damaged,))
    with path.open("r+b") as file:  # the page after the schema's, as a disk fault leaves it
        file.seek((root[0] - 1) * page_size)
        file.write(b"\xa5" * page_size)
    assert outbox.archive_problem(db.path) is None  # its schema reads: it opens as before
    damaged_bytes = path.read_bytes()
    third, third_ids = _push(db, 3)

    done = retention.apply(db)

    assert done.archived == 3  # the first batch's one row and the third's first two
    (aside,) = outbox.damaged_archives(db.path)
    assert done.set_aside == (aside,)
    with aside.open("rb") as file:  # kept as it was found: the damage is still there
        file.seek((root[0] - 1) * page_size)
        assert file.read(page_size) == b"\xa5" * page_size
    assert _working(db, "SELECT count(*) FROM outbox WHERE state = 'acked'") == [(1,)]
    assert _archive(db, "SELECT batch_id FROM receipts") == [(first,)]  # in the new one
    assert outbox.archive_problem(db.path) is None
    found = read_history(db, "supporter", third_ids[0])
    assert found.archive_file == aside  # the history names what is missing from it
    if damaged == "receipts":
        # The rows went into the damaged file before its receipts' pages were reached:
        # they are its history now, said missing; nothing else is lost.
        assert aside.read_bytes() != damaged_bytes
        assert _archive(db, "SELECT count(*) FROM acked") == [(0,)] and found.entries == []
    else:  # found at the first write: the file is as it was, the rows in the new one
        assert aside.read_bytes() == damaged_bytes
        assert _archive(db, "SELECT count(*) FROM acked") == [(3,)]
        assert [e.batch_id for e in found.entries] == [third]
    assert retention.apply(db).set_aside == ()  # said once
