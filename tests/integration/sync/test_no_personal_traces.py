"""Issue #14, "Must show": a known NIK and name leave no trace on the PC outside the files
the operator exported, and no file or folder of the program is readable by another user.

With a real server process: plant a NIK and a name in a spreadsheet, log in, import
it in the application with its own log file while the disk is full (a SQL error),
import it again, sync, back up, export a bundle (and the B.1.1 list) to a stick,
kill a backup midway, start again; then search every file under the data folder and
the temp folders.

The login encrypts the database, its WAL and the backups (SQLCipher): they are
searched like every other file. The test's own steps open the data with the
operator's password (``SILON_PASSWORD``), as a headless command does.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from silon_desktop import paths
from silon_desktop.config import Settings
from silon_desktop.domain.nik import build_nik
from silon_desktop.services.access import open_for_command
from silon_desktop.storage.db import Database
from silon_desktop.storage.repository import Repository
from tests.integration.server_process import ROOT, ServerProcess
from tests.integration.sync.conftest import add_user
from tests.unit.importers.sheets import supporter_rows, write_xlsx
from tests.unit.sync.harness import PASSWORD

PLANTED_NAME = "Kusumawardhani Prameswari"
#: a NIK no other test generates (sequence 8642, born 17 July 1977)
PLANTED_NIK = build_nik("32.14.01", dt.date(1977, 7, 17), "P", 8642)
#: the first bytes of a plain SQLite file (an encrypted one starts with random salt)
PLAIN_SQLITE = b"SQLite format 3\x00"


def cli(data: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SILON_PASSWORD"}
    env |= {"SILON_PASSWORD": PASSWORD, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
    return subprocess.run(
        [sys.executable, "-m", "silon_desktop", "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=180,
    )


def open_data(data: Path) -> Database:
    """The logged-in folder's encrypted database, opened with the password."""
    os.environ["SILON_PASSWORD"] = PASSWORD
    try:
        return open_for_command(paths.resolve(data), Settings.load(data / "settings.json"))
    finally:
        del os.environ["SILON_PASSWORD"]


def make_pair(data: Path, region: str) -> str:
    settings = Settings.load(data / "settings.json")
    db = open_data(data)
    try:
        repo = Repository(db, settings.device_id, settings.username)
        election = repo.create(
            "election",
            {"name": "Uji", "kind": "bupati", "region_code": region, "rule_set": "pilkada-2024"},
            region,
        )
        return repo.create("pair", {"election_id": election, "number": 1}, region)
    finally:
        db.close()


def planted_list(folder: Path) -> Path:
    # more than a 8 KiB page's free room holds: the full disk must refuse the import
    rows = supporter_rows(400)
    rows[7][1], rows[7][2] = PLANTED_NIK, PLANTED_NAME
    return write_xlsx(folder / "daftar-dukungan.xlsx", rows)


def failed_import_in_the_application(data: Path, source: Path, pair: str) -> None:
    """The wizard's import job in the application's own logging, refused by the database."""
    from sqlalchemy import event

    from silon_desktop.app import setup_logging
    from silon_desktop.services import Services
    from silon_desktop.ui.workers import Worker

    app_paths = paths.resolve(data).ensure()
    root = logging.getLogger()
    before = list(root.handlers)
    setup_logging(app_paths)
    db = open_data(data)
    try:
        backend = Services(app_paths, Settings.load(app_paths.settings), db)

        def full_disk(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA max_page_count = 1")

        db.engine.dispose()
        event.listen(db.engine, "connect", full_disk)
        mapping, _ = backend.imports.preview(source)
        failures: list[str] = []
        worker = Worker(
            lambda p, c: backend.imports.import_file(
                source, pair, mapping, progress=lambda done, total: p((done, total)), cancel=c
            ),
            "import",
        )
        worker.failed.connect(failures.append)
        worker.run()
        assert failures, "the import must have failed"
        assert PLANTED_NIK not in backend.diagnostics()
    finally:
        db.close()
        for handler in root.handlers[:]:
            if handler not in before:
                handler.close()
                root.removeHandler(handler)


def kill_a_backup_midway(data: Path, tmp: Path) -> None:
    """A backup process killed (power cut) after SQLite copied its first pages."""
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from silon_desktop import paths
        from silon_desktop.config import Settings
        from silon_desktop.services.access import command_key
        from silon_desktop.storage import backup

        def copy_then_die(source, destination, key=None):
            destination.unlink(missing_ok=True)
            backup.open_private(destination).close()
            src, dst = backup._connect(source, key), backup._connect(destination, key)
            src.backup(dst, pages=4, progress=lambda *_: os.kill(os.getpid(), signal.SIGKILL))

        backup._copy = copy_then_die
        data = Path({str(data)!r})
        key = command_key(paths.resolve(data), Settings.load(data / "settings.json"), ask=False)
        backup.make_backup(data / "silon.db", data / "backups", key=key)
        """
    )
    env = dict(os.environ, TMPDIR=str(tmp), PYTHONPATH=str(ROOT), SILON_PASSWORD=PASSWORD)
    killed = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, timeout=120)
    assert killed.returncode == -signal.SIGKILL
    assert list((data / "backups").glob("*.partial")), "the backup died with its partial file"


def files_holding(roots: list[Path], since: float, skip: list[Path]) -> list[str]:
    """Files under ``roots`` changed since ``since`` that hold the planted NIK or name."""
    found = []
    system_tmp = Path(tempfile.gettempdir())
    for root in roots:
        for folder, dirs, files in os.walk(root):
            if Path(folder) == system_tmp:
                # pytest's own folders: other tests' and other runs' servers and PCs,
                # the same planted NIK among them when this test runs twice at once
                # (this test's own folders are roots of their own)
                dirs[:] = [d for d in dirs if not d.startswith("pytest-of-")]
            for name in files:
                path = Path(folder, name)
                if any(path.is_relative_to(s) for s in skip):
                    continue
                try:
                    info = path.stat()
                    if info.st_mtime < since or info.st_size > 200 * 1024**2:
                        continue
                    content = path.read_bytes()
                except OSError:
                    continue  # gone meanwhile, or another user's
                text = content.replace(b"\x00", b"")  # UTF-16 text too
                if PLANTED_NIK.encode() in text or PLANTED_NAME.encode() in text:
                    found.append(str(path))
    return found


def readable_by_others(root: Path) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(root):
        for name in (folder, *(os.path.join(folder, n) for n in (*dirs, *files))):
            if stat.S_IMODE(os.lstat(name).st_mode) & 0o077:
                found.append(os.path.relpath(name, root))
    return found


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes and signals")
def test_a_planted_nik_is_found_only_in_what_the_operator_exported(
    server: ServerProcess, region: str, tmp_path: Path
) -> None:
    started = time.time() - 1
    data, tmp, stick, inbox = (tmp_path / n for n in ("data", "systmp", "stick", "operator"))
    for folder in (tmp, stick, inbox):
        folder.mkdir()
    user = f"pdp{region.replace('.', '')}"
    add_user(server, user, region)

    login = cli(data, tmp, "--server", server.url, "login", "--user", user)
    assert login.returncode == 0, login.stderr
    pair = make_pair(data, region)
    source = planted_list(inbox)
    failed_import_in_the_application(data, source, pair)  # the disk is full at first
    imported = cli(data, tmp, "import", str(source), "--pair", pair)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    bundled = cli(data, tmp, "bundle", "export", str(stick / "kantor.silon"))
    assert bundled.returncode == 0, bundled.stderr
    assert int(bundled.stdout.split()[0]) >= 50  # the planted supporter travels in it
    synced = cli(data, tmp, "sync")
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert cli(data, tmp, "backup").returncode == 0
    exported = cli(data, tmp, "export", "--pair", pair, "--b11", str(stick / "B.1.1-KWK.xlsx"))
    assert exported.returncode == 0, exported.stderr
    assert "data pribadi" in exported.stdout  # the operator was warned
    kill_a_backup_midway(data, tmp)
    assert cli(data, tmp, "status").returncode in (0, 5, 6)  # the next start

    assert not list((data / "backups").glob("*.partial"))  # cleaned at the start
    assert (stick / "B.1.1-KWK.xlsx").exists()
    # What the operator exported, the operator's own list, and the server's database
    # (the central server's, not this PC's: it lives in the temp folder only in tests).
    # The bundle on the stick is searched too: it is sealed to the server.
    skip = [stick / "B.1.1-KWK.xlsx", inbox, server.data_dir]
    # The database, its WAL and its backups are encrypted at rest: searched like the rest.
    assert (data / "silon.db").read_bytes()[:16] != PLAIN_SQLITE
    assert list((data / "backups").glob("*.db")), "the backups are searched too"
    roots = [data, tmp, stick, Path(tempfile.gettempdir())]
    assert files_holding(roots, started, skip) == []
    assert readable_by_others(data) == []
    assert stat.S_IMODE((stick / "B.1.1-KWK.xlsx").stat().st_mode) == 0o600
    assert stat.S_IMODE((stick / "kantor.silon").stat().st_mode) == 0o600
