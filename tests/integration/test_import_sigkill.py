"""SIGKILL during an import: the database is as before or holds the whole file, never part.

A child process imports a supporter list (one transaction, batches written as
the file is read, creates in the outbox as markers read from the record) and
prints its progress; it is killed at a random batch, or after its commit. Then
the database passes ``integrity_check``, holds 0 or every row, each supporter
with exactly one create that reads back the supporter's values, and a new
import runs (no lock left behind).
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import orjson
import psutil
import pytest

from silon_desktop.storage import outbox
from silon_desktop.storage.db import open_database
from tests.fixtures import seed_election
from tests.unit.importers.sheets import supporter_rows, write_csv

ROWS = 3000
CHILD = """
import sys
from silon_desktop.importers.store import import_file
from silon_desktop.storage.db import open_database
db = open_database(sys.argv[1])
def progress(done, total):
    print("P", done, flush=True)
import_file(db, sys.argv[2], "p1", batch_size=150, progress=progress, parallel=sys.argv[3] == "1")
db.close()
print("DONE", flush=True)
sys.stdin.readline()  # wait to be killed after the commit
"""


def _state(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        supporters = conn.execute("SELECT count(*) FROM supporter").fetchone()[0]
        creates = conn.execute(
            "SELECT count(*) FROM outbox WHERE entity = 'supporter' AND base_version = 0"
        ).fetchone()[0]
        orphans = conn.execute(
            "SELECT count(*) FROM outbox o WHERE entity = 'supporter'"
            " AND NOT EXISTS (SELECT 1 FROM supporter s WHERE s.id = o.record_id)"
        ).fetchone()[0]
    finally:
        conn.close()
    assert orphans == 0
    return supporters, creates


def _import_and_kill(
    db_path: Path, sheet: Path, kill_at: int | None, parallel: bool = False
) -> tuple[list[str], bool]:
    lines: list[str] = []
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path), str(sheet), "1" if parallel else "0"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            lines.append(line.strip())
            if line.startswith("DONE"):
                break
            if kill_at is not None and line.startswith("P") and int(line.split()[1]) >= kill_at:
                break
        validators = psutil.Process(child.pid).children(recursive=True)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    # A validating process left behind by the killed importer stops by itself.
    _, alive = psutil.wait_procs(validators, timeout=30)
    assert alive == []
    return lines, bool(validators)


@pytest.mark.parametrize("parallel", [False, True], ids=["one-process", "validating-process"])
def test_a_killed_import_leaves_nothing_or_everything(tmp_path: Path, parallel: bool) -> None:
    db_path = tmp_path / "silon.db"
    db = open_database(db_path)
    seed_election(db, name="Pemilihan Bupati Purwakarta 2024", head_name="A", deputy_name="B")
    db.close()
    sheet = write_csv(tmp_path / "d.csv", supporter_rows(ROWS))
    rng = random.Random(19)
    orphans_possible = []
    for kill_at in sorted(rng.sample(range(150, ROWS, 150), 3)):
        lines, had_validator = _import_and_kill(db_path, sheet, kill_at, parallel)
        orphans_possible.append(had_validator)
        assert lines and "DONE" not in lines, lines[-3:]
        assert _state(db_path) == (0, 0)  # rolled back: as before
    # With a validating process, it was at work when its importer was killed
    # (and stopped by itself: _import_and_kill waits for it).
    assert any(orphans_possible) == parallel
    lines, _ = _import_and_kill(db_path, sheet, None, parallel)
    assert lines[-1] == "DONE"
    assert _state(db_path) == (ROWS, ROWS)  # committed: every row, one create each
    db = open_database(db_path)
    try:
        with db.engine.connect() as conn:
            creates = outbox.waiting(conn)
        assert len(creates) == ROWS
        niks = {orjson.loads(c.changes_json)["nik"][1] for c in creates}
        assert niks == {str(row[1]) for row in supporter_rows(ROWS)}
    finally:
        db.close()
