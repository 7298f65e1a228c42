"""SQLite's checks of a whole file read through a page cache of their own
(storage.cipher.CHECK_CACHE_KIB): ``integrity_check`` looks up every index entry's row
all over the table, and on a million encrypted supporters it took 44.5 s with the
connections' 64 MiB against 9.6 s with 256 MiB. Before every official export, at every
backup and at the first login's conversion, the operator waits for it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from silon_desktop.storage import backup, cipher, integrity, keyfile
from silon_desktop.storage.db import open_database

CACHE = f"PRAGMA cache_size = -{cipher.CHECK_CACHE_KIB}"


class Recording:
    """A connection whose statements are noted (the rest passes through)."""

    def __init__(self, conn: Any, statements: list[str]) -> None:
        self._conn = conn
        self._statements = statements

    def execute(self, sql: str, *args: Any) -> Any:
        self._statements.append(sql)
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def _database(path: Path, key: bytes | None) -> None:
    db = open_database(path, key=key)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE note (nik TEXT)")
        conn.exec_driver_sql("CREATE INDEX ix_note ON note (nik)")
        conn.execute(text("INSERT INTO note VALUES (:n)"), [{"n": f"{n:016d}"} for n in range(500)])
    db.close()


CHECKS: dict[str, tuple[str, Callable[[Path, bytes | None], bool]]] = {
    "backup": ("PRAGMA integrity_check", lambda path, key: backup.verify(path, key)),
    "export": (
        "PRAGMA integrity_check",
        lambda path, key: integrity.check(path, full=True, key=key).ok,
    ),
    "start": ("PRAGMA quick_check", lambda path, key: integrity.check(path, key=key).ok),
}


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
@pytest.mark.parametrize("name", sorted(CHECKS))
def test_a_whole_file_check_reads_through_its_own_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, encrypted: bool
) -> None:
    key = keyfile.new_data_key() if encrypted else None
    path = tmp_path / "silon.db"
    _database(path, key)
    statements: list[str] = []
    real = cipher.connect_any
    monkeypatch.setattr(cipher, "connect_any", lambda *a, **k: Recording(real(*a, **k), statements))
    check, run = CHECKS[name]
    assert run(path, key)  # the file is whole
    (checked,) = [n for n, sql in enumerate(statements) if sql.startswith(check)]
    if name == "start":  # each page read once: no cache beside the window's memory
        assert CACHE not in statements
    else:
        assert CACHE in statements[:checked]
