"""Benchmark of retention: the outbox's size after a large import and sync, before and after.

A real ``silon-server`` process on loopback; a client imports ``--rows``
supporters from a CSV (the import pipeline, one outbox mutation per row),
pushes them (every batch answered with a signed receipt), deletes ``--deletes``
of them and syncs again; then ``storage.retention.apply`` moves the
acknowledged mutations to the archive and blanks the deleted supporters.

    python tests/bench/bench_retention.py [--rows N] [--deletes N]

Sizes are bytes of the b-trees inside the file (``dbstat``: the table and its
indexes), then the file after ``VACUUM``. The last line is one JSON object:
``outbox_bytes_before``, ``outbox_bytes_after``, ``outbox_ratio`` (after /
before), ``supporter_table_bytes``, ``db_file_bytes_before``,
``db_file_bytes_after_vacuum``, ``archive_bytes``, ``archived``, ``blanked``,
``retention_s``, ``import_s``, ``sync_s``, ``rows``.
"""

from __future__ import annotations

import argparse
import atexit
import csv
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PASSWORD = "rahasia-bench-123"
SCOPE = "32.14"
_TABLE_BYTES = (
    "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN"
    " (SELECT name FROM sqlite_master WHERE tbl_name = ?)"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--deletes", type=int, default=1_000)
    args = parser.parse_args()

    from silon_desktop.config import Settings
    from silon_desktop.importers.store import import_file
    from silon_desktop.storage import outbox, retention
    from silon_desktop.storage.db import open_database
    from silon_desktop.storage.repository import Repository
    from sync.client import SyncEngine
    from sync.transport import AdaptiveBatch, HttpTransport
    from tests.integration.server_process import ServerProcess
    from tests.unit.importers.sheets import HEADER, iter_supporter_rows

    work = Path(tempfile.mkdtemp(prefix="bench-retention-"))
    atexit.register(shutil.rmtree, work, True)
    with ServerProcess.start(work / "server", timeout=120) as server:
        server.add_user("bench", PASSWORD, role="kabkota", region=SCOPE)
        token = server.login("bench", PASSWORD, device_id="bench-retention")
        db = open_database(work / "client" / "silon.db")
        settings = Settings(server_url=server.url, username="bench", device_id="bench-retention")
        transport = HttpTransport(server.url, token=token, read_timeout_s=300)
        repo = Repository(db, settings.device_id, "bench")
        election = repo.create(
            "election",
            {"name": "Bench", "kind": "bupati", "region_code": SCOPE, "dpt": 733927},
            SCOPE,
        )
        pair = repo.create("pair", {"election_id": election, "number": 1}, SCOPE)

        sheet = work / "list.csv"
        with sheet.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(iter_supporter_rows(args.rows))
        started = time.perf_counter()
        import_file(db, sheet, pair, assume_id_scan=True)
        import_s = time.perf_counter() - started

        batch = AdaptiveBatch(start=1000, minimum=100, maximum=2000)
        started = time.perf_counter()
        assert SyncEngine(db, settings, transport, batch=batch).run(stages=("push",)).complete
        with db.engine.connect() as conn:
            doomed = [
                str(r[0])
                for r in conn.exec_driver_sql(
                    "SELECT id FROM supporter WHERE NOT deleted LIMIT ?", (args.deletes,)
                )
            ]
        for record_id in doomed:
            repo.delete("supporter", record_id)
        assert SyncEngine(db, settings, transport, batch=batch).run(stages=("push",)).complete
        sync_s = time.perf_counter() - started

        with db.engine.connect() as conn:
            table = int(conn.exec_driver_sql(_TABLE_BYTES, ("supporter",)).scalar_one())
        file_before = db.path.stat().st_size
        started = time.perf_counter()
        done = retention.apply(db)
        retention_s = time.perf_counter() - started
        retention.vacuum(db)
        db.close()
        transport.close()
    file_after = (work / "client" / "silon.db").stat().st_size
    archive = outbox.archive_path(work / "client" / "silon.db").stat().st_size
    before, after = done.outbox_bytes_before, done.outbox_bytes_after
    result = {
        "rows": args.rows,
        "outbox_bytes_before": before,
        "outbox_bytes_after": after,
        "outbox_ratio": round(after / before, 4) if before else None,
        "supporter_table_bytes": table,
        "db_file_bytes_before": file_before,
        "db_file_bytes_after_vacuum": file_after,
        "archive_bytes": archive,
        "archived": done.archived,
        "blanked": done.blanked,
        "retention_s": round(retention_s, 2),
        "import_s": round(import_s, 2),
        "sync_s": round(sync_s, 2),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
