"""Validation in a process of its own beside the writer: the same report and the same
database as in one process, errors raised as in one process, cancel leaves nothing,
no main script run twice, nothing written outside the database."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from silon_desktop.importers import parallel
from silon_desktop.importers.errors import ImportFileError
from silon_desktop.importers.pipeline import ImportCancelled
from silon_desktop.importers.report import ImportReport
from silon_desktop.importers.store import import_file
from silon_desktop.storage.db import Database, open_database
from tests.fixtures import seed_election
from tests.unit.importers.sheets import supporter_rows, write_csv, write_xlsx


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


def _database(path: Path) -> Database:
    database = open_database(path)
    seed_election(database, name="Pemilihan Bupati Purwakarta 2024", head_name="A", deputy_name="B")
    return database


def _stored(path: Path) -> list[tuple[object, ...]]:
    """Every supporter's imported values and verdict, and the outbox, in write order
    (ids and times differ between two imports)."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT nik, name, birth_place, birth_date, sex, marital_status, occupation,"
            " address, rt, rw, desa_code, kecamatan_code, kabkota_code, nik_from_number,"
            " check_status, check_reasons, effective_status, effective_reasons, round,"
            " has_id_scan, version, deleted FROM supporter ORDER BY rowid"
        ).fetchall()
        rows += conn.execute(
            "SELECT o.entity, o.op, o.base_version, o.state, o.changes, s.nik FROM outbox o"
            " JOIN supporter s ON s.id = o.record_id ORDER BY o.seq"
        ).fetchall()
        return rows
    finally:
        conn.close()


def _report(report: ImportReport) -> tuple[object, ...]:
    return (
        [row.to_json() for row in report.rows],
        report.summary_lines(),
        report.late_updates,
        report.earlier_updates,
        report.footer_rows,
        report.stored,
    )


def _awkward_rows() -> tuple[list[list[object]], list[list[object]]]:
    """Two parts of a list with everything a validation keeps state for: duplicates
    inside a batch and across batches (a later row flags one already written),
    identical and differing copies across the parts, unreadable and impossible
    dates, an unknown desa, a long name, a row without NIK."""
    rows = supporter_rows(300)
    rows[40][1] = rows[2][1]  # same NIK, other data: both potensi (the first already written)
    rows[41] = [42, *rows[3][1:]]  # identical copy
    rows[50][4] = "31-02-1990"
    rows[51][4] = "kemarin"
    rows[52][11] = "Desa Yang Tidak Ada"
    rows[53][2] = "N" * 300
    rows[54][1] = ""
    rows[55][5] = "X"
    second = supporter_rows(60, seed=9, start_sequence=4000)
    second[5] = list(rows[10])  # identical to a row of the first part
    other = list(rows[20])
    other[2] = "Orang Lain"
    second[6] = other  # the first part's row becomes potensi ganda
    return rows, second


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("xlsx", {}),
        ("csv", {}),
        # The constant fields a validating process puts into each row's stored values.
        ("csv", {"assume_id_scan": True, "round": "correction_1"}),
    ],
)
def test_a_validating_process_gives_the_same_report_and_rows(
    folder: Path, kind: str, options: dict[str, Any]
) -> None:
    first, second = _awkward_rows()
    write = write_xlsx if kind == "xlsx" else write_csv
    one, two = write(folder / f"1.{kind}", first), write(folder / f"2.{kind}", second)
    results = {}
    for mode in (False, True):
        db = _database(folder / f"{mode}.db")
        try:
            reports = [
                _report(import_file(db, path, "p1", batch_size=16, parallel=mode, **options))
                for path in (one, two)
            ]
        finally:
            db.close()
        results[mode] = (reports, _stored(folder / f"{mode}.db"))
    assert results[True] == results[False]
    reports, stored = results[True]
    assert reports[0][2]  # a late flag was needed: the case is covered
    assert reports[1][3]  # and a row of the first part was flagged by the second
    assert len([row for row in stored if len(row) > 6]) == 299 + 60  # every row with a NIK kept
    supporters = [row for row in stored if len(row) > 6]
    flagged = options.get("assume_id_scan", False)
    assert {(row[18], row[19]) for row in supporters} == {
        (options.get("round", "submission"), flagged)
    }


def test_a_corrected_file_replaces_rows_the_same_way(folder: Path) -> None:
    rows = supporter_rows(80)
    corrected = [list(row) for row in rows[:70]]
    corrected[5][2] = "Nama Diperbaiki"
    results = {}
    for mode in (False, True):
        db = _database(folder / f"{mode}.db")
        try:
            import_file(db, write_xlsx(folder / "a.xlsx", rows), "p1", parallel=mode)
            report = import_file(
                db,
                write_xlsx(folder / "b.xlsx", corrected),
                "p1",
                replace=True,
                parallel=mode,
                user="ani",
            )
        finally:
            db.close()
        results[mode] = (_report(report), _stored(folder / f"{mode}.db"))
    assert results[True] == results[False]
    assert results[True][0][5] == {"inserted": 0, "updated": 1, "unchanged": 69, "withdrawn": 10}


def test_a_file_error_in_the_validating_process_is_the_same_error(folder: Path) -> None:
    path = write_csv(folder / "x.csv", [["a", "b"]], header=["FOO", "BAR"])
    db = _database(folder / "silon.db")
    try:
        errors = []
        for mode in (False, True):
            with pytest.raises(ImportFileError) as caught:
                import_file(db, path, "p1", parallel=mode)
            errors.append((caught.value.problem, caught.value.code, str(caught.value)))
    finally:
        db.close()
    assert errors[0] == errors[1]
    assert errors[0][0] == "no_header"


def test_cancel_stops_the_validating_process_and_leaves_the_database(folder: Path) -> None:
    db = _database(folder / "silon.db")
    try:
        import_file(db, write_xlsx(folder / "a.xlsx", supporter_rows(5)), "p1", parallel=True)
        before = _stored(folder / "silon.db")
        cancel = threading.Event()
        seen: list[int] = []

        def progress(done: int, _total: int) -> None:
            seen.append(done)
            if done >= 40:
                cancel.set()

        path = write_csv(folder / "b.csv", supporter_rows(400, seed=5, start_sequence=500))
        with pytest.raises(ImportCancelled):
            import_file(
                db, path, "p1", progress=progress, cancel=cancel, batch_size=20, parallel=True
            )
        assert seen and seen[-1] < 400
        assert _stored(folder / "silon.db") == before
    finally:
        db.close()


def test_large_files_are_validated_in_a_process_of_their_own(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = write_csv(folder / "small.csv", supporter_rows(10))
    book = write_xlsx(folder / "small.xlsx", supporter_rows(10))
    assert not parallel.wanted(small) and not parallel.wanted(book)
    monkeypatch.setattr(parallel, "PARALLEL_CSV_ABOVE_BYTES", 100)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    assert parallel.wanted(small) and not parallel.wanted(book)  # each format its own size
    monkeypatch.setattr(parallel, "PARALLEL_ABOVE_BYTES", 100)
    assert parallel.wanted(book)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 1)
    assert not parallel.wanted(small)  # one core: nothing to overlap
    assert not parallel.wanted(folder / "missing.csv")


SCRIPT = """
print("START", flush=True)  # no __name__ guard: spawn must not run this again
import sys
from silon_desktop.importers.store import import_file
from silon_desktop.storage.db import open_database
db = open_database(sys.argv[1])
report = import_file(db, sys.argv[2], "p1", parallel=True)
db.close()
print("DONE", report.total, flush=True)
"""


def test_the_validating_process_runs_no_main_script_and_writes_no_file(folder: Path) -> None:
    """A script without a ``__name__`` guard starts once, and the child leaves no file in
    the temp folder (rows travel through pipes only)."""
    db = _database(folder / "silon.db")
    db.close()
    script = folder / "script.py"
    script.write_text(SCRIPT, encoding="utf-8")
    sheet = write_csv(folder / "d.csv", supporter_rows(50))
    temp = folder / "tmp"
    temp.mkdir()
    done = subprocess.run(
        [sys.executable, str(script), str(folder / "silon.db"), str(sheet)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**_env(), "TMPDIR": str(temp)},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["START", "DONE", "50"]
    assert list(temp.iterdir()) == []


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


@pytest.fixture(autouse=True)
def _no_stray_children() -> Iterator[None]:
    """Every validating process is gone when its import returns or raises."""
    yield
    import multiprocessing

    assert multiprocessing.active_children() == []


def test_an_encrypted_database_takes_rows_from_a_validating_process(folder: Path) -> None:
    """The validating process never opens the database: the importer writes into the
    encrypted file with its data key, and the file stays encrypted."""
    from silon_desktop.storage import cipher, keyfile

    key = keyfile.new_data_key()
    path = folder / "silon.db"
    db = open_database(path, key=key)
    try:
        seed_election(db, name="Pemilihan Bupati Purwakarta 2024", head_name="A")
        report = import_file(
            db, write_csv(folder / "d.csv", supporter_rows(120)), "p1", parallel=True
        )
        assert report.stored == {"inserted": 120, "updated": 0, "unchanged": 0}
    finally:
        db.close()
    assert not cipher.is_plain(path)
    db = open_database(path, key=key)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM supporter").scalar() == 120
    finally:
        db.close()


def _report_sigint_blocked(answer: Any) -> None:
    """A child's target: whether SIGINT is blocked in it, sent back through a pipe."""
    import signal as _signal

    answer.send(_signal.SIGINT in _signal.pthread_sigmask(_signal.SIG_BLOCK, []))
    answer.close()


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")
def test_a_ctrl_c_while_a_child_starts_reaches_the_parent_after_and_never_the_child() -> None:
    """A Ctrl+C that comes while a child is being started is not lost (it reaches the
    command as soon as the child has started) and never reaches the child, which
    would print a traceback of its own (the CI run of 9acc296 lost one: ignored, not
    blocked)."""
    context = multiprocessing.get_context("spawn")
    answer, child_end = context.Pipe(duplex=False)
    process = context.Process(target=_report_sigint_blocked, args=(child_end,))
    interrupted = False
    # Python's own Ctrl+C handler, whoever started this run (a shell runs a job
    # started with "&" with SIGINT ignored, and Python then leaves it ignored).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with parallel.child_starting():
            process.start()
            os.kill(os.getpid(), signal.SIGINT)  # the operator presses Ctrl+C now
            time.sleep(0.2)
            assert not interrupted  # held while the child starts
    except KeyboardInterrupt:
        interrupted = True
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        assert interrupted  # delivered once the start was over
        assert answer.poll(60) and answer.recv() is True
    finally:
        parallel.stop(process, 30)
    assert process.exitcode == 0
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
