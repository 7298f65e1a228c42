"""The import benchmark still runs end to end (on a few hundred rows: its figures
are measured by hand, never asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_import.py"


def test_bench_import_prints_its_figures_on_the_last_line() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--rows", "300"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["rows"] == 300
    assert figures["rows_per_s"] > 0 and figures["ratio"] > 0 and figures["peak_rss_mb"] > 0
    for key in ("baseline_s", "read_s", "validate_s", "schema_floor_s", "sql_write_s"):
        assert isinstance(figures[key], float) and figures[key] >= 0, key
