"""Owner-only files and folders; temporary files in the data folder, gone after a kill.

Issue #14: the database, its WAL, backups, ``.partial`` backups, exports, import
reports and a killed export's temporary files were created 0644 and read by
another OS user. Each test checks the modes another user would meet.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from silon_desktop import paths
from silon_desktop.config import Settings
from silon_desktop.importers.problems import import_problems
from silon_desktop.importers.store import import_file
from silon_desktop.reports.xlsx_export import export_b11
from silon_desktop.services.imports import ImportService
from silon_desktop.storage import backup
from silon_desktop.storage.db import open_database
from sync import privacy
from tests.fixtures import seed_election
from tests.unit.importers.sheets import supporter_rows, write_xlsx

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def readable_by_others(root: Path) -> list[str]:
    """Every file or folder under ``root`` (itself included) that group or others may use."""
    found = []
    for folder, dirs, files in os.walk(root):
        for name in (folder, *(os.path.join(folder, n) for n in (*dirs, *files))):
            mode = stat.S_IMODE(os.lstat(name).st_mode)
            if mode & 0o077:
                found.append(f"{os.path.relpath(name, root)} {oct(mode)}")
    return found


@pytest.fixture
def loose_umask() -> object:
    """The umask of a careless caller: files 0644, folders 0755 unless the code says so."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_the_writers_make_owner_only_files_whatever_the_umask(
    tmp_path: Path, loose_umask: object
) -> None:
    app_paths = paths.resolve(tmp_path / "data").ensure()
    Settings(username="op").save(app_paths.settings)
    db = open_database(app_paths.database)
    seed_election(db)
    source = write_xlsx(tmp_path / "in.xlsx", supporter_rows(5))
    import_file(db, source, "p1").write_json(app_paths.data / "report.json")
    with db.engine.begin() as conn:  # the WAL and shared-memory files exist now
        conn.exec_driver_sql("UPDATE supporter SET name = name")
    backup.make_backup(app_paths.database, app_paths.backups, reason="manual")
    export_b11(db.engine, "p1", app_paths.data / "b11.xlsx", tmp_root=app_paths.tmp)
    assert (app_paths.data / "silon.db-wal").exists()
    assert readable_by_others(app_paths.data) == []  # the WAL and -shm files too
    db.close()

    assert readable_by_others(app_paths.data) == []
    assert len(backup.list_backups(app_paths.backups)) == 1


def test_a_problem_list_keeps_its_scratch_files_in_the_data_folder(
    tmp_path: Path, loose_umask: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """xlsxwriter writes each part of a workbook (its shared strings: every NIK and
    name of the list) to a temporary file before zipping them: those of a problem
    list go to the data folder's ``tmp``, never the system's, and are gone after;
    the list itself is the operator's only, whatever the umask."""
    import tempfile

    app_paths = paths.resolve(tmp_path / "data").ensure()
    db = open_database(app_paths.database)
    seed_election(db)
    rows = supporter_rows(5)
    rows[1][5] = "X"  # sex neither L nor P: a problem to list
    report = import_file(db, write_xlsx(tmp_path / "in.xlsx", rows), "p1")
    problems = import_problems(report, "1. AHMAD - SITI")
    assert problems.lines
    made: list[Path] = []
    real = tempfile.mkstemp

    def recording(*args: object, **kwargs: object) -> tuple[int, str]:
        handle, name = real(*args, **kwargs)  # type: ignore[call-overload]
        made.append(Path(name))
        return handle, name

    monkeypatch.setattr(tempfile, "mkstemp", recording)
    # The wizard's service made from the database alone: its tmp beside the file.
    target = ImportService(db).write_problems_xlsx(problems, tmp_path / "masalah.xlsx")
    db.close()

    assert made and all(app_paths.tmp in p.parents for p in made), made
    assert not any(p.exists() for p in made)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert readable_by_others(app_paths.data) == []


def test_a_problem_list_that_cannot_be_finished_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from silon_desktop.domain.problem_list import ProblemLine, ProblemList
    from silon_desktop.reports import problem_list

    problems = ProblemList("T", ["s"], ("NIK",), [ProblemLine(("3214010101900001",))])

    def broken(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(problem_list, "_write_problems", broken)
    target = tmp_path / "masalah.xlsx"
    with pytest.raises(OSError):
        problem_list.write_problems_xlsx(problems, target, tmp_root=tmp_path / "tmp")
    assert not target.exists()
    assert list((tmp_path / "tmp").iterdir()) == []  # the scratch folder went too


def test_start_tightens_files_of_an_earlier_version(tmp_path: Path, loose_umask: object) -> None:
    data = tmp_path / "data"
    (data / "backups").mkdir(parents=True)
    old = data / "backups" / "silon-20240101-000000-000000-auto.db"
    old.write_bytes(b"x")
    os.chmod(data, 0o755)
    assert readable_by_others(data)

    paths.resolve(data).ensure()

    assert readable_by_others(data) == []
    assert old.read_bytes() == b"x"  # kept, only its mode changed


def test_the_cli_sets_an_owner_only_umask(tmp_path: Path) -> None:
    """Entering through ``silon-desktop`` (any command) makes everything the process
    creates afterwards owner-only: SQLite's files, logs, library scratch files."""
    data = tmp_path / "data"
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from silon_desktop.cli import main
        os.umask(0o022)
        code = main(["--data-dir", {str(data)!r}, "backup", "--list"])
        Path({str(tmp_path / "made-after")!r}).write_text("x")
        print(code, oct(os.umask(0)))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.split()[-1] == "0o77"
    assert stat.S_IMODE((tmp_path / "made-after").stat().st_mode) == 0o600


def test_a_killed_export_leaves_nothing_readable_and_is_cleaned_at_the_next_start(
    tmp_path: Path,
) -> None:
    """xlsxwriter's scratch files (every NIK) go to <data>/tmp, owner-only; after a
    kill -9 in the middle of an export, the next start removes them."""
    app_paths = paths.resolve(tmp_path / "data").ensure()
    db = open_database(app_paths.database)
    seed_election(db)
    import_file(db, write_xlsx(tmp_path / "in.xlsx", supporter_rows(6000)), "p1")
    db.close()
    target = tmp_path / "chosen" / "b11.xlsx"
    target.parent.mkdir()
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from silon_desktop.reports.xlsx_export import export_b11
        from silon_desktop.storage.db import open_database

        os.umask(0o022)  # a careless environment: the modes must come from the code
        db = open_database(Path({str(app_paths.database)!r}))

        def progress(done):
            os.kill(os.getpid(), signal.SIGKILL)  # power cut / task manager, mid-export

        export_b11(db.engine, "p1", Path({str(target)!r}), progress,
                   tmp_root=Path({str(app_paths.tmp)!r}))
        """
    )
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    left = [p for p in app_paths.tmp.rglob("*")]
    assert left, "the export was killed after xlsxwriter wrote its scratch files"
    assert readable_by_others(app_paths.tmp) == []
    # the operator's own folder keeps its mode; the half-written list in it (under a
    # passing name: no cut file under the chosen one) does not leak
    assert not target.exists()
    (half,) = target.parent.glob("b11.xlsx.*.partial")
    assert stat.S_IMODE(half.stat().st_mode) == 0o600

    paths.resolve(app_paths.data).ensure()  # the next start

    assert list(app_paths.tmp.iterdir()) == []


def test_partial_backups_of_a_dead_writer_go_at_start_a_running_ones_stay(
    tmp_path: Path,
) -> None:
    app_paths = paths.resolve(tmp_path / "data").ensure()
    final = app_paths.backups / "silon-20260101-000000-000000-auto.db"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    dead_pid = int(dead.stdout)
    mine = privacy.in_progress_name(final)
    left = final.with_name(f"{final.name}.{dead_pid}.partial")
    legacy = app_paths.backups / "silon-20250101-000000-000000-auto.partial"
    restoring = app_paths.data / f"silon.db.{dead_pid}.restoring"
    for file in (mine, left, legacy, restoring):
        file.write_bytes(b"NIK 3214010101900001")

    removed = privacy.sweep_leftovers(app_paths.tmp, app_paths.data, app_paths.backups)

    assert sorted(removed) == sorted([left, legacy, restoring])
    assert mine.exists()  # this process is still writing it


def test_log_lines_lose_sql_parameters_and_niks() -> None:
    """The second line of defence behind ``hide_parameters``: a driver's or a library's
    text with a parameter dump or a NIK is masked by the log formatter."""
    import logging

    dump = (
        "(sqlite3.OperationalError) database or disk is full\n"
        "[SQL: INSERT INTO supporter (nik, name) VALUES (?, ?)]\n"
        "[parameters: [('3214014101900001', 'Siti [Nur] Aisyah'), ('3214014101900002', 'Asep')]]\n"
        "(Background on this error at: https://sqlalche.me/e/20/e3q8)"
    )
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "%s", (dump,), None)
    line = privacy.RedactingFormatter("%(levelname)s %(message)s").format(record)
    assert "Siti" not in line and "Asep" not in line and "32140141019000" not in line
    assert privacy.HIDDEN_PARAMETERS in line and "database or disk is full" in line
    assert privacy.redact("NIK 3214014101900001 ditolak") == f"NIK {privacy.HIDDEN_NIK} ditolak"
    assert privacy.redact("17 digits 32140141019000012 stay") == "17 digits 32140141019000012 stay"
