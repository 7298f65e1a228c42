"""Benchmark at a DKI pair's size: a 1,048,575-row XLSX and a 1.2M-row CSV imported
into fresh data folders, then a first sync of that pair into a fresh client.

In one run (each measurement in a fresh child process, so none inherits another's
memory; ``*_peak_mb`` is that process's peak resident set size summed with its
children's, sampled every 20 ms from the bench's own process, not inside the measured
one: an import validates in a process of its own; ``*_cpu_s`` their CPU seconds):

1. generate the XLSX (Excel's maximum of rows under the header, its text as
   inline strings), the same rows as Excel and LibreOffice write them (shared
   strings: 68 MB of them) and the CSV;
2. ``read_only_s``: the reader alone (every row of the XLSX, streamed:
   ``importers/xlsx_stream.py``); ``read_only_sst_s`` the same for the shared
   strings' file;
3. ``import_xlsx_s`` / ``import_peak_mb``: :func:`import_file` of the XLSX into a
   fresh data folder (election and pair made through the repository, so they
   reach the server too); ``import_xlsx_settled_s`` until the background checkpoint
   of its commit (``storage.checkpoints``) also copied its pages into the file;
   ``import_xlsx_sst_s`` / ``import_xlsx_sst_peak_mb`` the shared strings' file
   imported into another fresh folder;
4. ``validate_csv_s``: reading + validating the CSV with no database, and
   ``import_csv_s`` its import into another fresh data folder;
5. a real ``silon-server`` process on loopback; the importing computer's first
   sync (push of every row, then its pull) and the retention the application
   runs after a complete sync: ``importer_sync_s``, then ``db_bytes_per_row``
   (its database file over the rows; ``db_live_bytes_per_row`` without the pages
   retention freed, which the file keeps until a VACUUM; ``archive_bytes_per_row``
   the archive file retention moved the acknowledged mutations to) and
   ``server_bytes_per_record`` (the server's database with its WAL, while it runs,
   over its records; ``server_db_bytes_per_record`` the file alone after the server
   stopped, its WAL checkpointed into it and truncated; where the bytes go, per table and index,
   is printed on stderr);
6. ``first_sync_s`` / ``first_sync_client_peak_mb``: a fresh client's first sync
   of that pair (the server's snapshot, then the feed after it), and as the named
   peer in the same run ``feed_sync_s``: the same first sync from the feed alone
   (no snapshot); for each, ``*_settled_s`` (until the background checkpoint is
   done, as for the import), ``*_client_cpu_s`` and ``*_server_cpu_s`` (CPU seconds
   of the client and of the server process: steadier than wall time on a shared
   machine). ``--server-dir DIR`` runs only these against an earlier run's server
   folder (``snapshot_build_s``: the snapshot built first, timed apart).

Targets (issue 19): import <= 25 s and <= 400 MB; db_bytes_per_row <= 500;
first sync <= 15 s with the client <= 250 MB; validate <= 10 s; server <= 1,000
bytes per record.

    python tests/bench/bench_scale.py [--rows N] [--csv-rows N] [--work DIR] [--no-sync]
                                      [--encrypted]

``--encrypted`` keys every client database with a data key (SQLCipher), as an office
PC's is after its first login; without it the clients are plain SQLite files, as in
every figure before the eleventh session. ``"encrypted"`` in the JSON says which.

The last line is one JSON object with those keys.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_import import PeakRss, _warm_regions, cpu_seconds  # noqa: E402
from tests.unit.importers.sheets import HEADER, iter_supporter_rows  # noqa: E402

PASSWORD = "rahasia-bench-123"
SCOPE = "32.14"
XLSX_ROWS = 1_048_575
CSV_ROWS = 1_200_000


def write_xlsx(path: Path, rows: int, *, shared_strings: bool = False) -> None:
    """An XLSX written row by row: by default in xlsxwriter's constant-memory mode
    (its text as inline strings); ``shared_strings`` as Excel and LibreOffice write
    every file (text in the workbook's shared strings: xlsxwriter then holds the whole
    workbook in memory, a few GB for a million rows, in this process only)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": not shared_strings,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
        },
    )
    sheet = book.add_worksheet("B.1-KWK")
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(iter_supporter_rows(rows), start=1):
        for c, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write(r, c, value)
    book.close()


def write_csv(path: Path, rows: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in iter_supporter_rows(rows, seed=2):
            writer.writerow(row)


def _folder(path: Path) -> Any:
    """A fresh data folder with an election and pair made through the repository."""
    from silon_desktop.storage.db import open_database
    from silon_desktop.storage.repository import Repository

    path.mkdir(parents=True, exist_ok=True)
    db = open_database(path / "silon.db", key=data_key())
    repo = Repository(db, "bench-importer", "bench")
    election = repo.create(
        "election",
        {"name": "Bench", "kind": "bupati", "region_code": SCOPE},
        SCOPE,
    )
    pair = repo.create("pair", {"election_id": election, "number": 1}, SCOPE)
    return db, pair


# --- children -------------------------------------------------------------------


def child_read(path: Path) -> dict[str, Any]:
    from silon_desktop.importers.readers import open_workbook

    book = open_workbook(path)
    start, cpu = time.perf_counter(), cpu_seconds()
    sheet = book.sheet(book.sheet_names[0])
    count = sum(1 for _ in sheet.rows())
    book.close()
    return {"seconds": time.perf_counter() - start, "cpu": cpu_seconds() - cpu, "rows": count}


def child_import(path: Path, folder: Path) -> dict[str, Any]:
    from silon_desktop.importers import parallel
    from silon_desktop.importers.store import import_file

    db, pair = _folder(folder)
    if not parallel.wanted(path):
        # Start-up work of the application, not of the import. A list checked in a
        # validating process never needs the table here (that process loads it,
        # counted in the import's time and memory).
        _warm_regions()
    start, cpu = time.perf_counter(), cpu_seconds()
    report = import_file(db, path, pair)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    settled = _settled(db, start)
    db.close()
    return {
        "seconds": seconds,
        "cpu": cpu,
        "settled": settled,
        "rows": report.total,
        "pair": pair,
    }


def _settled(db: Any, start: float) -> float:
    """Seconds from ``start`` until the background checkpoint of the bulk commit
    (storage.checkpoints) copied its pages into the file: the operator's wait ends
    at the commit, this is when the computer is done."""
    db.checkpointer.wait_idle()
    return time.perf_counter() - start


def child_validate(path: Path) -> dict[str, Any]:
    from silon_desktop.importers.pipeline import ImportOptions, validate_file

    _warm_regions()
    start, cpu = time.perf_counter(), cpu_seconds()
    report = validate_file(path, ImportOptions(SCOPE, dt.date(2024, 5, 12)))
    return {
        "seconds": time.perf_counter() - start,
        "cpu": cpu_seconds() - cpu,
        "rows": report.total,
    }


def child_sync(
    folder: Path, url: str, token: str, device: str, snapshots: str, retain: str = "0"
) -> dict[str, Any]:
    from silon_desktop.config import Settings
    from silon_desktop.storage.db import open_database
    from sync.client import SyncEngine
    from sync.transport import AdaptiveBatch, HttpTransport

    folder.mkdir(parents=True, exist_ok=True)
    db = open_database(folder / "silon.db", key=data_key())
    settings = Settings(server_url=url, username="bench", device_id=device)
    transport = HttpTransport(url, token=token, read_timeout_s=600)
    engine = SyncEngine(
        db,
        settings,
        transport,
        batch=AdaptiveBatch(start=2000, minimum=100, maximum=2000),
        pages=AdaptiveBatch(start=5000, minimum=500, maximum=5000),
        snapshots=snapshots == "1",
    )
    start, cpu = time.perf_counter(), cpu_seconds()
    report = engine.run()
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    settled = _settled(db, start)
    transport.close()
    archived = 0
    if retain == "1" and report.complete:
        # What the application does after every complete sync (services.app): the
        # acknowledged mutations leave the working database.
        from silon_desktop.storage import retention

        archived = retention.apply(db, measure=False).archived
    db.close()
    if not report.complete:
        raise SystemExit(f"sync incomplete: {report}")
    return {
        "seconds": seconds,
        "cpu": cpu,
        "settled": settled,
        "pulled": report.pulled,
        "pushed": report.pushed,
        "archived": archived,
    }


def child(kind: str, args: list[str]) -> dict[str, Any]:
    if kind == "read":
        return child_read(Path(args[0]))
    if kind == "import":
        return child_import(Path(args[0]), Path(args[1]))
    if kind == "validate":
        return child_validate(Path(args[0]))
    return child_sync(Path(args[0]), args[1], args[2], args[3], args[4], *args[5:])


def measure(kind: str, *args: str) -> dict[str, Any]:
    """Run one measurement in a child process; its ``peak_mb`` (the child's resident
    set with its own children, summed) is sampled from here, so that the sampling's
    CPU is not the child's."""
    with subprocess.Popen(
        [sys.executable, __file__, "--child", kind, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        with PeakRss(proc.pid) as rss:
            stdout, stderr = proc.communicate()
    sys.stderr.write(stderr[-4000:])
    if proc.returncode != 0:
        raise SystemExit(f"{kind} failed")
    result = dict(json.loads(stdout.strip().splitlines()[-1]))
    result["peak_mb"] = rss.peak / 1e6
    print(f"{kind}: {result}", file=sys.stderr)
    return result


#: With ``--encrypted``: the clients' data key (hex), handed to every measurement's
#: process in its environment (never on a command line, which ``ps`` shows).
KEY_ENV = "SILON_BENCH_DATA_KEY"


def data_key() -> bytes | None:
    """The clients' data key with ``--encrypted`` (as an office PC's database is after
    its first login: SQLCipher), else None (plain SQLite)."""
    hex_key = os.environ.get(KEY_ENV)
    return bytes.fromhex(hex_key) if hex_key else None


def _client_connect(path: Path, readonly: bool = False) -> Any:
    """A raw connection to a client's database (keyed with ``--encrypted``)."""
    import sqlite3

    key = data_key()
    if key is not None:
        from silon_desktop.storage import cipher

        return cipher.connect(path, key)
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True) if readonly else sqlite3.connect(path)


def _db_errors() -> tuple[type[Exception], ...]:
    """The errors of a raw connection, plain or SQLCipher (a module of its own)."""
    import sqlite3

    if data_key() is None:
        return (sqlite3.Error,)
    from silon_desktop.storage import cipher

    return (sqlite3.Error, cipher.dbapi().Error)


def _live_bytes(path: Path) -> int:
    """A SQLite database's pages in use (its size without free pages: what a VACUUM
    would leave)."""
    conn = _client_connect(path)
    try:
        # int(): SQLCipher answers page_size as text
        pages, free, size = (
            int(conn.execute(f"PRAGMA {name}").fetchone()[0])
            for name in ("page_count", "freelist_count", "page_size")
        )
    finally:
        conn.close()
    return int((pages - free) * size)


def _size(path: Path) -> int:
    """A SQLite database's bytes with its WAL."""
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def _checkpoint(path: Path) -> None:
    """Everything in a (closed) database's WAL written into the file, the WAL emptied."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.close()


def _dbstat(path: Path, rows: int, label: str, client: bool = False) -> None:
    """Where a database's bytes go: bytes per row of each table and index (``dbstat``),
    largest first, on stderr."""
    import sqlite3

    if client and data_key() is not None:
        with _plain_copy(path) as plain:
            _dbstat(plain, rows, f"{label} (its plain copy: indexes rebuilt by the copy)")
        return
    conn = (
        _client_connect(path, True) if client else sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    )
    try:
        found = conn.execute(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
        ).fetchall()
    except _db_errors() as error:  # a binding built without dbstat
        print(f"dbstat {label}: {error}", file=sys.stderr)
        return
    finally:
        conn.close()
    print(f"dbstat {label} (bytes per row over {rows:,} rows):", file=sys.stderr)
    for name, size in found:
        if size / rows >= 1:
            print(f"  {name:40s} {size / rows:8.1f}", file=sys.stderr)


@contextlib.contextmanager
def _plain_copy(path: Path) -> Iterator[Path]:
    """A plain copy of an encrypted client database (``sqlcipher_export``), for
    ``dbstat``, which the SQLCipher build lacks; made in the database's own folder,
    readable by its owner only, and removed after."""
    from silon_desktop.storage import cipher

    plain = path.with_name("dbstat-plain.db")
    plain.unlink(missing_ok=True)
    os.close(os.open(plain, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    key = data_key()
    assert key is not None
    conn = cipher.connect(path, key)
    try:
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()
    try:
        yield plain
    finally:
        plain.unlink(missing_ok=True)


def _process_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process used so far."""
    import psutil

    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def first_syncs(server: Any, work: Path) -> dict[str, Any]:
    """A fresh client's first sync (snapshot, then feed) and the same from the feed
    alone, each with the client's and the server process's CPU seconds."""
    out: dict[str, Any] = {}
    for name, snapshots in (("first_sync", "1"), ("feed_sync", "0")):
        device = f"bench-{name}"
        token = server.login("bench", PASSWORD, device_id=device)
        before = _process_cpu_s(server.proc.pid)
        done = measure("sync", str(work / device), server.url, token, device, snapshots)
        out[f"{name}_s"] = round(done["seconds"], 1)
        out[f"{name}_settled_s"] = round(done["settled"], 1)
        out[f"{name}_client_peak_mb"] = round(done["peak_mb"])
        out[f"{name}_client_cpu_s"] = round(done["cpu"], 1)
        out[f"{name}_server_cpu_s"] = round(_process_cpu_s(server.proc.pid) - before, 1)
    return out


def only_first_syncs(server_dir: Path) -> dict[str, Any]:
    """The first syncs alone, against the server folder of an earlier run. A new
    server process holds no snapshot yet: one is asked for first, as the importing
    computer's sync does in a whole run, and its build is timed apart."""
    from sync.snapshot import CLIENT_LAYOUT
    from tests.integration.server_process import ServerProcess

    clients = Path(tempfile.mkdtemp(prefix="bench-scale-clients-"))
    atexit.register(shutil.rmtree, clients, True)
    with ServerProcess.start(server_dir) as server:
        assert server.proc is not None
        pid = server.proc.pid
        token = server.login("bench", PASSWORD, device_id="bench-warm")
        started, before = time.perf_counter(), _process_cpu_s(pid)
        answer = server.request(
            "GET",
            "/v1/snapshot",
            token=token,
            params={"layout": CLIENT_LAYOUT.value},  # the one the clients ask for
            timeout=900,
        )
        answer.raise_for_status()
        build_s, build_cpu_s = time.perf_counter() - started, _process_cpu_s(pid) - before
        synced = first_syncs(server, clients)
    return {
        **synced,
        "snapshot_build_s": round(build_s, 1),
        "snapshot_build_server_cpu_s": round(build_cpu_s, 1),
        "load_average": round(os.getloadavg()[0], 1),
        "date": dt.date.today().isoformat(),
        "encrypted": data_key() is not None,
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        # A measurement's own process, its arguments as measure() passed them; read
        # before argparse, which takes a value starting with "-" (a bearer token
        # may) for an option and stopped the whole run.
        print(json.dumps(child(argv[1], argv[2:])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=XLSX_ROWS)
    parser.add_argument("--csv-rows", type=int, default=CSV_ROWS)
    parser.add_argument("--work", type=Path, help="keep the files here (default: a temp folder)")
    parser.add_argument(
        "--no-sync",
        action="store_true",
        help="the reader, imports and validation only (no server, no sync keys)",
    )
    parser.add_argument(
        "--server-dir",
        type=Path,
        help="only the first syncs, against the server folder of an earlier run (--work's server/)",
    )
    parser.add_argument(
        "--encrypted",
        action="store_true",
        help="clients' databases encrypted with a data key (SQLCipher), as an office PC's"
        " is after its first login (default: plain SQLite, as in the earlier sessions' figures)",
    )
    args = parser.parse_args(argv)
    if args.encrypted:
        os.environ[KEY_ENV] = os.urandom(32).hex()
    if args.server_dir:
        print(json.dumps(only_first_syncs(args.server_dir)))
        return 0

    from tests.integration.server_process import ServerProcess

    work = args.work
    if work is None:  # several GB of files and databases, removed at exit
        work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
        atexit.register(shutil.rmtree, work, True)
    work.mkdir(parents=True, exist_ok=True)
    xlsx, csv_path = work / "dukungan.xlsx", work / "dukungan.csv"
    shared = work / "dukungan-excel.xlsx"
    t0 = time.perf_counter()
    if not xlsx.exists():
        write_xlsx(xlsx, args.rows)
    if not shared.exists():
        write_xlsx(shared, args.rows, shared_strings=True)
    if not csv_path.exists():
        write_csv(csv_path, args.csv_rows)
    print(f"generated in {time.perf_counter() - t0:.0f}s", file=sys.stderr)

    read = measure("read", str(xlsx))
    imported = measure("import", str(xlsx), str(work / "kantor-xlsx"))
    read_shared = measure("read", str(shared))
    imported_shared = measure("import", str(shared), str(work / "kantor-excel"))
    validated = measure("validate", str(csv_path))
    imported_csv = measure("import", str(csv_path), str(work / "kantor-csv"))
    if {imported["rows"], imported_shared["rows"]} != {args.rows} or (
        validated["rows"] != args.csv_rows
    ):
        print(f"rows: {imported['rows']} / {validated['rows']}", file=sys.stderr)
        return 1

    imports = {
        "rows": args.rows,
        "csv_rows": args.csv_rows,
        "import_xlsx_s": round(imported["seconds"], 1),
        "import_xlsx_settled_s": round(imported["settled"], 1),
        "import_peak_mb": round(imported["peak_mb"]),
        # CPU seconds (the import's: the writer and its validating process):
        # steadier than wall time on a shared machine.
        "import_xlsx_cpu_s": round(imported["cpu"], 1),
        "read_only_s": round(read["seconds"], 1),
        "read_only_cpu_s": round(read["cpu"], 1),
        "read_only_peak_mb": round(read["peak_mb"]),
        "import_xlsx_sst_s": round(imported_shared["seconds"], 1),
        "import_xlsx_sst_peak_mb": round(imported_shared["peak_mb"]),
        "import_xlsx_sst_cpu_s": round(imported_shared["cpu"], 1),
        "read_only_sst_s": round(read_shared["seconds"], 1),
        "read_only_sst_peak_mb": round(read_shared["peak_mb"]),
        "validate_csv_s": round(validated["seconds"], 1),
        "validate_csv_peak_mb": round(validated["peak_mb"]),
        "validate_csv_cpu_s": round(validated["cpu"], 1),
        "import_csv_s": round(imported_csv["seconds"], 1),
        "import_csv_cpu_s": round(imported_csv["cpu"], 1),
        "import_csv_peak_mb": round(imported_csv["peak_mb"]),
    }
    if args.no_sync:
        imports.update(
            load_average=round(os.getloadavg()[0], 1),
            date=dt.date.today().isoformat(),
            encrypted=data_key() is not None,
        )
        print(json.dumps(imports))
        return 0

    with ServerProcess.start(work / "server") as server:
        server.add_user("bench", PASSWORD)
        token = server.login("bench", PASSWORD, device_id="bench-importer")
        importer = measure(
            "sync", str(work / "kantor-xlsx"), server.url, token, "bench-importer", "1", "1"
        )
        synced = first_syncs(server, work)
        server_bytes = _size(work / "server" / "server.sqlite3")
    records = args.rows + 2
    # The server stopped: its WAL checkpointed into the file and truncated (the running
    # server's WAL grows to its checkpoint size, 64 MB, whatever the records).
    _checkpoint(work / "server" / "server.sqlite3")
    server_db_bytes = _size(work / "server" / "server.sqlite3")
    _dbstat(work / "kantor-xlsx" / "silon.db", args.rows, "importing client", client=True)
    _dbstat(work / "kantor-xlsx" / "outbox-archive.db", args.rows, "importing client's archive")
    _dbstat(work / "server" / "server.sqlite3", records, "server")
    result = {
        **imports,
        "db_bytes_per_row": round(_size(work / "kantor-xlsx" / "silon.db") / args.rows),
        "db_live_bytes_per_row": round(_live_bytes(work / "kantor-xlsx" / "silon.db") / args.rows),
        # What retention moved out of the working database (acknowledged mutations,
        # without their values): the archive file beside it.
        "archive_bytes_per_row": round(
            _size(work / "kantor-xlsx" / "outbox-archive.db") / args.rows
        ),
        "importer_archived": importer["archived"],
        **synced,
        "importer_sync_s": round(importer["seconds"], 1),
        "server_bytes_per_record": round(server_bytes / records),
        "server_db_bytes_per_record": round(server_db_bytes / records),
        "load_average": round(os.getloadavg()[0], 1),
        "date": dt.date.today().isoformat(),
        "encrypted": data_key() is not None,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
