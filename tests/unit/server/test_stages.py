"""Stage timing (#19): off by default; on, the file holds per-stage counts and times only."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from sync.server import stages


def test_off_without_the_variable_records_nothing() -> None:
    assert not os.environ.get(stages.ENV)  # the suite never sets it
    stages.add("push.parse", 0.5)
    assert not stages.enabled()
    assert stages.summary() == {}


def test_a_recorder_writes_counts_and_milliseconds_to_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "stages.json"
    recorder = stages._Recorder(str(path))
    for ms in (1.0, 2.0, 3.0, 100.0):
        recorder.add("group.work", ms)
    recorder.add("group.pieces", 4)
    recorder.dump()
    data = json.loads(path.read_text())
    assert data["pid"] == os.getpid()
    work = data["stages"]["group.work"]
    assert work == {"n": 4, "total": 106.0, "p50": 3.0, "p99": 100.0, "max": 100.0}
    assert data["stages"]["group.pieces"]["n"] == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["stages.json"]  # no temp file left
