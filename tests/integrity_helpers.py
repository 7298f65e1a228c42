"""Damage as the field meets it: garbage over pages, a broken index, a lost WAL."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path


def corrupt_pages(database: Path, count: int = 40) -> None:
    """Write garbage over ``count`` pages in the middle of the file (the WAL folded in first)."""
    con = sqlite3.connect(database)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = int(con.execute("PRAGMA page_size").fetchone()[0])  # a new file's 8 KiB
    con.close()
    raw = bytearray(database.read_bytes())
    pages = len(raw) // size
    assert pages > 3 * count, f"file too small to damage {count} pages: {pages}"
    first = pages // 2 - count // 2
    for page in range(first, first + count):
        raw[page * size : (page + 1) * size] = bytes((page * 37 + i) % 251 for i in range(size))
    database.write_bytes(bytes(raw))
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)


def damage_index(database: Path, index: str = "ix_supporter_pair_nik") -> None:
    """An index whose entries no longer match its table (what ``quick_check`` misses)."""
    con = sqlite3.connect(database)
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")]
    assert index in names, names
    con.execute("PRAGMA writable_schema = ON")
    con.execute(
        "UPDATE sqlite_master SET sql = ? WHERE name = ?",
        (f'CREATE INDEX "{index}" ON supporter (name, id)', index),
    )
    con.commit()
    con.close()


def edits_then_killed(database: Path, edits: int = 50, key: bytes | None = None) -> str:
    """A child process commits ``edits`` supporter edits through the repository and is
    killed (SIGKILL: no checkpoint, no close); returns the supporter's id. ``key``: the
    data key of an encrypted database."""
    key_text = key.hex() if key is not None else ""
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from pathlib import Path
        from silon_desktop.storage import cipher
        from silon_desktop.storage.db import open_database
        from silon_desktop.storage.repository import Repository
        from tests.unit.storage.samples import SCOPE, make_tree

        key = bytes.fromhex({key_text!r}) or None
        db = open_database(Path({str(database)!r}), key=key)
        repo = Repository(db, "device-1", user="operator")
        ids = make_tree(repo)
        import sqlite3
        if key is None:
            raw = sqlite3.connect({str(database)!r})  # the tree is safe in the main file
        else:
            raw = cipher.connect({str(database)!r}, key)
        assert raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
        raw.close()
        for i in range({edits}):
            repo.update("supporter", ids["supporter"], {{"address": f"Jl. Baru {{i}}"}})
        print(ids["supporter"], flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        timeout=120,
        check=False,
    )
    assert done.returncode == -9, done.stderr
    return done.stdout.strip()
