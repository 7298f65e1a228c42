"""Benchmark: the local store's durable edits, backups and opening a large file.

    python tests/bench/bench_store.py [--edits N] [--rows N]

- ``edit_per_s``: Repository updates per second (each one transaction with its
  outbox mutation and journal line, synchronous=FULL as shipped);
  ``baseline_edit_per_s``: the same edits with ``synchronous=OFF`` (no fsync),
  measured in the same run; ``durability_ratio`` = baseline / shipped (what
  durable commits cost).
- ``open_ms``: open_database on a file holding ``--rows`` supporters (already
  at the newest schema: no migration work) plus one page of 100 supporters.
- ``backup_s``: a verified backup of that file (SQLite backup API + integrity check).

Last line: a JSON object with these keys.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import event, insert, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from silon_desktop.storage.backup import make_backup  # noqa: E402
from silon_desktop.storage.db import Database, open_database  # noqa: E402
from silon_desktop.storage.models import Supporter  # noqa: E402
from silon_desktop.storage.repository import Repository  # noqa: E402
from tests.unit.storage.samples import SCOPE, make_tree, supporter_values  # noqa: E402


def _edits_per_s(db: Database, edits: int) -> float:
    repo = Repository(db, device_id="bench")
    ids = make_tree(repo)
    started = time.perf_counter()
    for i in range(edits):
        repo.update("supporter", ids["supporter"], {"name": f"Pendukung {i}"})
    return edits / (time.perf_counter() - started)


def _no_fsync(db: Database) -> Database:
    db.engine.dispose()
    event.listen(db.engine, "connect", lambda conn, _rec: conn.execute("PRAGMA synchronous = OFF"))
    return db


def _fill(db: Database, rows: int) -> str:
    repo = Repository(db, device_id="bench")
    pair = make_tree(repo)["pair"]
    base = {k: v for k, v in supporter_values(pair).items() if k not in ("admin_at", "field_at")}
    chunk = 20_000
    with db.engine.begin() as conn:
        for start in range(0, rows, chunk):
            batch = [
                {
                    **base,
                    "id": str(uuid.uuid4()),
                    "scope": SCOPE,
                    "nik": f"3214014101{n % 1_000_000:06d}",
                    "name": f"Pendukung {n}",
                }
                for n in range(start, min(rows, start + chunk))
            ]
            conn.execute(insert(Supporter), batch)
    return pair


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shipped = open_database(folder / "full.db")
        edit_per_s = _edits_per_s(shipped, args.edits)
        shipped.close()
        baseline = _no_fsync(open_database(folder / "off.db"))
        baseline_per_s = _edits_per_s(baseline, args.edits)
        baseline.close()

        big = open_database(folder / "big.db")
        pair = _fill(big, args.rows)
        big.close()
        started = time.perf_counter()
        db = open_database(folder / "big.db")
        with db.session(readonly=True) as session:
            page = session.scalars(
                select(Supporter.id)
                .where(Supporter.pair_id == pair)
                .order_by(Supporter.name)
                .limit(100)
            ).all()
        open_ms = (time.perf_counter() - started) * 1000
        assert len(page) == 100
        started = time.perf_counter()
        make_backup(db.path, folder / "backups", 1)
        backup_s = time.perf_counter() - started
        db.close()
    result = {
        "edit_per_s": round(edit_per_s, 1),
        "baseline_edit_per_s": round(baseline_per_s, 1),
        "durability_ratio": round(baseline_per_s / edit_per_s, 2),
        "rows": args.rows,
        "open_ms": round(open_ms, 1),
        "backup_s": round(backup_s, 2),
    }
    print(f"durable edits: {edit_per_s:.0f}/s (no fsync: {baseline_per_s:.0f}/s)")
    print(f"open + first page of {args.rows} supporters: {open_ms:.0f} ms; backup {backup_s:.1f} s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
