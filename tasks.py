#!/usr/bin/env python3
"""Set-up commands for a fresh clone: needs only Python 3.11+.

    python3 tasks.py run    # install into .venv, start the app in training mode
                            # (practice data in its own folder, server on port 8765)
    python3 tasks.py test   # install into .venv, run lint, types, contracts, tests
    python3 tasks.py test-headless  # the plain-Python tests in .venv-headless, no PySide6
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
    _quiet([*pip, "--upgrade", "pip"])
    _quiet([*pip, "-e", target])
    STAMP.write_text(_wanted_stamp(extras))


def _quiet(command: list[str]) -> None:
    """Run an install step; its chatter (pip's notices, the build backend's warnings,
    which read as failures to a newcomer) is shown only when the step fails."""
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        print(done.stdout + done.stderr, flush=True)
        sys.exit(f"Installing failed (exit {done.returncode}): {' '.join(command)}")


def run_app(args: list[str]) -> int:
    ensure_venv(dev=False)
    return _run_until_closed([_bin("silon-desktop"), "--training", *args])


def _run_until_closed(command: list[str]) -> int:
    """Run the program and wait for it. Ctrl+C in the terminal reaches the program too
    (one process group, one console), which closes as from its window: its training
    server stopped, its closing backup made. This process only waits: subprocess.call
    killed the program a quarter of a second later and printed a traceback."""
    import signal

    child = subprocess.Popen(command, cwd=ROOT)  # noqa: S603 - our own program
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return child.wait()
    finally:
        signal.signal(signal.SIGINT, previous)


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


HEADLESS = ROOT / ".venv-headless"
#: what the headless run leaves out: Qt, its pytest plugin, and the bundler
QT_PACKAGES = ("pyside6", "pyside6-essentials", "pytest-qt", "pyinstaller")
#: the plain-Python tests (no Qt): they must pass, or skip cleanly, without PySide6
HEADLESS_TESTS = ["tests/unit"]


def _headless_requirements() -> list[str]:
    """The project's dependencies and dev tools, minus the Qt ones."""
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    keep = []
    for spec in wanted:
        name = re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].strip().lower()
        if name not in QT_PACKAGES:
            keep.append(spec)
    return keep


def run_headless_tests(args: list[str]) -> int:
    """The plain-Python tests in a second venv (.venv-headless) WITHOUT PySide6: proves
    the layers below the UI (and the server) need no Qt. Tests that need Qt skip."""
    python = HEADLESS / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists():
        print("Creating the headless environment in .venv-headless ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(HEADLESS)
    requirements = _headless_requirements()
    stamp = HEADLESS / ".silon-installed"
    wanted = hashlib.sha256("\n".join(requirements).encode()).hexdigest()
    if not stamp.exists() or stamp.read_text() != wanted:
        print("Installing the headless dependencies (no PySide6) ...", flush=True)
        pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        _quiet([*pip, *requirements])
        _quiet([*pip, "--no-deps", "-e", "."])
        stamp.write_text(wanted)
    check = "import importlib.util, sys; sys.exit(importlib.util.find_spec('PySide6') is not None)"
    if subprocess.call([str(python), "-c", check]):
        print("FAILED: PySide6 is installed in .venv-headless", flush=True)
        return 1
    print("\n== pytest (headless: no PySide6)", flush=True)
    paths = [] if any(not a.startswith("-") for a in args) else HEADLESS_TESTS
    # pyproject's qt_* pytest options belong to pytest-qt, which is not installed here.
    quiet = ["-W", "ignore::pytest.PytestConfigWarning"]
    return subprocess.call(
        [str(python), "-m", "pytest", *paths, *args, *quiet, "-p", "no:cacheprovider"], cwd=ROOT
    )


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


COMMANDS = {
    "run": run_app,
    "test": run_tests,
    "test-headless": run_headless_tests,
    "bench": run_benchmarks,
    "build": build_bundle,
}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
