"""Ctrl+C in the terminal during ``silon-desktop validate`` of a large list.

A terminal sends SIGINT to the whole process group: the command and the worker that
checks chunks beside it (``importers/spread.py``). The operator gets a sentence, not a
traceback; no report is written; no worker is left running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from silon_desktop.importers import parallel
from tests.unit.importers.sheets import REGION, iter_supporter_rows, write_csv


def test_ctrl_c_stops_a_validation_with_a_message_and_no_report(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "besar.csv", iter_supporter_rows(130_000))
    assert parallel.wanted(path)  # large enough for the worker beside the command
    report = tmp_path / "laporan.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "silon_desktop",
            "validate",
            str(path),
            "--region",
            REGION,
            "--report",
            str(report),
        ],  # fmt: skip
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        # As from a terminal: Ctrl+C not ignored, whoever started this test (a shell
        # runs a job started with "&" with SIGINT ignored, and children inherit that).
        preexec_fn=_ctrl_c_default,
    )
    me = psutil.Process(proc.pid)
    try:
        # Interrupted once it is checking: it reads the file and its worker has started.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                reading = any(f.path == str(path) for f in me.open_files())
                workers = [p for p in me.children(recursive=True) if _is_worker(p)]
            except psutil.NoSuchProcess:
                break
            if reading and workers:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "finished before it could be interrupted"
        pids = [p.pid for p in me.children(recursive=True)]
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "besar.csv: pemeriksaan dihentikan (Ctrl+C)" in err
    assert not report.exists()
    assert "MS:" not in out  # no summary of a part of the list
    # Every child ended with the command: its worker, and multiprocessing's resource
    # tracker, which leaves once the command's end closed its pipe.
    assert len(pids) == 2, pids
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(map(_running, pids)):
        time.sleep(0.05)
    assert not [pid for pid in pids if _running(pid)]


def _ctrl_c_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _is_worker(process: psutil.Process) -> bool:
    try:
        return "--multiprocessing-fork" in process.cmdline()
    except psutil.Error:
        return False
