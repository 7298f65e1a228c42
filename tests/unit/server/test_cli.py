"""``silon-server``: errors of the environment end with a clear line, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.server.cli import main


def test_a_missing_bundle_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere" / "bundle.json.gz"
    assert main(["bundle", "import", "--data-dir", str(tmp_path / "data"), str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and str(missing) in err


def test_an_unreachable_database_is_said_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    # Port 1 on loopback: the connection is refused at once.
    assert main(["init", "--database-url", "postgresql://nobody@127.0.0.1:1/none"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: database unavailable: ")
    assert "Traceback" not in err
