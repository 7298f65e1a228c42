"""A corrected list replacing the earlier import: a preview first, then the rows no
longer in the file withdrawn (tombstones with a reason), all or nothing."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from silon_desktop.cli import main
from silon_desktop.importers import replace
from silon_desktop.importers.pipeline import ImportCancelled, ImportOptions
from silon_desktop.importers.store import import_file, pair_context
from silon_desktop.storage.db import Database, open_database
from silon_desktop.storage.models import OutboxMutation, Supporter
from tests.fixtures import seed_election
from tests.unit.importers.sheets import supporter_rows, write_xlsx

GARBLED = ("3.21E+15", "3.2101E+15", "3.2102E+15")  # NIKs Excel turned into numbers


@pytest.fixture
def db(data_dir: Path) -> Iterator[Database]:
    database = open_database(data_dir / "silon.db")
    seed_election(database, name="Pemilihan Bupati Purwakarta 2024", head_name="A")
    yield database
    database.close()


def _first_import(db: Database, tmp_path: Path) -> tuple[Path, int]:
    """The first list (3 NIKs garbled), as if pushed; then the corrected file."""
    first = supporter_rows(10)
    for row, nik in zip(first, GARBLED, strict=False):
        row[1] = nik
    import_file(db, write_xlsx(tmp_path / "awal.xlsx", first), "p1", assume_id_scan=True)
    with db.session() as session:  # pushed and acknowledged: deletes must reach the server
        session.query(OutboxMutation).delete()
        for row in session.scalars(select(Supporter)):
            row.version = 1
    # A supporter of the correction round: another round, never replaced here.
    with db.session() as session:
        session.add(
            Supporter(
                id="late-1",
                scope="32.14",
                version=1,
                deleted=False,
                pair_id="p1",
                nik="3214010101900099",
                round="correction_1",
            )
        )
    corrected = supporter_rows(10)
    corrected[5][2] = "NAMA DIPERBAIKI"
    del corrected[9]
    return write_xlsx(tmp_path / "perbaikan.xlsx", corrected), 1


def _live(db: Database) -> list[Supporter]:
    with db.session(readonly=True) as session:
        return list(session.scalars(select(Supporter).where(Supporter.deleted.is_(False))))


def _options(db: Database) -> ImportOptions:
    with db.engine.connect() as conn:
        ctx = pair_context(conn, "p1")
    return ImportOptions(ctx.region, ctx.reference_date, ctx.rule_set, assume_id_scan=True)


def test_the_preview_counts_new_changed_and_withdrawn_rows_and_writes_nothing(
    db: Database, tmp_path: Path
) -> None:
    path, _ = _first_import(db, tmp_path)
    before = sqlite3.connect(db.path).execute("SELECT count(*) FROM outbox").fetchone()
    plan = replace.preview(db, path, "p1", _options(db))
    assert (plan.new, plan.changed, plan.unchanged, plan.withdrawn) == (3, 1, 5, 4)
    assert {nik for nik, _name in plan.withdrawn_examples} >= set(GARBLED)
    assert plan.changed_examples[0][1] == "NAMA DIPERBAIKI"
    assert "3 baru, 1 berubah, 5 tetap, 4 ditarik" in plan.lines()[0]
    assert len(_live(db)) == 11
    after = sqlite3.connect(db.path).execute("SELECT count(*) FROM outbox").fetchone()
    assert before == after


def test_replacing_withdraws_the_rows_no_longer_in_the_file(db: Database, tmp_path: Path) -> None:
    path, _ = _first_import(db, tmp_path)
    report = import_file(db, path, "p1", assume_id_scan=True, replace=True, user="ani")
    assert report.stored == {"inserted": 3, "updated": 1, "unchanged": 5, "withdrawn": 4}
    assert "Ditarik: 4 (tidak ada di berkas perbaikan)" in report.summary_lines()
    live = _live(db)
    assert len(live) == 10  # the 9 rows of the corrected file and the correction-round row
    assert not {s.nik for s in live} & set(GARBLED)
    with db.session(readonly=True) as session:
        gone = session.scalars(select(Supporter).where(Supporter.deleted.is_(True))).all()
        assert len(gone) == 4
        assert {g.withdrawn_reason for g in gone} == {"diganti_impor"}
        assert {g.withdrawn_by for g in gone} == {"ani"}
        # Provenance: every replaced row names the file that replaced it, exactly.
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        notes = {g.withdrawn_note for g in gone}
        assert len(notes) == 1
        (note,) = notes
        assert note.startswith(f"Diganti berkas perbaikan {path.name} (SHA-256 {digest}), ")
        deletes = session.scalars(select(OutboxMutation).where(OutboxMutation.op == "delete")).all()
        assert sorted(d.record_id for d in deletes) == sorted(g.id for g in gone)
        assert all(d.changes["withdrawn_reason"] == ["", "diganti_impor"] for d in deletes)
        assert all(d.changes["withdrawn_note"] == ["", note] for d in deletes)


def test_a_corrected_list_of_a_correction_round_replaces_only_that_round(
    db: Database, tmp_path: Path
) -> None:
    """Each row belongs to the round it was submitted in: a correction-round file
    replacing that round's import matches only that round's rows. An NIK only the
    submission holds becomes a row of the correction round, classified as a duplicate
    as any further part's row would be, and the submission's row is left as it was
    (the replacement's preview says "baru" for it too)."""
    first = supporter_rows(3)
    first[0][6] = ""  # marital status missing: BMS in the submission
    import_file(db, write_xlsx(tmp_path / "awal.xlsx", first), "p1", assume_id_scan=True)
    fix = [list(first[0]), *supporter_rows(2, seed=7, start_sequence=500)]
    fix[0][6] = "S"
    fix[0][2] = "NAMA DI PERBAIKAN"
    path = write_xlsx(tmp_path / "perbaikan.xlsx", fix)
    plan = replace.preview(db, path, "p1", _options(db), round="correction_1")
    assert (plan.new, plan.changed, plan.withdrawn) == (3, 0, 0)

    report = import_file(
        db, path, "p1", assume_id_scan=True, round="correction_1", replace=True, user="ani"
    )
    assert report.stored == {"inserted": 3, "updated": 0, "unchanged": 0, "withdrawn": 0}
    nik = first[0][1]
    rows = {(s.round, s.nik): s for s in _live(db)}
    assert len(rows) == 6
    kept = rows[("submission", nik)]
    assert (kept.name, kept.marital_status) == (first[0][2], "")  # untouched
    added = rows[("correction_1", nik)]
    assert (added.name, added.marital_status) == ("NAMA DI PERBAIKAN", "S")
    assert "DUPLICATE_POTENTIAL" in added.check_reasons
    assert "DUPLICATE_POTENTIAL" in kept.check_reasons

    # Replaced again, the correction round's rows are matched by NIK and updated.
    fix[0][2] = "NAMA DI PERBAIKAN LAGI"
    again = import_file(
        db,
        write_xlsx(tmp_path / "perbaikan-2.xlsx", fix),
        "p1",
        assume_id_scan=True,
        round="correction_1",
        replace=True,
        user="ani",
    )
    assert again.stored == {"inserted": 0, "updated": 1, "unchanged": 2, "withdrawn": 0}
    rows = {(s.round, s.nik): s for s in _live(db)}
    assert len(rows) == 6
    assert rows[("correction_1", nik)].name == "NAMA DI PERBAIKAN LAGI"
    assert rows[("submission", nik)].name == first[0][2]


def test_a_duplicate_left_out_of_the_corrected_list_is_withdrawn(
    db: Database, tmp_path: Path
) -> None:
    """The first list held a copy of one supporter (ganda identik) and another person
    under a third one's NIK (potensi ganda); the corrected list has each NIK once. The
    rows it no longer holds are withdrawn like any other: they stayed, because their
    NIK was still in the file, and the preview said nothing would be withdrawn."""
    first = supporter_rows(10)
    first[6] = list(first[5])  # ganda identik
    first[8] = list(first[7])
    first[8][2] = "Orang Lain"  # potensi ganda
    import_file(db, write_xlsx(tmp_path / "awal.xlsx", first), "p1", assume_id_scan=True)
    corrected = [row for i, row in enumerate(first) if i not in (6, 8)]
    path = write_xlsx(tmp_path / "perbaikan.xlsx", corrected)

    plan = replace.preview(db, path, "p1", _options(db))
    # The row whose NIK another person shared is no longer a duplicate: its check
    # changes, so it is "berubah" here and "diperbarui" by the import alike.
    assert (plan.new, plan.changed, plan.unchanged, plan.withdrawn) == (0, 1, 7, 2)
    assert {name for _nik, name in plan.withdrawn_examples} == {first[6][2], "Orang Lain"}

    report = import_file(db, path, "p1", assume_id_scan=True, replace=True, user="ani")
    assert report.stored == {"inserted": 0, "updated": 1, "unchanged": 7, "withdrawn": 2}
    live = _live(db)
    assert len(live) == len(corrected) == report.total
    assert sorted(s.nik for s in live) == sorted(str(row[1]) for row in corrected)
    assert all(s.check_reasons == [] for s in live)
    assert "Orang Lain" not in {s.name for s in live}


def test_a_cancelled_replacement_leaves_everything_as_it_was(db: Database, tmp_path: Path) -> None:
    path, _ = _first_import(db, tmp_path)
    cancel = threading.Event()

    def progress(done: int, _total: int) -> None:
        if done >= 4:
            cancel.set()

    with pytest.raises(ImportCancelled):
        import_file(
            db,
            path,
            "p1",
            assume_id_scan=True,
            replace=True,
            batch_size=4,
            progress=progress,
            cancel=cancel,
        )
    live = _live(db)
    assert len(live) == 11 and set(GARBLED) <= {s.nik for s in live}


def test_the_command_shows_the_preview_and_asks_unless_yes(
    db: Database, tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = _first_import(db, tmp_path)
    args = ["--data-dir", str(data_dir), "import", str(path), "--pair", "p1", "--replace"]
    assert main([*args, "--assume-id-scans"]) == 0  # stdin is no terminal: not replaced
    captured = capsys.readouterr()
    assert "4 ditarik" in captured.out and "Dibatalkan" in captured.out
    assert "--yes" in captured.err
    assert len(_live(db)) == 11
    assert main([*args, "--assume-id-scans", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Berkas perbaikan mengganti impor sebelumnya" in out and "Ditarik: 4" in out
    assert len(_live(db)) == 10
    assert main([*args, "--part"]) == 2


def test_the_preview_counts_a_row_whose_check_changes_as_the_import_does(
    db: Database, tmp_path: Path
) -> None:
    """A corrected file with the same people, now with their KTP-el scans handed in:
    each row's check changes (BMS "Tanpa KTP-el" becomes MS), and the import updates
    every row. The preview compared the person fields only and said "0 berubah", so
    the operator confirmed a replacement that then reported every row updated."""
    rows = supporter_rows(4)
    path = write_xlsx(tmp_path / "daftar.xlsx", rows)
    import_file(db, path, "p1", assume_id_scan=False)  # no scans yet: BMS NO_ID_SCAN
    plan = replace.preview(db, path, "p1", _options(db))  # the scans are in now
    report = import_file(db, path, "p1", assume_id_scan=True, replace=True)
    assert report.stored["updated"] == 4
    assert (plan.new, plan.changed, plan.unchanged, plan.withdrawn) == (0, 4, 0, 0)
    assert "0 baru, 4 berubah, 0 tetap, 0 ditarik" in plan.lines()[0]
