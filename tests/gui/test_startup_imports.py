"""Opening the supporters table loads none of the login's libraries, and the login
dialog at start-up loads only the keyring of them (issue #13).

cryptography, argon2, keyring, requests (and what they pull in) and SQLCipher are
imported where a login, a key or a request first needs them: a process that shows
the table over a plain database, as bench_table does, never loads them (they cost
it about 20 MB and part of its start-up). Each check runs in a fresh interpreter,
since this test session has loaded them already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: loaded by a report, a withdrawal or a merge, never by the table's first rows
TABLE_LATE = (
    "silon_desktop.domain.problem_list",
    "silon_desktop.reports",
    "silon_desktop.services.verification",
    "silon_desktop.services.withdrawal",
    "silon_desktop.ui.withdraw_dialog",
)

#: loaded by a login, a data key or a request, never by the table's path
LOGIN_FIRST = ("argon2", "cryptography", "keyring", "requests", "sqlcipher3", "tenacity", "urllib3")

TABLE_PATH = """
import json, sys, time
from pathlib import Path
from PySide6.QtWidgets import QApplication
from silon_desktop import paths
from silon_desktop.ui.supporters_page import SupportersPage
from silon_desktop.ui.workers import JobRunner
from tests.gui.sample_data import bulk_supporters, open_backend, seed_small

app = QApplication([])
backend = open_backend(paths.resolve(Path(sys.argv[1])).ensure())
ids = seed_small(backend, supporters=0)
backend.db.engine.dispose()
bulk_supporters(backend.db.path, ids["pair"], 250)
jobs = JobRunner()
page = SupportersPage(backend, jobs)
page.show()
election = backend.get("election", backend.list("election")[0]["id"])
page.set_pair(ids["pair"], election, "32.14")
while any(job.is_running() for job in jobs.jobs):
    time.sleep(0.01)
    app.processEvents()
app.processEvents()
jobs.stop_all()
rows = page.model.rowCount()
backend.db.engine.dispose()
import linecache
sources = sum(len(line) for entry in linecache.cache.values() for line in entry[2] or ())
print(json.dumps({"rows": rows, "modules": sorted(sys.modules), "source_chars": sources}))
"""

#: the program's start (``silon-desktop --data-dir``) until its first window, the login
#: dialog, is shown (SILON_EXIT_AFTER_SHOW ends it there, as bench_table times it)
LOGIN_DIALOG = """
import json, os, sys
os.environ["SILON_EXIT_AFTER_SHOW"] = "1"
from silon_desktop.cli import main
try:
    main(["--data-dir", sys.argv[1]])
except SystemExit:
    pass
print(json.dumps({"modules": sorted(sys.modules)}))
"""


def loaded_in_fresh_process(code: str, *args: str) -> dict[str, object]:
    """Run ``code`` in a new interpreter at the repository's root; its last line's JSON."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def login_first_among(modules: object) -> list[str]:
    assert isinstance(modules, list)
    return sorted({m.split(".")[0] for m in modules} & set(LOGIN_FIRST))


def test_the_table_over_a_plain_database_loads_no_login_library(tmp_path: Path) -> None:
    found = loaded_in_fresh_process(TABLE_PATH, str(tmp_path / "data"))
    assert found["rows"] == 250  # the page did show the pair's rows
    assert login_first_among(found["modules"]) == []
    modules = found["modules"]
    assert isinstance(modules, list)
    assert [m for m in modules if m.startswith(TABLE_LATE)] == []
    # PySide6's import hook read every module's source into linecache (8.5 MB in
    # bench_table's process); the services dropped it: what is left is what was
    # imported after them
    assert isinstance(found["source_chars"], int) and found["source_chars"] < 500_000


def test_the_login_dialog_at_start_up_loads_no_database_and_no_sync_client(
    tmp_path: Path,
) -> None:
    """Before a login nothing is open: the dialog asks the keyring only whether there
    is one (its notice); the data key, the database and the sync client load with
    the login (on its worker thread)."""
    found = loaded_in_fresh_process(LOGIN_DIALOG, str(tmp_path / "data"))
    modules = found["modules"]
    assert isinstance(modules, list)
    assert "silon_desktop.ui.login_dialog" in modules  # the dialog was shown
    # the keyring's Secret Service backend brings its own cryptography
    assert set(login_first_among(modules)) <= {"keyring", "cryptography"}
    late = ("sqlalchemy", "sync.client", "sync.transport", "silon_desktop.storage.db")
    assert [m for m in modules if m.startswith(late)] == []
