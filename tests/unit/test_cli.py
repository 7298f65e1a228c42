from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from silon_desktop import __version__

_DISPLAY_VARS = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


def test_version_prints_and_exits_zero() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "silon_desktop", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == f"silon-desktop {__version__}"


def test_no_display_exits_with_an_indonesian_hint(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the display check is for Linux (X11/Wayland)")
    env = {k: v for k, v in os.environ.items() if k not in _DISPLAY_VARS}
    run = subprocess.run(
        [sys.executable, "-m", "silon_desktop", "--data-dir", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert run.returncode == 3
    assert "tidak memiliki layar" in run.stderr and "xvfb-run -a silon-desktop" in run.stderr
    assert "reinstalling" not in run.stderr.lower()


def _help(*argv: str) -> str:
    out = subprocess.run([sys.executable, *argv, "--help"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_command_line_help_is_indonesian() -> None:
    desktop = _help("-m", "silon_desktop")
    assert desktop.startswith("cara pakai: silon-desktop")
    assert "tampilkan bantuan ini lalu keluar" in desktop
    assert "sinkronisasi sekali dengan server" in desktop and "usage:" not in desktop
    validate = _help("-m", "silon_desktop", "validate")
    assert "kode wilayah pemilihan" in validate and "options:" not in validate
    server = _help("-c", "import sys; from sync.server.cli import main; sys.exit(main())")
    assert server.startswith("cara pakai: ") and "buat atau perbarui basis data" in server
    wrong = subprocess.run(
        [sys.executable, "-m", "silon_desktop", "sync", "--bogus"], capture_output=True, text=True
    )
    assert wrong.returncode == 2 and "argumen tidak dikenal: --bogus" in wrong.stderr
