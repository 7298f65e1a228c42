#!/usr/bin/env python3
"""Set-up commands for a fresh clone: needs only Python 3.11+.

    python3 tasks.py run    # install into .venv, start the app in training mode
                            # (practice data in its own folder, server on port 8765)
    python3 tasks.py test   # install into .venv, run lint, types, contracts, tests
    python3 tasks.py bench  # run every benchmark under tests/bench/
    python3 tasks.py build  # build the desktop bundle with PyInstaller

The virtual environment is created once in ``.venv`` and reused; it is
reinstalled only when ``pyproject.toml`` changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".silon-installed"


def _venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def _bin(name: str) -> str:
    folder = "Scripts" if os.name == "nt" else "bin"
    suffix = ".exe" if os.name == "nt" else ""
    return str(VENV / folder / f"{name}{suffix}")


def _wanted_stamp(extras: str) -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return f"{digest}:{extras}"


def ensure_venv(dev: bool) -> None:
    """Create or reuse .venv and install the project (with dev extras for tests)."""
    if sys.version_info < (3, 11):  # noqa: UP036 (run by any python3)
        sys.exit("Silon Desktop needs Python 3.11 or newer.")
    if not _venv_python().exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    extras = "dev" if dev else "app"
    have = STAMP.read_text() if STAMP.exists() else ""
    if have == _wanted_stamp(extras) or (not dev and have == _wanted_stamp("dev")):
        return
    print("Installing dependencies (first run only) ...", flush=True)
    target = ".[dev]" if dev else "."
    pip = [str(_venv_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True, cwd=ROOT)
    subprocess.run([*pip, "-e", target], check=True, cwd=ROOT)
    STAMP.write_text(_wanted_stamp(extras))


def run_app(args: list[str]) -> int:
    ensure_venv(dev=False)
    return subprocess.call([_bin("silon-desktop"), "--training", *args], cwd=ROOT)


def run_checks() -> int:
    """ruff, mypy, import-linter, then pytest; the first failure decides the exit code."""
    steps = [
        [_bin("ruff"), "check", "."],
        [_bin("ruff"), "format", "--check", "."],
        [_bin("mypy")],
        [_bin("lint-imports")],
    ]
    for step in steps:
        print(f"\n== {Path(step[0]).name} {' '.join(step[1:])}", flush=True)
        code = subprocess.call(step, cwd=ROOT)
        if code:
            print(f"FAILED: {' '.join(step)} (exit {code})", flush=True)
            return code
    return 0


def run_tests(args: list[str]) -> int:
    ensure_venv(dev=True)
    code = run_checks()
    if code:
        return code
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    print("\n== pytest", flush=True)
    return subprocess.call([str(_venv_python()), "-m", "pytest", *args], cwd=ROOT, env=env)


def run_benchmarks(args: list[str]) -> int:
    ensure_venv(dev=True)
    failed = 0
    for bench in sorted((ROOT / "tests" / "bench").glob("bench_*.py")):
        if args and bench.stem not in args and bench.stem.removeprefix("bench_") not in args:
            continue
        print(f"\n== {bench.name}", flush=True)
        failed |= subprocess.call([str(_venv_python()), str(bench)], cwd=ROOT)
    return failed


def build_bundle(args: list[str]) -> int:
    ensure_venv(dev=True)
    return subprocess.call(
        [str(_venv_python()), "-m", "PyInstaller", "--noconfirm", "build.spec", *args], cwd=ROOT
    )


COMMANDS = {"run": run_app, "test": run_tests, "bench": run_benchmarks, "build": build_bundle}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
