from __future__ import annotations

import subprocess
import sys

from silon_desktop import __version__


def test_version_prints_and_exits_zero() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "silon_desktop", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == f"silon-desktop {__version__}"
