"""Benchmark: the supporters table on 1,000,000 rows.

Run: ``python tests/bench/bench_table.py [--rows N] [--keep DIR]``. Prints, as a JSON
object on its last line: first_rows_s (clicking the pair's supporters until the
first rows are drawn; the row count follows from a worker thread), counted_s (until
the row count and the status counts are in), filter_s (NIK prefix, first rows),
scroll_end_s, peak_rss_mb and startup_s (program start to the first shown window,
as a subprocess: the login dialog since login comes first).
Targets: first rows and filter < 0.3 s, end of table < 0.5 s, < 400 MB, start-up < 1.5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def build_database(data_dir: Path, rows: int) -> str:
    from silon_desktop import paths
    from tests.gui.sample_data import bulk_supporters, open_backend, seed_small

    app_paths = paths.resolve(data_dir).ensure()
    backend = open_backend(app_paths)
    ids = seed_small(backend, supporters=0)
    backend.db.engine.dispose()
    bulk_supporters(app_paths.database, ids["pair"], rows)
    return ids["pair"]


def measure_table(data_dir: Path, pair_id: str, key: bytes | None = None) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    from silon_desktop import paths
    from silon_desktop.storage.supporter_queries import SupporterFilter
    from silon_desktop.ui.supporters_page import SupportersPage
    from silon_desktop.ui.workers import JobRunner
    from tests.gui.sample_data import open_backend

    app = QApplication.instance() or QApplication([])
    backend = open_backend(paths.resolve(data_dir), key=key)
    jobs = JobRunner()
    # The app loads the region table (with its desa index) in the background at start-up.
    backend.regions.children("32.14.01")
    election = backend.get("election", backend.list("election")[0]["id"])
    page = SupportersPage(backend, jobs)
    page.resize(1366, 700)
    page.show()
    model, view = page.model, page.table
    app.processEvents()

    def settle() -> None:
        app.processEvents()
        view.viewport().repaint()

    def idle() -> None:
        """Let background jobs (status counts) finish, as they would while the operator reads."""
        while any(job.is_running() for job in jobs.jobs):
            time.sleep(0.02)
            app.processEvents()
        app.processEvents()

    started = time.perf_counter()
    page.set_pair(pair_id, election, "32.14")  # what clicking the pair's supporters does
    first = model.data(model.index(0, 1))
    settle()
    first_rows_s = time.perf_counter() - started

    idle()  # the row count and the status counts, made in the background, arrive
    counted_s = time.perf_counter() - started
    total = model.rowCount()
    started = time.perf_counter()
    view.scrollToBottom()
    last = model.data(model.index(model.rowCount() - 1, 1))
    settle()
    scroll_end_s = time.perf_counter() - started

    idle()
    started = time.perf_counter()
    model.set_filter(SupporterFilter(nik_prefix="321405"))
    filtered_first = model.data(model.index(0, 0))
    settle()
    filter_s = time.perf_counter() - started
    idle()
    print(
        f"rows={total:,} first={first} last={last} "
        f"filtered={model.rowCount():,} first_filtered={filtered_first}",
        flush=True,
    )
    # Scroll through the filtered table a page at a time, as an operator does.
    started = time.perf_counter()
    for _ in range(50):
        view.verticalScrollBar().setValue(view.verticalScrollBar().value() + 30)
        settle()
    print(f"50 page-downs: {time.perf_counter() - started:.3f}s", flush=True)
    jobs.stop_all()
    backend.db.engine.dispose()
    return {
        "first_rows_s": first_rows_s,
        "counted_s": counted_s,
        "filter_s": filter_s,
        "scroll_end_s": scroll_end_s,
    }


def measure_startup(data_dir: Path) -> float:
    env = dict(os.environ, SILON_EXIT_AFTER_SHOW="1", QT_QPA_PLATFORM="offscreen")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "silon_desktop", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("SILON_MAIN_WINDOW_SHOWN"):
            elapsed = time.perf_counter() - started
            break
    else:
        raise RuntimeError("the application never reported a shown main window")
    proc.wait(timeout=30)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="reuse/keep the data folder here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.keep or Path(tmp) / "data"
        marker = data_dir / "bench-pair.txt"
        if marker.exists():
            pair_id = marker.read_text().strip()
        else:
            started = time.perf_counter()
            pair_id = build_database(data_dir, args.rows)
            marker.write_text(pair_id)
            print(
                f"generated {args.rows:,} rows in {time.perf_counter() - started:.1f}s", flush=True
            )
        figures = measure_table(data_dir, pair_id)
        peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        startup_s = min(measure_startup(data_dir) for _ in range(3))
    result = {
        **{k: round(v, 4) for k, v in figures.items()},
        "peak_rss_mb": round(peak_rss_mb, 1),
        "startup_s": round(startup_s, 3),
        "rows": args.rows,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
