"""Validation without a database in worker processes: the same report as in one process
(every row, note, read cell, duplicate flag, place match and footer), cancel and a
killed worker leave no process behind, an unreadable file fails as before."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import pytest

from silon_desktop.importers import parallel, spread
from silon_desktop.importers.errors import ImportFileError
from silon_desktop.importers.parallel import ValidatorCrashed
from silon_desktop.importers.pipeline import ImportCancelled, ImportOptions, validate_file
from silon_desktop.importers.report import ImportReport
from tests.unit.importers.sheets import (
    HEADER,
    REFERENCE,
    REGION,
    supporter_rows,
    write_csv,
    write_xlsx,
)

BLANK = [""] * len(HEADER)


def _kabupaten_rows() -> list[list[Any]]:
    """A kabupaten's list with a problem of every kind, duplicates near and far
    (across chunks of 7 rows), blank rows among the data and totals under it."""
    rows = supporter_rows(320)
    rows[1][1] = "32140117088"  # too short
    rows[2][1] = "999901" + rows[2][1][6:]  # unknown region in the NIK
    rows[3][5] = "P" if rows[3][5] == "L" else "L"  # sex disagrees with the NIK
    rows[4][2] = ""  # no name
    rows[5][4] = "31-02-1990"  # impossible date
    rows[6][4] = "kemarin"  # unreadable date
    rows[7][4], rows[7][6] = "01-01-2010", "Belum Kawin"  # underage
    rows[8][12], rows[8][11] = "Coblong", "Dago"  # outside the region
    rows[9][7] = "PNS"  # banned occupation
    rows[10][12] = "Purwakrta"  # misspelt kecamatan, matched
    rows[11][12] = "Kecamatan Entah Berantah"  # found nowhere
    rows[12][11] = "Desa Yang Tidak Ada"
    rows[13][11], rows[13][12] = "Cijaya", "Purwakarta"  # a desa of another kecamatan
    rows[14][2] = "N" * 300  # cut to fit
    rows[15][1] = "3214" * 10  # a NIK cut to fit
    rows[16][1] = " " + rows[16][1][:8] + "." + rows[16][1][8:]  # a NIK with a dot
    rows[17][5] = "X"
    rows[18][9] = "12345"  # an RT cut to fit
    rows[19][7] = ""  # no occupation
    rows[20][1] = ""  # no NIK
    rows[21][2] = "  Nama   Dengan  Spasi "
    rows[22][6] = "Cerai Hidup"
    rows[23][1] = "ABC-" + rows[23][1]  # a NIK that is no number
    rows[60] = [61, *rows[23][1:]]  # ... repeated, identical
    rows[24][11], rows[24][12] = "", ""  # no place at all
    rows[25][1] = rows[25][1][:6] + "310290" + rows[25][1][12:]  # an impossible NIK date
    rows[30] = [31, *rows[29][1:]]  # identical copy in the same chunk
    rows[100] = [101, *rows[26][1:]]  # identical copy chunks later
    rows[101] = [102, *rows[26][1:]]  # and again
    rows[300][1] = rows[27][1]  # same NIK, other data, far below: the first is flagged late
    rows[301][1] = rows[27][1]  # a third version of that NIK
    rows[302] = [303, *rows[300][1:]]  # a copy of the second version
    rows[310][1], rows[310][2] = rows[28][1], "Orang Lain"  # potensi of a row 282 rows up
    rows[200] = [201, *rows[200][1:]]
    rows[201][1] = rows[200][1]  # potensi in the next row
    rows[201][2] = "Nama Lain"
    body: list[list[Any]] = []
    for i, row in enumerate(rows):
        body.append(row)
        if i in (0, 40, 41, 150, 299):
            body.append(list(BLANK))  # blank rows among the data
    body.append(["JUMLAH", "", "", "", "", "", "", "", "", "", "", "", ""])
    body.append(list(BLANK))
    body.append(["", "TOTAL: 1.234", "", "", "", "", "", "", "", "", "", "", ""])
    return body


def _province_rows() -> list[list[Any]]:
    """A governor election's list: places ambiguous in the province, told apart or not."""
    rows = supporter_rows(60, seed=3, start_sequence=700)
    for i in range(0, 60, 6):
        rows[i][11], rows[i][12] = "Citeko", "Plered"  # told apart by the desa
        rows[i + 1][11], rows[i + 1][12] = "Cirende", "Campaka"
        rows[i + 2][11], rows[i + 2][12] = "Campaka", "Campaka"  # ambiguous kecamatan
        rows[i + 3][11], rows[i + 3][12] = "Sukamaju", ""  # ambiguous desa
    rows[40][12] = "Coblong"
    rows[41][1] = rows[5][1]
    return rows


def _everything(report: ImportReport) -> tuple[object, ...]:
    return (
        list(report.rows),  # every field of every row (status, codes, notes, read...)
        report.places,
        report.late_updates,
        report.earlier_updates,
        report.footer_rows,
        report.stored,
        report.summary_lines(),
        report.codes(),
        report.path,
        report.sheet,
        report.mapping,
    )


#: Children of the test process from before the test (other tests' servers and
#: helpers in a whole-suite run): never this test's workers.
_EARLIER: set[int] = set()


@pytest.fixture(autouse=True)
def _no_stray_children() -> Iterator[None]:
    """Every worker is gone, and reaped, when a validation returns or raises."""
    _EARLIER.clear()
    _EARLIER.update(child.pid for child in psutil.Process().children(recursive=True))
    yield
    assert [p for p in multiprocessing.active_children() if p.pid not in _EARLIER] == []
    assert _children() == []


def _children() -> list[psutil.Process]:
    """The children this test started (zombies too), but multiprocessing's resource
    tracker, which ``spawn`` starts once and keeps for the life of this process."""
    return [
        child
        for child in psutil.Process().children(recursive=True)
        if child.pid not in _EARLIER and "resource_tracker" not in _command(child)
    ]


def _command(process: psutil.Process) -> str:
    """A process's command line ("" for a zombie, whose command line is gone)."""
    try:
        return " ".join(process.cmdline())
    except (psutil.ZombieProcess, psutil.NoSuchProcess):
        return ""


def _validate(
    path: Path,
    options: ImportOptions,
    spread_out: bool,
    monkeypatch: pytest.MonkeyPatch,
    **kwargs: Any,
) -> ImportReport:
    """:func:`validate_file`, in one process or spread over workers and the caller
    (both of which must have checked chunks)."""
    monkeypatch.setattr(spread, "wanted", lambda _path: spread_out)
    workers: list[int] = []

    def progress(_done: int, _expected: int) -> None:
        workers.append(len(multiprocessing.active_children()))

    with pytest.MonkeyPatch.context() as counting:
        checked = _caller_waits_for_a_worker(counting)
        report = validate_file(path, options, progress=progress, **kwargs)
    assert max(workers) == (spread.WORKERS if spread_out else 0)  # the path asked for
    assert bool(checked.here) == bool(checked.answered) == spread_out
    return report


@dataclass
class _Checked:
    """Chunks checked by the caller, and the pids of the workers that answered one."""

    here: int = 0
    answered: list[int] = field(default_factory=list)


def _caller_waits_for_a_worker(patch: pytest.MonkeyPatch) -> _Checked:
    """The caller's first chunk waits until a worker has started (the caller checks
    chunks itself until then, and a test's small file would be done before), and the
    chunks each side checked are counted."""
    created: list[Any] = []
    checked = _Checked()

    def init(worker: Any, *args: Any, init: Any = spread._Worker.__init__) -> None:
        init(worker, *args)
        created.append(worker)

    def here(checker: Any, rows: Any, chunk: Any = spread._Checker.chunk) -> Any:
        deadline = time.monotonic() + 60
        while not checked.here and not any(worker.started() for worker in created):
            assert time.monotonic() < deadline, "no worker started"
            time.sleep(0.01)
        checked.here += 1
        return chunk(checker, rows)

    def receive(worker: Any, cancel: Any, receive: Any = spread._Worker.receive) -> Any:
        checked.answered.append(worker.process.pid)
        return receive(worker, cancel)

    patch.setattr(spread._Worker, "__init__", init)
    patch.setattr(spread._Checker, "chunk", here)
    patch.setattr(spread._Worker, "receive", receive)
    return checked


@pytest.mark.parametrize(
    ("kind", "earlier", "workers"),
    [("csv", False, 1), ("csv", True, 2), ("xlsx", False, 2), ("xlsx", True, 1)],
)
def test_workers_give_the_report_of_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, earlier: bool, workers: int
) -> None:
    monkeypatch.setattr(spread, "WORKERS", workers)
    monkeypatch.setattr(spread.os, "cpu_count", lambda: 2)
    rows = _kabupaten_rows()
    write = write_csv if kind == "csv" else write_xlsx
    path = write(tmp_path / f"k.{kind}", rows)
    before = supporter_rows(40, seed=9, start_sequence=3000)
    earlier_rows = [
        (1000 + i, str(row[1]), str(row[2]), REFERENCE, "B") for i, row in enumerate(before)
    ]
    earlier_rows += [(7, str(rows[50][1]), "Orang Lain", None, "")]  # flagged by a file row
    earlier_rows += [(8, str(rows[51][1]), str(rows[51][2]), None, "")]
    options = ImportOptions(
        REGION,
        REFERENCE,
        batch_size=7,
        earlier=(lambda: iter(earlier_rows)) if earlier else None,
    )
    one = _validate(path, options, False, monkeypatch)
    many = _validate(path, options, True, monkeypatch)
    assert _everything(many) == _everything(one)
    # The file reaches what it was built for.
    assert one.late_updates and one.footer_rows and len(one.rows) == 320
    notes = {note.partition(":")[0] for row in one.rows for note in row.notes}
    assert notes >= {"impossible", "unreadable", "truncated", "unmatched", "empty"}
    codes = one.codes()
    assert codes["DUPLICATE_IDENTICAL"] >= 4 and codes["DUPLICATE_POTENTIAL"] >= 6
    assert any(row.read for row in one.rows)
    assert bool(one.earlier_updates) == earlier


def test_workers_match_ambiguous_places_as_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spread.os, "cpu_count", lambda: 2)
    path = write_csv(tmp_path / "p.csv", _province_rows())
    options = ImportOptions("32", REFERENCE, batch_size=5, assume_id_scan=True)
    one = _validate(path, options, False, monkeypatch)
    many = _validate(path, options, True, monkeypatch)
    assert _everything(many) == _everything(one)
    notes = {note for row in one.rows for note in row.notes}
    assert notes >= {"ambiguous:kecamatan", "ambiguous:desa"}
    assert any(m.name.startswith("ambigu: ") for m in one.places)


def test_one_core_or_a_small_file_stays_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "s.csv", supporter_rows(10))
    assert not spread.wanted(path)
    monkeypatch.setattr(parallel, "PARALLEL_CSV_ABOVE_BYTES", 100)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    assert spread.wanted(path)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 1)
    assert not spread.wanted(path)


def test_a_writer_keeps_the_one_process_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``on_batch`` (an import) the rows and their values are needed: no workers."""
    monkeypatch.setattr(spread, "wanted", lambda _path: True)
    path = write_csv(tmp_path / "s.csv", supporter_rows(30))
    seen: list[int] = []
    children: list[int] = []

    def on_batch(batch: Any) -> None:
        seen.extend(item.row for item in batch)
        children.append(len(multiprocessing.active_children()))

    validate_file(path, ImportOptions(REGION, REFERENCE, batch_size=4), on_batch=on_batch)
    assert seen == list(range(2, 32)) and set(children) == {0}


def test_an_unreadable_file_fails_as_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = write_csv(tmp_path / "x.csv", [["a", "b"]], header=["FOO", "BAR"])
    empty = write_csv(tmp_path / "e.csv", [BLANK, BLANK])
    broken = tmp_path / "b.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    errors = []
    for spread_out in (False, True):
        monkeypatch.setattr(spread, "wanted", lambda _path, s=spread_out: s)
        for path in (missing, empty, broken, tmp_path / "none.csv"):
            with pytest.raises(ImportFileError) as caught:
                validate_file(path, ImportOptions(REGION, REFERENCE))
            errors.append((caught.value.problem, caught.value.code, str(caught.value)))
    assert errors[:4] == errors[4:]
    assert [e[0] for e in errors[:2]] == ["no_header", "empty"]


def test_cancel_stops_the_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spread, "wanted", lambda _path: True)
    path = write_csv(tmp_path / "c.csv", supporter_rows(400))
    cancel = threading.Event()
    seen: list[int] = []
    workers: list[psutil.Process] = []

    def progress(done: int, _expected: int) -> None:
        seen.append(done)
        workers.extend(_children())
        if done >= 40:
            cancel.set()

    with pytest.raises(ImportCancelled):
        validate_file(
            path, ImportOptions(REGION, REFERENCE, batch_size=20), progress=progress, cancel=cancel
        )
    assert seen and seen[-1] < 400
    assert workers and not any(w.is_running() for w in workers)


def test_a_killed_worker_is_an_error_and_the_other_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spread, "wanted", lambda _path: True)
    monkeypatch.setattr(spread, "WORKERS", 2)
    monkeypatch.setattr(spread.os, "cpu_count", lambda: 2)
    # Enough chunks that some are still to come after the kill: the dead worker is
    # then found whether it had started (its chunk's answer, or the next send) or not
    # (the next chunk asks whether it started).
    path = write_csv(tmp_path / "k.csv", supporter_rows(2000))
    workers: list[psutil.Process] = []

    def progress(done: int, _expected: int) -> None:
        if not workers:
            workers.extend(_children())
            os.kill(workers[0].pid, signal.SIGKILL)
            # Dead before the caller goes on (not reaped: its exit code is the
            # caller's to read). On a loaded machine the signal took effect only
            # after the caller had checked every chunk itself, and nothing was wrong.
            deadline = time.monotonic() + 30
            while workers[0].status() != psutil.STATUS_ZOMBIE:
                assert time.monotonic() < deadline, "the worker did not die"
                time.sleep(0.01)

    with pytest.raises(ValidatorCrashed, match="exit code -9"):
        validate_file(path, ImportOptions(REGION, REFERENCE, batch_size=20), progress=progress)
    assert len(workers) == 2 and not any(w.is_running() for w in workers)


def test_a_failing_worker_names_the_error_not_the_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in a worker comes back as its type and line, never its message (which
    may quote personal data)."""
    monkeypatch.setattr(spread, "wanted", lambda _path: True)
    rows = supporter_rows(30)
    rows[12][2] = "RAHASIA"
    path = write_csv(tmp_path / "f.csv", rows)
    monkeypatch.setattr(spread, "_worker_main", _failing_worker_main)
    _caller_waits_for_a_worker(monkeypatch)
    with pytest.raises(ValidatorCrashed) as caught:
        validate_file(path, ImportOptions(REGION, REFERENCE, batch_size=5))
    assert "RAHASIA" not in str(caught.value)
    assert str(caught.value).startswith("ValueError at ")


class _FailingChecker(spread._Checker):
    """A worker's checker that fails on a chunk, quoting a cell (as a bug might)."""

    def chunk(self, rows: Any) -> Any:
        for _number, cells in rows:
            if cells[2] == "RAHASIA":
                raise ValueError(f"cannot read {cells[2]}")
        return super().chunk(rows)


def _failing_worker_main(*args: Any) -> None:
    """A worker (in its own process) whose checker is :class:`_FailingChecker`."""
    spread._Checker = _FailingChecker  # type: ignore[misc]
    spread._worker_main(*args)


def test_ctrl_c_is_the_callers_to_act_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An interrupt reaching a worker (a terminal's Ctrl+C reaches the whole process
    group) leaves it working: the caller decides, and the report is whole."""
    monkeypatch.setattr(spread, "wanted", lambda _path: True)
    path = write_csv(tmp_path / "i.csv", supporter_rows(400))
    interrupted: list[int] = []
    checked = _caller_waits_for_a_worker(monkeypatch)

    def progress(_done: int, _expected: int) -> None:
        for pid in checked.answered:  # a worker past its start-up
            if pid not in interrupted:
                os.kill(pid, signal.SIGINT)
                interrupted.append(pid)

    report = validate_file(path, ImportOptions(REGION, REFERENCE, batch_size=20), progress=progress)
    assert interrupted and len(report.rows) == 400
    assert len(set(checked.answered)) == 1 and len(checked.answered) > 1  # it went on
