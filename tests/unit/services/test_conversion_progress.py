"""The first login's conversion of a plain database (issue #14): it reports its
progress, it can be stopped, and a stop or a kill midway leaves the plain database
as it was (the next login converts it)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from silon_desktop import paths
from silon_desktop.config import Settings
from silon_desktop.services.access import Access, Session
from silon_desktop.storage import backup, cipher, keyfile
from silon_desktop.storage.db import open_database
from tests.unit.storage.test_check_cache import Recording
from tests.unit.sync.harness import PASSWORD, AsgiTransport, InProcessServer

NIK = "3214015708990003"
ROWS = 20_000
NOWHERE = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def _report_every_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cipher, "REPORT_EVERY_S", 0.0)


def plant_plain(database: Path, rows: int = ROWS) -> None:
    """A plain database from before encryption: the schema, and ``rows`` planted
    rows (the first holds :data:`NIK`) with an index, like the supporters'."""
    db = open_database(database)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE planted (nik TEXT, name TEXT)")
        conn.exec_driver_sql("CREATE INDEX ix_planted_nik ON planted (nik)")
        conn.execute(
            text("INSERT INTO planted VALUES (:n, :m)"),
            [{"n": NIK if i == 0 else f"32140157{i:08d}", "m": f"Warga {i}"} for i in range(rows)],
        )
    db.engine.dispose()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _plain_still_usable(database: Path, rows: int = ROWS) -> None:
    assert cipher.is_plain(database)
    assert backup.verify(database)
    db = open_database(database)
    with db.session(readonly=True) as s:
        assert s.execute(text("SELECT count(*) FROM planted")).scalar_one() == rows
        assert s.execute(text("SELECT name FROM planted WHERE nik = :n"), {"n": NIK}).scalar() == (
            "Warga 0"
        )
    db.close()


def _login(access: Access, server: InProcessServer, **kwargs: object) -> object:
    transport = AsgiTransport(server.app)
    try:
        return access.login("op1", PASSWORD, transport=transport, **kwargs)  # type: ignore[arg-type]
    finally:
        transport.close()


def _access(folder: paths.AppPaths) -> Access:
    return Access(folder, Settings(server_url=NOWHERE, device_id="pc-1", username="op1"))


def test_encrypt_plain_reports_a_growing_share_up_to_one(tmp_path: Path) -> None:
    path = tmp_path / "silon.db"
    plant_plain(path)
    shares: list[float] = []
    key = keyfile.new_data_key()
    cipher.encrypt_plain(path, key, progress=shares.append)
    assert len(shares) > 3  # reported while copying, not only at the end
    assert shares == sorted(shares) and 0 <= shares[0] < 0.9
    assert shares[-1] == 1.0
    assert cipher.opens_with(path, key)


def test_a_stopped_conversion_leaves_the_plain_file_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "silon.db"
    plant_plain(path)
    open_database(path).close()  # its WAL folded in
    before = _digest(path)
    shares: list[float] = []
    with pytest.raises(cipher.ConversionCancelled):
        cipher.encrypt_plain(
            path, keyfile.new_data_key(), progress=shares.append, cancel=lambda: bool(shares)
        )
    assert shares  # stopped after it had begun
    assert _digest(path) == before
    assert not path.with_name("silon.db.encrypting").exists()
    _plain_still_usable(path)


def test_a_stop_during_the_check_interrupts_it_and_keeps_the_plain_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check of the copy (most of a conversion's time on a large file) runs as
    single SQLite statements: the stop interrupts the running one rather than
    waiting for its end. The check is made long here by a slow statement in its
    row counts (a million-row file's is long by itself)."""
    path = tmp_path / "silon.db"
    plant_plain(path)
    open_database(path).close()
    before = _digest(path)
    real_counts = cipher._row_counts
    calls: list[str] = []

    def slow_counts(conn: object) -> dict[str, int]:
        calls.append("counts")
        if len(calls) == 2:  # the encrypted copy's, inside the check
            conn.execute(  # type: ignore[attr-defined]
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                "SELECT count(*) FROM (SELECT x FROM c LIMIT 1000000000)"
            ).fetchone()
        return real_counts(conn)

    monkeypatch.setattr(cipher, "_row_counts", slow_counts)
    shares: list[float] = []
    with pytest.raises(cipher.ConversionCancelled) as stopped:
        cipher.encrypt_plain(
            path,
            keyfile.new_data_key(),
            progress=shares.append,
            # checking, and inside the slow statement: a loaded machine's integrity
            # check alone can outlast the clock's first ticks, and a stop there is
            # a stop before the row counts this test makes slow
            cancel=lambda: len(calls) == 2 and any(0.3 < share < 1 for share in shares),
        )
    assert isinstance(stopped.value.__cause__, cipher.dbapi().OperationalError)  # interrupted
    assert len(calls) == 2
    assert shares == sorted(shares) and 1.0 not in shares
    assert _digest(path) == before
    assert not path.with_name("silon.db.encrypting").exists()
    _plain_still_usable(path)


def test_the_first_login_reports_each_stage_and_the_data_is_whole(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    plant_plain(folder.database)
    seen: list[tuple[str, float]] = []
    session = _login(_access(folder), server, progress=seen.append)
    assert isinstance(session, Session), session
    stages = [stage for stage, _ in seen]
    assert stages[0] == "backup" and stages[-1] == "done"
    assert {"encrypt", "backups"} <= set(stages)  # the before-encryption backup too
    shares = [share for _, share in seen]
    assert shares == sorted(shares) and shares[-1] == 1.0
    with session.db.session(readonly=True) as s:
        assert s.execute(text("SELECT count(*) FROM planted")).scalar_one() == ROWS
    session.db.close()
    assert not cipher.is_plain(folder.database)
    assert all(not cipher.is_plain(b.path) for b in backup.list_backups(folder.backups))


@pytest.mark.parametrize("stage", ["backup", "encrypt", "backups"])
def test_a_login_stopped_midway_leaves_no_plain_copy_behind_the_next_login(
    server: InProcessServer, folder: paths.AppPaths, stage: str
) -> None:
    """Stopped in any stage: before the database's copy is verified the plain file
    is as it was; after, plain backups wait for the next login, which converts
    what is left."""
    plant_plain(folder.database)
    seen: list[str] = []
    with pytest.raises(cipher.ConversionCancelled):
        _login(
            _access(folder),
            server,
            progress=lambda report: seen.append(report[0]),
            cancel=lambda: stage in seen,
        )
    assert not folder.database.with_name("silon.db.encrypting").exists()
    if stage != "backups":
        _plain_still_usable(folder.database)
    again = _login(_access(folder), server)
    assert isinstance(again, Session), again
    with again.db.session(readonly=True) as s:
        assert s.execute(text("SELECT count(*) FROM planted")).scalar_one() == ROWS
    again.db.close()
    assert not cipher.is_plain(folder.database)
    made = backup.list_backups(folder.backups)
    assert made and all(not cipher.is_plain(b.path) for b in made)


_KILLED = """
import sys
from pathlib import Path
from silon_desktop.storage import cipher, keyfile
cipher.REPORT_EVERY_S = 0.0

def progress(share):
    print(share, flush=True)
    if share > 0:
        import time
        time.sleep(60)  # killed here, midway through the copy

cipher.encrypt_plain(Path(sys.argv[1]), keyfile.new_data_key(), progress=progress)
"""


def test_a_conversion_killed_midway_leaves_the_plain_data_usable(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    plant_plain(folder.database)
    open_database(folder.database).close()
    before = _digest(folder.database)
    root = Path(__file__).resolve().parents[3]
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED, str(folder.database)],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert child.stdout is not None
    while True:  # until the copy is underway (a share above zero)
        line = child.stdout.readline()
        assert line, "the conversion ended before it was killed"
        if float(line) > 0:
            break
    assert folder.database.with_name("silon.db.encrypting").exists()
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    child.stdout.close()
    assert _digest(folder.database) == before
    _plain_still_usable(folder.database)
    # the next login converts it (the encrypted leftover of the killed run removed)
    session = _login(_access(folder), server)
    assert isinstance(session, Session), session
    session.db.close()
    assert not folder.database.with_name("silon.db.encrypting").exists()
    assert not cipher.is_plain(folder.database)


def test_the_conversions_check_reads_through_its_own_large_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The integrity check looks up every index entry's row all over the table: with
    the connections' 64 MiB cache a million supporters took 45 s to check, with
    CHECK_CACHE_KIB 9.9 s (README, Benchmarks). It is set on the checking connection,
    before the check."""
    path = tmp_path / "silon.db"
    plant_plain(path, 2_000)
    real = cipher.connect
    statements: list[str] = []

    monkeypatch.setattr(cipher, "connect", lambda *a, **k: Recording(real(*a, **k), statements))
    cipher.encrypt_plain(path, keyfile.new_data_key())
    cache = f"PRAGMA cache_size = -{cipher.CHECK_CACHE_KIB}"
    assert cache in statements and cipher.CHECK_CACHE_KIB >= 256 * 1024
    assert statements.index(cache) < statements.index("PRAGMA integrity_check")
