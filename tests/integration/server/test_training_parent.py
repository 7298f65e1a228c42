"""A training server started by Silon Desktop (``--parent``) stops when the desktop that
started it is gone, so a laptop whose desktop was killed can start training again."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import requests

from sync.server.training import PID_FILE, running_server
from tests.integration.server_process import PYTHON, ROOT, free_port


def _training(data_dir: Path, port: int, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    cmd = [PYTHON, "-m", "sync.server", "training", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--data-dir", str(data_dir), "--trainees", "2", "--supporters", "12", *extra]
    with log.open("ab") as out:
        return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)


def _wait_serving(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            if requests.get(f"http://127.0.0.1:{port}/v1/training", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(log.read_text())


def test_the_training_server_stops_with_the_desktop_that_started_it(tmp_path: Path) -> None:
    data_dir, log, port = tmp_path / "latihan", tmp_path / "server.log", free_port()
    desktop = subprocess.Popen([PYTHON, "-c", "import time; time.sleep(600)"])
    server = _training(data_dir, port, log, "--parent", str(desktop.pid))
    try:
        _wait_serving(server, port, log)
        assert running_server(data_dir, port)  # the room's server: another start is refused
        desktop.kill()  # Task Manager, or the power button held
        desktop.wait(timeout=10)
        assert server.wait(timeout=60) == 0, log.read_text()
    finally:
        for proc in (desktop, server):
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
    assert "server berhenti" in log.read_text()
    assert not (data_dir / PID_FILE).exists()
    assert running_server(data_dir, port) == ""
    # The next start on this laptop serves the same practice data again.
    again = _training(data_dir, port, log)
    try:
        _wait_serving(again, port, log)
        assert "Data latihan yang ada dipakai lagi." in log.read_text()
    finally:
        again.terminate()
        again.wait(timeout=30)
