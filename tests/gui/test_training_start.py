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


def test_a_training_server_still_running_on_the_folder_is_said_in_indonesian(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second ``tasks.py run`` while the first one's training server still runs on
    the practice folder: the server's refusal is echoed first, then the desktop's own
    line said it in English ("training server exited with 3")."""
    import json
    import os

    folder = tmp_path / "training-server"
    folder.mkdir()
    # The pid file of a server that is running: a live process older than the file.
    (folder / "latihan.pid").write_text(
        json.dumps({"pid": os.getppid(), "port": app.free_port()}), encoding="utf-8"
    )
    server = app.TrainingServer(folder, port=app.free_port())
    with pytest.raises(RuntimeError) as refused:
        server.start(timeout_s=60)
    said = str(refused.value)
    out = capsys.readouterr().out
    assert "[server latihan] Ditolak: server latihan sedang berjalan" in out
    assert "exited" not in said and "server latihan berhenti (kode 3)" in said
    assert "Silon Desktop latihan yang masih terbuka" in said


def test_ctrl_c_closes_the_window_like_the_operator(qtbot: Any, tmp_path: Path) -> None:
    """Ctrl+C in the terminal of ``tasks.py run``: Python's own SIGINT handler raised a
    KeyboardInterrupt in whatever Qt slot ran next; the window now closes as on SIGTERM
    (its training server stopped, the closing backup made)."""
    import os
    import signal

    from PySide6.QtWidgets import QWidget

    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        timer = app.close_on_terminate(window)
        assert signal.getsignal(signal.SIGINT) is not signal.default_int_handler
        assert timer.isActive()
        os.kill(os.getpid(), signal.SIGINT)
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)
