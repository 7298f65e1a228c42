"""SIGKILL of a validation whose rows are checked in worker processes: the workers stop
by themselves (their pipe to the killed caller ends), none is left behind."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import psutil

from tests.unit.importers.sheets import supporter_rows, write_csv

CHILD = """
import datetime as dt, sys
from silon_desktop.importers import spread
from silon_desktop.importers.pipeline import ImportOptions, validate_file
spread.wanted = lambda path: True
def progress(done, total):
    print("P", done, flush=True)
    sys.stdin.readline()  # hold still (chunks in flight) until killed
validate_file(sys.argv[1], ImportOptions("32.14", dt.date(2024, 5, 12), batch_size=100),
              progress=progress)
print("DONE", flush=True)
"""


def test_workers_of_a_killed_validation_exit(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "d.csv", supporter_rows(3000))
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, str(sheet)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.startswith("P "), line
        workers = psutil.Process(child.pid).children(recursive=True)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert len(workers) >= 2  # a worker and multiprocessing's resource tracker
    _, alive = psutil.wait_procs(workers, timeout=30)
    assert alive == []
