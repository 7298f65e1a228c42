"""Benchmark: import 100,000 supporter rows from XLSX against a raw baseline.

Generates a 100,000-row B.1-KWK XLSX, then in the same run:

- baseline: the same reader (calamine) reading every row, plus a plain sqlite3
  ``executemany`` of the same rows into a table of the same width;
- import: :func:`silon_desktop.importers.store.import_file` into a fresh local
  database (detection, cleaning, place matching, validation, duplicates, rows
  and outbox mutations, one transaction).

and, to show where the time goes, three parts of the import measured alone:
the reader alone (``read_s``), reading + validation with no writes
(``validate_s``), and the import's own write path fed unchecked rows
(``schema_floor_s``: what the schema, its indexes and the outbox cost however
fast the validation were).

Each is measured in a fresh child process (so neither inherits the other's
memory); ``peak_rss_mb`` is the import process's peak resident set size, start-up
included, with the import's validating process (:mod:`silon_desktop.importers.parallel`). The last line printed is a JSON object: ``rows_per_s``, ``ratio``
(import time over baseline time), ``peak_rss_mb`` and the raw figures. Targets: ratio <= 2.0,
peak RSS < 300 MB.

Run: ``python tests/bench/bench_import.py [--rows N]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.unit.importers.sheets import iter_supporter_rows, write_xlsx  # noqa: E402


def cpu_seconds() -> float:
    """CPU time of this process and of its children that ended (an import's
    validating process is one): user + system."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class PeakRss:
    """Samples the resident set size of a process and its children (an import's
    validating process) in a thread: the peak of their sum.

    ``pid``: the process to watch (default: this one). Watching another process
    from here keeps the sampling's own CPU (a scan of the process table every
    20 ms) out of the measured process."""

    def __init__(self, pid: int | None = None) -> None:
        self.process = psutil.Process(pid)
        self.peak = self._total()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _total(self) -> int:
        try:
            total = self.process.memory_info().rss
            children = self.process.children(recursive=True)
        except psutil.Error:
            return 0  # the watched process has ended
        for child in children:
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass  # ended meanwhile
        return int(total)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self._total())

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._total())


def baseline(path: Path, folder: Path) -> tuple[float, float]:
    """Read the file with calamine and executemany the rows into plain sqlite3."""
    import python_calamine

    start, cpu = time.perf_counter(), time.process_time()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    sheet = book.get_sheet_by_name(book.sheet_names[0])
    conn = sqlite3.connect(folder / "baseline.db")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE rows (" + ", ".join(f"c{i}" for i in range(13)) + ")")
    insert = "INSERT INTO rows VALUES (" + ", ".join("?" * 13) + ")"
    rows = sheet.iter_rows()
    next(rows)
    batch: list[list[object]] = []
    with conn:
        for row in rows:
            batch.append(row)
            if len(batch) >= 2000:
                conn.executemany(insert, batch)
                batch = []
        conn.executemany(insert, batch)
    conn.close()
    book.close()
    return time.perf_counter() - start, time.process_time() - cpu


def read_only(path: Path) -> tuple[float, float]:
    """The reader alone: calamine loading the sheet and yielding every row."""
    import python_calamine

    start, cpu = time.perf_counter(), time.process_time()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    sheet = book.get_sheet_by_name(book.sheet_names[0])
    for _ in sheet.iter_rows():
        pass
    book.close()
    return time.perf_counter() - start, time.process_time() - cpu


def validate_only(path: Path) -> tuple[float, float]:
    """Read, parse, match places, validate and classify duplicates; write nothing."""
    from silon_desktop.importers.pipeline import ImportOptions, validate_file
    from tests.fixtures import SUPPORT_END

    _warm_regions()
    start, cpu = time.perf_counter(), time.process_time()
    validate_file(path, ImportOptions("32.14", SUPPORT_END), on_batch=lambda _: None)
    return time.perf_counter() - start, time.process_time() - cpu


def floor(path: Path, folder: Path) -> tuple[float, float]:
    """The import's own write path WITHOUT validation: the same reader, each row's
    cells handed to the same bulk writer (supporter rows, their indexes rebuilt
    once, one outbox create mutation each, one transaction) as text, unchecked.
    What this schema costs however fast the validation were."""
    import python_calamine

    from silon_desktop.importers import store
    from silon_desktop.storage.bulk import SupporterBulkWriter

    db = _seeded_database(folder / "floor.db")
    start, cpu = time.perf_counter(), time.process_time()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    sheet = book.get_sheet_by_name(book.sheet_names[0])
    rows = sheet.iter_rows()
    next(rows)
    with db.engine.begin() as conn:
        writer = SupporterBulkWriter(conn, "p1", "32.14", store.IMPORT_FIELDS)
        with store._page_cache(conn, store.IMPORT_CACHE_KIB), store._indexes_built_after(conn):
            batch: list[dict[str, object]] = []
            for cells in rows:
                values = _unchecked(cells)
                batch.append(values)
                if len(batch) >= 2000:
                    writer.write(batch)
                    batch = []
            writer.write(batch)
    book.close()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    db.close()
    return elapsed, cpu


def sql_only(path: Path, folder: Path) -> tuple[float, float]:
    """SQLite's share of the write path alone: the rows of :func:`floor`, made ready
    for the import's own statements BEFORE the clock starts (no reading, no
    Python per row), then timed: the supporter insert, the outbox mutations, the
    index rebuild and the commit. Added to ``read_s`` this is the least any
    import into this schema can take."""
    import python_calamine

    from silon_desktop.importers import store
    from silon_desktop.storage.bulk import SupporterBulkWriter

    db = _seeded_database(folder / "sql.db")
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name(book.sheet_names[0]).iter_rows()
    next(rows)
    with db.engine.connect() as conn:
        writer = SupporterBulkWriter(conn, "p1", "32.14", store.IMPORT_FIELDS)
        stamp = "2026-01-01 00:00:00.000000"
        ready = [
            writer._rows.create(record_id, _unchecked(cells), stamp)
            for cells, record_id in zip(rows, writer._ids.take(book_rows(path)), strict=False)
        ]
        conn.rollback()
        start, cpu = time.perf_counter(), time.process_time()
        with (
            conn.begin(),
            store._page_cache(conn, store.IMPORT_CACHE_KIB),
            store._indexes_built_after(conn),
        ):
            for at in range(0, len(ready), 2000):
                writer._rows.insert(conn, ready[at : at + 2000])
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    book.close()
    db.close()
    return elapsed, cpu


def book_rows(path: Path) -> int:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    height = book.get_sheet_by_name(book.sheet_names[0]).height
    book.close()
    return int(height)


_TEXT = ["nik", "name", "birth_place", None, "sex", "marital_status", "occupation",
         "address", "rt", "rw", "desa_code", "kecamatan_code"]  # fmt: skip


def _unchecked(cells: list[object]) -> dict[str, object]:
    """A row's cells as supporter fields, taken as text, unchecked."""
    values: dict[str, object] = {name: str(cells[i]) for i, name in enumerate(_TEXT, 1) if name}
    values.update(birth_date=None, kabkota_code="32.14", nik_from_number=False,
                  check_status="MS", check_reasons=[], round="submission")  # fmt: skip
    return values


def _seeded_database(path: Path) -> Any:
    """A fresh local database with the benchmark's election and pair ``p1``."""
    from silon_desktop.storage.db import open_database
    from tests.fixtures import seed_election

    db = open_database(path)
    seed_election(db, name="Pemilihan Bupati Purwakarta")
    return db


def _warm_regions() -> None:
    """Load the region table and build its name indexes: start-up cost of the
    application (once per process), not import work."""
    from silon_desktop.domain.regions import default_table

    default_table().match_name("Purwakarta", 3, "32.14")
    default_table().match_name("Nagri Kaler", 4, "32.14.01")


def run_import(path: Path, folder: Path) -> tuple[float, int, float]:
    from silon_desktop.importers.store import import_file

    db = _seeded_database(folder / "silon.db")
    _warm_regions()
    start, cpu = time.perf_counter(), cpu_seconds()
    report = import_file(db, path, "p1")
    elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    db.close()
    return elapsed, report.total, cpu


def child(kind: str, path: Path, folder: Path) -> dict[str, float]:
    """One measurement in this (fresh) process: its time, CPU time, rows and peak RSS."""
    with PeakRss() as rss:
        if kind == "baseline":
            (elapsed, cpu), total = baseline(path, folder), 0
        elif kind == "floor":
            (elapsed, cpu), total = floor(path, folder), 0
        elif kind == "sql":
            (elapsed, cpu), total = sql_only(path, folder), 0
        elif kind == "read":
            (elapsed, cpu), total = read_only(path), 0
        elif kind == "validate":
            (elapsed, cpu), total = validate_only(path), 0
        elif kind == "profile":
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.enable()
            elapsed, total, cpu = run_import(path, folder)
            profile.disable()
            pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(30)
        else:
            elapsed, total, cpu = run_import(path, folder)
    return {"seconds": elapsed, "cpu": cpu, "rows": total, "peak_rss": rss.peak}


def measure(kind: str, path: Path, folder: Path) -> dict[str, float]:
    """Run :func:`child` in a fresh interpreter, so neither run inherits the other's memory."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path), str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    sys.stderr.write(done.stderr)
    if done.returncode != 0:
        raise SystemExit(f"{kind} run failed")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="cProfile the import")
    parser.add_argument(
        "--child", nargs=3, metavar=("KIND", "FILE", "FOLDER"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        kind, file, folder = args.child
        print(json.dumps(child(kind, Path(file), Path(folder))))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "dukungan.xlsx"
        t0 = time.perf_counter()
        write_xlsx(path, iter_supporter_rows(args.rows))
        print(f"generated {args.rows} rows in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
        base = measure("baseline", path, folder)
        schema_floor = measure("floor", path, folder)
        read = measure("read", path, folder)
        sql = measure("sql", path, folder)
        checked = measure("validate", path, folder)
        run = measure("profile" if args.profile else "import", path, folder)
    if run["rows"] != args.rows:
        print(f"imported {run['rows']} rows, expected {args.rows}", file=sys.stderr)
        return 1
    result = {
        "rows": int(run["rows"]),
        "rows_per_s": round(run["rows"] / run["seconds"]),
        "ratio": round(run["seconds"] / base["seconds"], 2),
        "peak_rss_mb": round(run["peak_rss"] / 1e6, 1),
        "import_s": round(run["seconds"], 2),
        "baseline_s": round(base["seconds"], 2),
        "baseline_peak_rss_mb": round(base["peak_rss"] / 1e6, 1),
        # Where the time goes, each part measured alone in this run:
        # the reader alone (also inside the baseline) ...
        "read_s": round(read["seconds"], 2),
        # ... reading + parsing + place matching + validation + duplicates, no writes ...
        "validate_s": round(checked["seconds"], 2),
        "validate_ratio": round(checked["seconds"] / base["seconds"], 2),
        # ... and the import's own write path with NO validation (supporters,
        # indexes, outbox, one transaction): the part no validation speed-up removes.
        "schema_floor_s": round(schema_floor["seconds"], 2),
        "schema_floor_ratio": round(schema_floor["seconds"] / base["seconds"], 2),
        # ... of which SQLite's statements alone (rows ready before the clock);
        # read_s + sql_write_s is the least any import into this schema takes.
        "sql_write_s": round(sql["seconds"], 2),
        "read_plus_sql_ratio": round((read["seconds"] + sql["seconds"]) / base["seconds"], 2),
        # The CPU work no design of this import avoids (reading + validation,
        # then SQLite's statements) spread perfectly over every core of this
        # machine: the least ratio even a perfectly parallel import could reach.
        "cores": os.cpu_count() or 1,
        "parallel_bound_ratio": round(
            (checked["cpu"] + sql["cpu"]) / (os.cpu_count() or 1) / base["seconds"], 2
        ),
        # CPU seconds of the measured part (all threads; for the import also its
        # validating process): steadier than wall time on a shared machine.
        "import_cpu_s": round(run["cpu"], 2),
        # The import's CPU over its wall time: above 1 when the validating
        # process and the writer ran at once (at most the cores; less when
        # other work shares them).
        "import_cpu_per_wall": round(run["cpu"] / run["seconds"], 2),
        "validate_cpu_s": round(checked["cpu"], 2),
        "baseline_cpu_s": round(base["cpu"], 2),
        "schema_floor_cpu_s": round(schema_floor["cpu"], 2),
        "cpu_ratio": round(run["cpu"] / base["cpu"], 2),
        "load_average": round(os.getloadavg()[0], 1),
        "date": dt.date.today().isoformat(),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
