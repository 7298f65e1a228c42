"""A list in parts: a further part adds its rows and finds duplicates across the parts."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, literal_column, select

from silon_desktop.importers.pipeline import ImportCancelled
from silon_desktop.importers.store import import_file
from silon_desktop.storage import outbox
from silon_desktop.storage.db import Database, open_database
from silon_desktop.storage.models import Supporter
from tests.fixtures import seed_election
from tests.unit.importers.sheets import supporter_rows, write_csv, write_xlsx


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "silon.db")
    seed_election(database, name="Pemilihan Bupati Purwakarta 2024", head_name="A", deputy_name="B")
    yield database
    database.close()


def _parts() -> tuple[list[list[object]], list[list[object]], str, str]:
    """Two parts of one list; part 2 repeats one supporter of part 1 exactly and
    carries another part-1 NIK with a different name."""
    rows = supporter_rows(40)
    first, second = rows[:25], rows[25:]
    same = list(first[3])  # identical: ganda identik
    other = list(first[10])
    other[2] = "Orang Lain Sama Sekali"  # same NIK, other person: potensi ganda
    second = [second[0], same, second[1], other, *second[2:]]
    return first, second, str(same[1]), str(other[1])


def test_a_list_in_two_parts_keeps_every_row_and_classifies_shared_niks(
    db: Database, tmp_path: Path
) -> None:
    """The second part is imported like the first (no flag): nothing is overwritten."""
    first, second, same_nik, other_nik = _parts()
    import_file(db, write_xlsx(tmp_path / "1.xlsx", first), "p1", batch_size=4, assume_id_scan=True)
    report = import_file(
        db, write_csv(tmp_path / "2.csv", second), "p1", batch_size=4, assume_id_scan=True
    )
    assert report.stored == {"inserted": len(second), "updated": 0, "unchanged": 0}
    assert report.earlier_updates  # the part-1 row of the other person
    assert report.earlier_duplicates() == 2
    assert "NIK yang sudah ada di pasangan ini: 2 baris (ditandai ganda)" in report.summary_lines()
    shared = [r for r in report.rows if r.nik in (same_nik, other_nik)]
    assert [r.codes for r in shared] == [["DUPLICATE_IDENTICAL"], ["DUPLICATE_POTENTIAL"]]
    with db.session(readonly=True) as session:
        stored = session.scalars(select(Supporter)).all()
        assert len(stored) == len(first) + len(second)  # every row kept
        by_nik: dict[str, list[Supporter]] = {}
        for s in session.scalars(
            select(Supporter).order_by(Supporter.nik, literal_column("supporter.rowid"))
        ).all():
            by_nik.setdefault(s.nik, []).append(s)
        kept, copy = by_nik[same_nik]
        assert kept.check_reasons == [] and copy.check_reasons == ["DUPLICATE_IDENTICAL"]
        assert copy.check_status != "MS"
        older, newer = by_nik[other_nik]
        assert older.name != newer.name == "Orang Lain Sama Sekali"  # the first kept its data
        assert older.check_reasons == newer.check_reasons == ["DUPLICATE_POTENTIAL"]
        assert older.effective_reasons == "DUPLICATE_POTENTIAL"
        clean = [s for n, group in by_nik.items() if n not in (same_nik, other_nik) for s in group]
        assert all(s.check_reasons == [] for s in clean)
        # The earlier row's new forecast travels to the server with its create.
        creates = {c.mutation().record_id: c.mutation() for c in outbox.waiting(session)}
        assert creates[older.id].changes["check_reasons"] == (None, ["DUPLICATE_POTENTIAL"])
        assert len(creates) == len(first) + len(second)


def test_a_third_part_classifies_against_both_earlier_parts(db: Database, tmp_path: Path) -> None:
    rows = supporter_rows(30)
    first, second, third = rows[:10], rows[10:20], rows[20:]
    third = [*third, list(first[2]), list(second[4])]  # one supporter of each earlier part
    for number, part in enumerate((first, second, third), 1):
        import_file(db, write_xlsx(tmp_path / f"{number}.xlsx", part), "p1", assume_id_scan=True)
    with db.session(readonly=True) as session:
        assert session.query(Supporter).count() == 32
        copies = [
            s.nik
            for s in session.scalars(select(Supporter))
            if s.check_reasons == ["DUPLICATE_IDENTICAL"]
        ]
    assert sorted(copies) == sorted([str(first[2][1]), str(second[4][1])])


def test_only_a_corrected_file_chosen_as_such_updates_the_pair_s_record(
    db: Database, tmp_path: Path
) -> None:
    first, _second, _same, _other = _parts()
    import_file(db, write_xlsx(tmp_path / "1.xlsx", first), "p1", assume_id_scan=True)
    corrected = [list(row) for row in first]
    corrected[10][2] = "Nama Diperbaiki"
    report = import_file(
        db, write_xlsx(tmp_path / "1b.xlsx", corrected), "p1", assume_id_scan=True, replace=True
    )
    assert report.stored == {"inserted": 0, "updated": 1, "unchanged": 24, "withdrawn": 0}
    assert not report.earlier_duplicates()
    with db.session(readonly=True) as session:
        assert session.query(Supporter).count() == len(first)
        names = session.scalars(select(Supporter.name).where(Supporter.nik == first[10][1])).all()
    assert names == ["Nama Diperbaiki"]


def test_a_cancelled_part_leaves_the_earlier_parts_exactly_as_they_were(
    db: Database, tmp_path: Path
) -> None:
    first, second, _same, _other = _parts()
    import_file(db, write_xlsx(tmp_path / "1.xlsx", first), "p1", assume_id_scan=True)

    def dump() -> list[tuple[object, ...]]:
        conn = sqlite3.connect(db.path)
        try:
            rows = conn.execute("SELECT * FROM supporter ORDER BY id").fetchall()
            return rows + conn.execute("SELECT * FROM outbox ORDER BY seq").fetchall()
        finally:
            conn.close()

    before = dump()
    cancel = threading.Event()

    def progress(done: int, _total: int) -> None:
        if done >= 8:
            cancel.set()

    with pytest.raises(ImportCancelled):
        import_file(
            db,
            write_csv(tmp_path / "2.csv", second),
            "p1",
            batch_size=4,
            progress=progress,
            cancel=cancel,
        )
    assert dump() == before


def test_many_earlier_rows_flagged_by_a_part_are_updated_together(
    db: Database, tmp_path: Path
) -> None:
    """Every part-1 row a further part repeats as another person gets its new forecast,
    in one UPDATE for the lot (not one per row)."""
    rows = supporter_rows(40)
    first, second = rows[:25], rows[25:]
    for k in range(6):
        again = list(first[2 * k])
        again[2] = f"Orang Lain {k}"
        second.append(again)
    import_file(db, write_xlsx(tmp_path / "1.xlsx", first), "p1", batch_size=4, assume_id_scan=True)
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE SUPPORTER"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        report = import_file(
            db, write_csv(tmp_path / "2.csv", second), "p1", batch_size=4, assume_id_scan=True
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(report.earlier_updates) == 6
    assert len(statements) == 1
    with db.session(readonly=True) as session:
        shared = {str(first[2 * k][1]) for k in range(6)}
        flagged = session.scalars(select(Supporter).where(Supporter.nik.in_(shared))).all()
        assert len(flagged) == 12  # each part-1 row and its part-2 namesake, both kept
        assert all(s.check_reasons == ["DUPLICATE_POTENTIAL"] for s in flagged)
        assert session.query(Supporter).count() == len(first) + len(second)


def test_the_summary_of_a_further_part_counts_the_earlier_rows_it_flagged(
    db: Database, tmp_path: Path
) -> None:
    """Part 2 repeats one supporter of part 1 and carries another part-1 NIK with a
    different name: the part-1 row of that NIK becomes potensi ganda (BMS) too. The
    summary counted only part 2's rows (MS 15, BMS 1, TMS 1, "2 baris (ditandai
    ganda)"), so part 1's summary (MS 25) and part 2's added up to MS 40 and BMS 1
    where the pair's forecast now holds MS 39 and BMS 2; it now says the one earlier
    row it flagged."""
    first, second, _same, _other = _parts()
    import_file(db, write_xlsx(tmp_path / "1.xlsx", first), "p1", assume_id_scan=True)
    report = import_file(db, write_csv(tmp_path / "2.csv", second), "p1", assume_id_scan=True)
    assert report.counts() == {"MS": 15, "BMS": 1, "TMS": 1}
    assert report.earlier_flagged == 1
    assert "Baris lama di pasangan ini yang kini ditandai ganda: 1" in report.summary_lines()
    with db.session(readonly=True) as session:
        forecast = dict(
            session.execute(
                select(Supporter.check_status, func.count()).group_by(Supporter.check_status)
            ).all()
        )
    assert forecast == {"MS": 25 + 15 - 1, "BMS": 1 + 1, "TMS": 1}
    # The same part again: every earlier row of its NIKs is flagged already, none anew.
    again = import_file(db, write_csv(tmp_path / "2b.csv", second), "p1", assume_id_scan=True)
    assert again.earlier_flagged == 0
    assert not any("Baris lama di pasangan ini" in line for line in again.summary_lines())
