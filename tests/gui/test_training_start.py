"""``python3 tasks.py run`` (``silon-desktop --training``) on a folder it cannot use, or
beside a training server still running: one clear Indonesian message, no traceback."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from silon_desktop import app


def _args(data_dir: Path, *, training: bool = True) -> argparse.Namespace:
    return argparse.Namespace(
        training=training, data_dir=str(data_dir), verbose=False, lang=None, server=None
    )


@pytest.mark.parametrize("training", [True, False])
def test_a_data_folder_that_cannot_be_made_is_said_not_thrown(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    training: bool,
) -> None:
    """The data folder cannot be created or written (here: its parent is a file; a
    read-only drive or another user's folder alike): the program said so with a Python
    traceback ending in ``NotADirectoryError``, before any window."""
    started: list[Any] = []
    monkeypatch.setattr(app, "no_display_message", lambda: None)
    monkeypatch.setattr(app, "TrainingServer", lambda *a: started.append(a))
    monkeypatch.setattr(app, "_run_qt", lambda *_a: 0)
    blocker = tmp_path / "bukan-folder"
    blocker.write_text("x", encoding="utf-8")
    folder = blocker / "latihan"
    assert app.main(_args(folder, training=training)) == 2
    err = capsys.readouterr().err
    assert f"Folder data {folder} tidak dapat dibuat atau ditulisi" in err
    assert "--data-dir" in err and "Traceback" not in err
    assert not started
