"""``python3 tasks.py run`` stopped with Ctrl+C in its terminal: the program closes as
from its window, and the terminal shows no traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FAKE_DESKTOP = """#!{python}
import pathlib, signal, sys, time
here = pathlib.Path({folder!r})
asked = []
signal.signal(signal.SIGINT, lambda *_a: asked.append(1))
(here / "ready").write_text("1")
while not asked:
    time.sleep(0.05)
time.sleep(1.0)  # closing the window, stopping the training server, the backup
(here / "closed").write_text(" ".join(sys.argv[1:]))
"""

DRIVER = """
import sys
import tasks
tasks.ensure_venv = lambda dev: None
tasks._bin = lambda name: {fake!r}
sys.exit(tasks.run_app([]))
"""


@pytest.mark.skipif(os.name != "posix", reason="the terminal's Ctrl+C as a process group signal")
def test_ctrl_c_lets_the_program_close_instead_of_killing_it(tmp_path: Path) -> None:
    """Ctrl+C reaches every process of the terminal's group: the desktop (which closes
    its window) and tasks.py, whose subprocess.call then killed the desktop a quarter
    of a second later (no closing backup, its training server orphaned until it noticed)
    and printed a KeyboardInterrupt traceback."""
    fake = tmp_path / "silon-desktop"
    fake.write_text(FAKE_DESKTOP.format(python=sys.executable, folder=str(tmp_path)))
    fake.chmod(0o700)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = subprocess.Popen(
        [sys.executable, "-c", DRIVER.format(fake=str(fake))],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own group, as a terminal's foreground job
    )
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "ready").exists():
            assert run.poll() is None and time.monotonic() < deadline, run.communicate()
            time.sleep(0.05)
        os.killpg(run.pid, signal.SIGINT)
        out, err = run.communicate(timeout=30)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    assert "Traceback" not in err, err
    assert run.returncode == 0
    assert (tmp_path / "closed").read_text() == "--training"
