"""Benchmark: the desktop bundle's size and its start-up against the run from source.

    python tests/bench/bench_bundle.py [--runs N] [--rebuild]

Builds ``dist/silon-desktop`` with ``build.spec`` when it is missing (or with
``--rebuild``). Start-up is the wall time from starting the process to the line
``SILON_MAIN_WINDOW_SHOWN`` on its stdout: with ``SILON_EXIT_AFTER_SHOW=1`` the
program prints it once the main window is shown (``silon_desktop.runtime``'s
hook in app.py, or the launcher's fallback) and exits. The bundle and the source
run (the same launcher under the project's Python) alternate, after one warm-up
each, in fresh data folders, offscreen; the median of the runs is reported.

Last line: a JSON object with ``bundle_mb`` (disk usage of the folder),
``startup_s``, ``source_startup_s`` and ``ratio`` (bundle over source).
Targets: under 250 MB, ratio at most 1.5.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "silon-desktop"
EXE = BUNDLE / ("silon-desktop.exe" if os.name == "nt" else "silon-desktop")
LAUNCHER = ROOT / "packaging" / "launcher.py"
MARKER = "SILON_MAIN_WINDOW_SHOWN"
TIMEOUT_S = 120.0
TARGET_MB = 250.0
TARGET_RATIO = 1.5


def disk_mb(folder: Path) -> float:
    """Space the folder takes on disk (allocated blocks, like ``du``), in MB."""
    total = 0
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        info = path.stat()
        blocks = getattr(info, "st_blocks", None)
        total += blocks * 512 if blocks is not None else info.st_size
    return total / (1024 * 1024)


def build() -> float:
    """Build the bundle with build.spec; seconds taken."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "build.spec"],
        cwd=ROOT,
        check=True,
    )
    return time.perf_counter() - started


def time_to_window(command: list[str], data_dir: Path) -> tuple[float, str]:
    """Seconds from process start to the shown-window marker, and who printed it."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SILON_EXIT_AFTER_SHOW="1")
    env.pop("SILON_DATA_DIR", None)
    data_dir.mkdir(parents=True, exist_ok=True)
    errors = data_dir / "stderr.txt"
    with errors.open("w") as err_file:
        started = time.perf_counter()
        process = subprocess.Popen(
            [*command, "--data-dir", str(data_dir)],
            stdout=subprocess.PIPE,
            stderr=err_file,
            text=True,
            env=env,
            cwd=data_dir,
        )
        try:
            assert process.stdout is not None
            for line in process.stdout:
                if line.startswith(MARKER):
                    elapsed = time.perf_counter() - started
                    via = line.split("via=", 1)[1].split()[0] if "via=" in line else "?"
                    process.wait(TIMEOUT_S)
                    return elapsed, via
            process.wait(TIMEOUT_S)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    tail = errors.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"{command[0]}: no main window (exit {process.returncode}): {tail}")


def measure(runs: int) -> dict[str, object]:
    commands = {"bundle": [str(EXE)], "source": [sys.executable, str(LAUNCHER)]}
    times: dict[str, list[float]] = {name: [] for name in commands}
    via: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="silon-bench-bundle-") as tmp:
        for name, command in commands.items():  # warm-up: file cache, database created
            time_to_window(command, Path(tmp) / f"{name}-warm")
        for index in range(runs):
            for name, command in commands.items():
                folder = Path(tmp) / f"{name}-{index}"
                elapsed, via[name] = time_to_window(command, folder)
                times[name].append(elapsed)
                print(f"{name:6} run {index + 1}: {elapsed:.3f} s (marker from {via[name]})")
    bundle_s = statistics.median(times["bundle"])
    source_s = statistics.median(times["source"])
    return {
        "startup_s": round(bundle_s, 3),
        "source_startup_s": round(source_s, 3),
        "ratio": round(bundle_s / source_s, 3),
        "runs": runs,
        "marker_via": via.get("bundle", "?"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="build even if dist/ exists")
    args = parser.parse_args()
    build_s = None
    if args.rebuild or not EXE.is_file():
        print("building dist/silon-desktop with build.spec ...", flush=True)
        build_s = round(build(), 1)
    result: dict[str, object] = {"bundle_mb": round(disk_mb(BUNDLE), 1)}
    result.update(measure(args.runs))
    result["build_s"] = build_s
    result["meets_size_target"] = float(result["bundle_mb"]) < TARGET_MB  # type: ignore[arg-type]
    result["meets_startup_target"] = float(result["ratio"]) <= TARGET_RATIO  # type: ignore[arg-type]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
