"""The built desktop bundle (``dist/silon-desktop``) runs as an operator would run it.

Slow and skipped by default: runs when a bundle has been built, or builds one first
with ``SILON_BUILD_BUNDLE=1``. ``.ci/build-check`` builds it on every CI run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from silon_desktop import __version__

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "silon-desktop"
EXE = BUNDLE / ("silon-desktop.exe" if os.name == "nt" else "silon-desktop")
BUILD_REQUESTED = os.environ.get("SILON_BUILD_BUNDLE") == "1"


def _stale() -> bool:
    """True when a source file changed after the bundle was built (then it proves nothing)."""
    if BUILD_REQUESTED or not EXE.is_file():
        return False
    built = EXE.stat().st_mtime
    sources = [ROOT / "build.spec", ROOT / "packaging" / "launcher.py"]
    for folder in ("silon_desktop", "sync", "resources"):
        sources += [p for p in (ROOT / folder).rglob("*") if "__pycache__" not in p.parts]
    return any(p.is_file() and p.stat().st_mtime > built for p in sources)


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (BUILD_REQUESTED or EXE.is_file()),
        reason="no built bundle (python3 tasks.py build, or SILON_BUILD_BUNDLE=1)",
    ),
    pytest.mark.skipif(_stale(), reason="dist/silon-desktop is older than the sources; rebuild"),
]


@pytest.fixture(scope="module")
def bundle() -> Path:
    if BUILD_REQUESTED:
        subprocess.run(
            [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
            + ["build.spec"],
            cwd=ROOT,
            check=True,
            timeout=900,
        )
    assert EXE.is_file(), "the build produced no executable"
    return BUNDLE


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="offscreen", SILON_DATA_DIR=str(tmp_path / "unused"))
    return env


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _internal(bundle: Path) -> Path:
    return bundle / "_internal"


def test_version(bundle: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [str(EXE), "--version"], capture_output=True, text=True, env=_env(tmp_path), timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"silon-desktop {__version__}"


def test_self_check_passes_offline(bundle: Path, tmp_path: Path) -> None:
    data = tmp_path / "operator"
    done = subprocess.run(
        [str(EXE), "--self-check", "--data-dir", str(data), "--lang", "en"]
        + ["--server", f"http://127.0.0.1:{_closed_port()}"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[-1].startswith("RESULT: READY"), done.stdout
    assert "installed program" in lines[0]
    assert any("is unreachable: the program works offline" in line for line in lines)
    # nobody logged in: the bundle's migrations proven on a scratch copy, no plain database
    assert any("it is made encrypted at the first login" in line for line in lines)
    assert not (data / "silon.db").exists()


def test_self_check_names_a_corrupt_database(bundle: Path, tmp_path: Path) -> None:
    data = tmp_path / "operator"
    data.mkdir()
    (data / "silon.db").write_bytes(b"\x00garbage" * 1000)
    done = subprocess.run(
        [str(EXE), "--self-check", "--data-dir", str(data)]
        + ["--server", f"http://127.0.0.1:{_closed_port()}"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=120,
    )
    assert done.returncode == 1
    assert "rusak" in done.stdout.strip().splitlines()[-1]


def test_main_window_is_shown(bundle: Path, tmp_path: Path) -> None:
    env = dict(_env(tmp_path), SILON_EXIT_AFTER_SHOW="1")
    done = subprocess.run(
        [str(EXE), "--data-dir", str(tmp_path / "gui")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert "SILON_MAIN_WINDOW_SHOWN" in done.stdout, done.stdout + done.stderr
    assert done.returncode == 0


def test_server_role_answers_help(bundle: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [str(EXE), "--server-main", "--help"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "silon-server" in done.stdout
    assert "training" in done.stdout
    wrapper = bundle / ("silon-server.cmd" if os.name == "nt" else "silon-server")
    assert wrapper.is_file()


def test_resources_and_migrations_are_bundled(bundle: Path) -> None:
    inside = _internal(bundle)
    assert (inside / "resources" / "regions").is_dir()
    assert any((inside / "resources" / "regions").glob("*.json.gz"))
    for ts in (ROOT / "resources" / "i18n").glob("*.ts"):
        assert (inside / "resources" / "i18n" / f"{ts.stem}.qm").is_file(), ts.name
    folders = [v for pkg in ("silon_desktop", "sync") for v in (ROOT / pkg).rglob("versions")]
    assert folders, "no Alembic versions folder found in the sources"
    for versions in folders:
        shipped = inside / versions.relative_to(ROOT)
        for script in versions.glob("*.py"):
            assert (shipped / script.name).is_file(), f"{script} not in the bundle"


def test_unused_qt_modules_stay_out(bundle: Path) -> None:
    pyside = _internal(bundle) / "PySide6"
    present = {p.name.split(".")[0] for p in pyside.iterdir() if p.name.startswith("Qt")}
    assert {"QtCore", "QtGui", "QtWidgets"} <= present
    assert not present & {"QtQml", "QtQuick", "QtWebEngineCore", "Qt3DCore", "QtMultimedia"}
