"""Importing into the local database: rows with outbox, re-import updates, cancel leaves nothing."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from silon_desktop.importers.errors import ImportFileError
from silon_desktop.importers.pipeline import ImportCancelled
from silon_desktop.importers.store import IMPORT_CACHE_KIB, UnknownPair, import_file
from silon_desktop.storage import outbox
from silon_desktop.storage.db import Database, open_database
from silon_desktop.storage.models import OutboxMutation, Supporter
from sync.protocol import MutationResult, ResultStatus
from tests.fixtures import seed_election
from tests.unit.importers.sheets import supporter_rows, write_xlsx


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "silon.db")
    seed_election(database, name="Pemilihan Bupati Purwakarta 2024", head_name="A", deputy_name="B")
    yield database
    database.close()


def dump(db: Database) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db.path)
    try:
        rows = conn.execute("SELECT * FROM supporter ORDER BY id").fetchall()
        rows += conn.execute("SELECT * FROM outbox ORDER BY seq").fetchall()
        return rows
    finally:
        conn.close()


def _push_all(session: Session) -> None:
    """The first push goes out and every mutation is applied at version 1."""
    _, claimed = outbox.claim_batch(session, 100)
    applied = [MutationResult(c.wire["id"], ResultStatus.APPLIED, version=1) for c in claimed]
    outbox.record_answers(session, [(r, r.to_wire()) for r in applied])


def test_import_stores_rows_with_create_mutations(db: Database, tmp_path: Path) -> None:
    rows = supporter_rows(30)
    rows[3][1] = ""  # no NIK: reported, not stored
    rows[4][1] = "123"  # bad NIK: stored with TMS
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    report = import_file(db, path, "p1", batch_size=7, assume_id_scan=True)
    assert report.total == 30
    assert report.stored == {"inserted": 29, "updated": 0, "unchanged": 0}
    assert report.rows[3].codes == ["MISSING_FIELD"]
    with db.session(readonly=True) as session:
        stored = session.scalars(select(Supporter).order_by(Supporter.nik)).all()
        mutations = [c.mutation() for c in outbox.waiting(session)]
        assert len(stored) == 29 and len(mutations) == 29
        bad = next(s for s in stored if s.nik == "123")
        assert (bad.check_status, bad.check_reasons) == ("TMS", ["NIK_FORMAT"])
        # The check is a forecast: no person verified the row yet.
        assert (bad.effective_status, bad.effective_reasons) == ("", "NIK_FORMAT")
        assert all(s.round == "submission" and s.has_id_scan for s in stored)
        assert all(s.scope == "32.14" and s.version == 0 and not s.deleted for s in stored)
        assert {s.kecamatan_code for s in stored} <= {
            "32.14.01",
            "32.14.02",
            "32.14.03",
            "32.14.04",
        }
        by_record = {m.record_id: m for m in mutations}
        first = stored[-1]
        mutation = by_record[first.id]
        assert mutation.base_version == 0 and mutation.op == "upsert"
        assert mutation.changes["nik"] == (None, first.nik)
        assert mutation.changes["birth_date"] == (None, first.birth_date.isoformat())  # type: ignore[union-attr]
        assert mutation.changes["pair_id"] == (None, "p1")
        assert mutation.changes["check_reasons"] == (None, [])


def test_the_summary_says_how_many_rows_were_not_stored_for_want_of_a_nik(
    db: Database, tmp_path: Path
) -> None:
    """Rows without a NIK are counted in the report's statuses but never stored: the
    summary said "Baris data: 6, BMS: 2" and "Disimpan: 4 baru", and the supporters
    table then showed no BMS row at all, with nothing to say why."""
    rows = supporter_rows(6)
    rows[1][1] = ""
    rows[4][1] = "  "
    report = import_file(db, write_xlsx(tmp_path / "a.xlsx", rows), "p1", assume_id_scan=True)
    assert report.counts() == {"MS": 4, "BMS": 2, "TMS": 0}
    lines = report.summary_lines()
    assert "Disimpan: 4 baru, 0 diperbarui, 0 tidak berubah" in lines
    assert "Tidak disimpan: 2 baris tanpa NIK (ada di daftar masalah)" in lines
    with db.session(readonly=True) as session:
        assert session.query(Supporter).count() == report.total - 2
    assert report.rows_without_nik() == 2


def test_reimport_of_a_corrected_file_updates(db: Database, tmp_path: Path) -> None:
    rows = supporter_rows(10)
    rows[2][2] = ""  # missing name
    rows[6] = list(rows[5])  # an identical duplicate: two records
    rows[6][0] = 7
    import_file(db, write_xlsx(tmp_path / "v1.xlsx", rows), "p1", assume_id_scan=True)

    # The first push goes out: the server knows version 1 of every record.
    with db.session() as session:
        _push_all(session)
        session.execute(update(Supporter).values(version=1))

    rows[2][2] = "Nama Sudah Diisi"
    report = import_file(
        db, write_xlsx(tmp_path / "v2.xlsx", rows), "p1", assume_id_scan=True, replace=True
    )
    assert report.stored == {"inserted": 0, "updated": 1, "unchanged": 9, "withdrawn": 0}
    with db.session(readonly=True) as session:
        assert session.query(Supporter).count() == 10
        fixed = session.scalars(select(Supporter).where(Supporter.name == "Nama Sudah Diisi")).one()
        assert fixed.check_status == "MS" and fixed.effective_status == ""
        pending = outbox.waiting(session)
        assert len(pending) == 1
        mutation = pending[0].mutation()
        assert mutation.record_id == fixed.id and mutation.base_version == 1
        assert mutation.changes["name"] == ("", "Nama Sudah Diisi")
        assert mutation.changes["check_status"] == ("BMS", "MS")
        assert set(mutation.changes) == {"name", "check_status", "check_reasons"}

    # A second correction before any push coalesces into the same pending mutation.
    rows[2][2] = "Nama Diperbaiki Lagi"
    import_file(db, write_xlsx(tmp_path / "v3.xlsx", rows), "p1", assume_id_scan=True, replace=True)
    with db.session(readonly=True) as session:
        pending = outbox.waiting(session)
        assert len(pending) == 1
        assert pending[0].mutation().changes["name"] == ("", "Nama Diperbaiki Lagi")


def test_cancel_leaves_the_database_exactly_as_before(db: Database, tmp_path: Path) -> None:
    import_file(db, write_xlsx(tmp_path / "a.xlsx", supporter_rows(5)), "p1")
    before = dump(db)
    cancel = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done >= 40:
            cancel.set()

    path = write_xlsx(tmp_path / "b.xlsx", supporter_rows(200, seed=5, start_sequence=500))
    with pytest.raises(ImportCancelled):
        import_file(db, path, "p1", progress=progress, cancel=cancel, batch_size=20)
    assert seen and seen[-1] < 200
    assert dump(db) == before


def test_an_unreadable_file_or_unknown_pair_writes_nothing(db: Database, tmp_path: Path) -> None:
    before = dump(db)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ImportFileError):
        import_file(db, bad, "p1")
    with pytest.raises(UnknownPair):
        import_file(db, write_xlsx(tmp_path / "a.xlsx", supporter_rows(2)), "nope")
    assert dump(db) == before


def test_late_potential_duplicate_is_rewritten_in_the_store(db: Database, tmp_path: Path) -> None:
    rows = supporter_rows(9)
    rows[8] = list(rows[0])
    rows[8][2] = "Orang Lain"
    import_file(db, write_xlsx(tmp_path / "d.xlsx", rows), "p1", batch_size=3, assume_id_scan=True)
    with db.session(readonly=True) as session:
        same = session.scalars(select(Supporter).where(Supporter.nik == rows[0][1])).all()
        assert [s.check_reasons for s in same] == [["DUPLICATE_POTENTIAL"]] * 2
        assert session.query(OutboxMutation).count() == 9  # coalesced into the creates
        creates = [c.mutation() for c in outbox.waiting(session)]
        first = next(m for m in creates if m.record_id == same[0].id)
        assert first.changes["check_reasons"] == (None, ["DUPLICATE_POTENTIAL"])


def test_reverting_a_correction_before_the_push_leaves_nothing_to_send(
    db: Database, tmp_path: Path
) -> None:
    rows = supporter_rows(4)
    original = write_xlsx(tmp_path / "v1.xlsx", rows)
    import_file(db, original, "p1", assume_id_scan=True)
    with db.session() as session:
        _push_all(session)
        session.execute(update(Supporter).values(version=1))
    rows[0][7] = "Pedagang Keliling"
    import_file(db, write_xlsx(tmp_path / "v2.xlsx", rows), "p1", assume_id_scan=True, replace=True)
    with db.session(readonly=True) as session:
        assert len(outbox.waiting(session)) == 1
    again = import_file(db, original, "p1", assume_id_scan=True, replace=True)
    assert again.stored == {"inserted": 0, "updated": 1, "unchanged": 3, "withdrawn": 0}
    with db.session(readonly=True) as session:
        assert outbox.waiting(session) == []  # changed back: the update dropped out
        assert session.query(OutboxMutation).count() == 4


def _schema(db: Database) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db.path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        ).fetchall()
    finally:
        conn.close()


def test_import_into_an_empty_table_keeps_the_indexes(db: Database, tmp_path: Path) -> None:
    """The secondary indexes are built after the rows (empty table): same schema,
    a consistent database, and a cancel leaves both schema and rows as they were."""
    schema, before = _schema(db), dump(db)
    cancel = threading.Event()
    path = write_xlsx(tmp_path / "b.xlsx", supporter_rows(60, seed=3))
    with pytest.raises(ImportCancelled):
        import_file(
            db, path, "p1", progress=lambda done, _: cancel.set(), cancel=cancel, batch_size=20
        )
    assert (_schema(db), dump(db)) == (schema, before)
    report = import_file(db, path, "p1", batch_size=20)
    assert report.stored == {"inserted": 60, "updated": 0, "unchanged": 0}
    assert _schema(db) == schema  # integrity_check also compares every index with the rows
    conn = sqlite3.connect(db.path)
    try:
        plan = conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM supporter WHERE pair_id = 'p1' AND nik = ?"
            " AND deleted IS 0",  # the bulk writer's lookup of live records by NIK
            ("1",),
        ).fetchall()
    finally:
        conn.close()
    assert "ix_supporter_pair_nik" in str(plan)


def test_an_import_builds_the_indexes_with_the_sort_cache_then_restores_its_own(
    db: Database, tmp_path: Path
) -> None:
    """#19: into an empty table, each of the supporter indexes is built after the rows
    with the small sort cache (a 1.2M-row import: 8.3 s against 10.3 with the import's
    32 MB), and the import's cache comes back for what follows (the late flags)."""
    from silon_desktop.storage.indexes import KEPT_DURING_LOAD, SORT_CACHE_KIB

    at_create: list[int] = []
    at_update: list[int] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        head = statement.lstrip().upper()
        if head.startswith(("CREATE INDEX", "UPDATE SUPPORTER")):
            size = int(cursor.connection.execute("PRAGMA cache_size").fetchone()[0])
            (at_create if head.startswith("CREATE") else at_update).append(size)

    rows = supporter_rows(30)
    rows[25] = list(rows[0])
    rows[25][2] = "Orang Lain"  # a late flag: its UPDATE runs after the indexes
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        import_file(db, write_xlsx(tmp_path / "i.xlsx", rows), "p1", batch_size=5)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    names = [
        name
        for kind, name, table, sql in _schema(db)
        if kind == "index" and table == "supporter" and sql
    ]
    assert len(names) >= 6
    assert len(at_create) == len(set(names) - KEPT_DURING_LOAD) == len(names) - 2
    assert set(at_create) == {-SORT_CACHE_KIB}
    assert at_update == [-IMPORT_CACHE_KIB]


@contextmanager
def _supporter_updates(db: Database) -> Iterator[list[int]]:
    """Counts the UPDATE statements on the supporter table (an ``executemany`` counts once)."""
    seen: list[int] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE SUPPORTER"):
            seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_many_late_duplicates_are_settled_together(db: Database, tmp_path: Path) -> None:
    """Rows written before a later row made them duplicates (the batches are small)
    all get their final verdict, in one UPDATE for the lot, not one per row; a NIK
    repeated three times flags both earlier rows."""
    rows = supporter_rows(60)
    for k in range(10):  # rows 0-9 come back at 40-49 as another person: potensi
        rows[40 + k] = list(rows[k])
        rows[40 + k][2] = f"Orang Lain {k}"
    rows[55] = list(rows[0])  # and row 0 a third time, as yet another person
    rows[55][2] = "Orang Ketiga"
    rows[50] = list(rows[20])  # an exact copy: ganda identik (only the copy is flagged)
    with _supporter_updates(db) as updates:
        report = import_file(
            db, write_xlsx(tmp_path / "d.xlsx", rows), "p1", batch_size=5, assume_id_scan=True
        )
    assert len(report.late_updates) == 10
    assert len(updates) == 1
    with db.session(readonly=True) as session:
        stored = {
            (s.nik, s.name): s for s in session.scalars(select(Supporter)).all()
        }  # every row kept: 60 (NIK, name) pairs but the exact copy shares one
        assert session.query(Supporter).count() == 60
        for k in range(10):
            first = stored[(rows[k][1], rows[k][2])]
            assert first.check_reasons == ["DUPLICATE_POTENTIAL"], k
            assert first.effective_reasons == "DUPLICATE_POTENTIAL"
            assert stored[(rows[k][1], f"Orang Lain {k}")].check_reasons == ["DUPLICATE_POTENTIAL"]
        assert stored[(rows[0][1], "Orang Ketiga")].check_reasons == ["DUPLICATE_POTENTIAL"]
        copies = session.scalars(select(Supporter).where(Supporter.nik == rows[20][1])).all()
        assert sorted(len(s.check_reasons) for s in copies) == [0, 1]
        assert session.query(OutboxMutation).count() == 60  # coalesced into the creates
        creates = {c.mutation().record_id: c.mutation() for c in outbox.waiting(session)}
        first = stored[(rows[3][1], rows[3][2])]
        assert creates[first.id].changes["check_reasons"] == (None, ["DUPLICATE_POTENTIAL"])


def _governor_pair(db: Database) -> None:
    """Make ``p1`` a pair of the province's (Jawa Barat's) governor election."""
    from silon_desktop.storage.models import Election, Pair

    with db.session() as session:
        session.execute(update(Election).values(kind="gubernur", region_code="32", scope="32"))
        session.execute(update(Pair).values(scope="32"))


@pytest.mark.parametrize("parallel", [False, True])
def test_a_kabkota_account_stores_only_its_share_of_a_province_list(
    db: Database, tmp_path: Path, parallel: bool
) -> None:
    """Rows of other kab/kota (and of none found) are left out, counted apart, and the
    duplicates among the stored rows are theirs alone."""
    from tests.unit.importers.sheets import HEADER

    _governor_pair(db)
    rows = [[*row, "Kab. Purwakarta"] for row in supporter_rows(8)]
    for row in rows[0], rows[1], rows[2], rows[6]:
        row[11], row[12], row[13] = "Dago", "Coblong", "KOTA BANDUNG"
    rows[5][11], rows[5][12], rows[5][13] = "Nowhere", "Nowhere", "Nowhere"
    rows[7][1:9] = rows[6][1:9]  # the same person as an outside row: not a duplicate here
    path = write_xlsx(tmp_path / "gub.xlsx", rows, [*HEADER, "KABUPATEN/KOTA"])
    seen: list[tuple[int, int]] = []
    report = import_file(
        db,
        path,
        "p1",
        batch_size=3,
        assume_id_scan=True,
        account_scope="32.14",
        parallel=parallel,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert report.outside_share == [2, 3, 4, 7, 8]
    assert [r.row for r in report.rows] == [5, 6, 9]
    assert report.counts() == {"MS": 3, "BMS": 0, "TMS": 0}
    assert report.stored == {"inserted": 3, "updated": 0, "unchanged": 0}
    assert seen[-1][0] == 8
    with db.session(readonly=True) as session:
        stored = session.scalars(select(Supporter)).all()
        assert {s.kabkota_code for s in stored} == {"32.14"} and len(stored) == 3
        assert len(list(outbox.waiting(session))) == 3
    assert "baris 2-4, 7-8" in report.summary_lines()[-1]


def test_an_import_of_nothing_in_the_accounts_area_stores_nothing_and_says_so(
    db: Database, tmp_path: Path
) -> None:
    _governor_pair(db)
    path = write_xlsx(tmp_path / "a.xlsx", supporter_rows(3))
    report = import_file(db, path, "p1", account_scope="32.15")
    assert (report.total, report.outside_share, report.stored["inserted"]) == (0, [2, 3, 4], 0)  # type: ignore[index]
