"""silon_desktop.runtime: how the program finds its server and reports a shown window."""

from __future__ import annotations

import subprocess
import sys

import pytest

from silon_desktop import paths, runtime


class _Window:
    def __init__(self, visible: bool) -> None:
        self.visible = visible

    def isVisible(self) -> bool:  # noqa: N802 (Qt's name)
        return self.visible


class _App:
    def __init__(self) -> None:
        self.pumped = 0

    def processEvents(self) -> None:  # noqa: N802 (Qt's name)
        self.pumped += 1


def test_from_source_not_frozen_and_resources_at_the_repository() -> None:
    assert not runtime.frozen()
    assert runtime.bundle_dir() is None
    assert runtime.resources_dir() == paths.resources_dir()
    assert runtime.resource("regions").is_dir()


def test_server_command_starts_the_server_cli() -> None:
    command = runtime.server_command()
    done = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "training" in done.stdout


def test_frozen_server_command_is_the_bundle_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", "/opt/silon/_internal", raising=False)
    assert runtime.frozen()
    assert runtime.server_command() == [sys.executable, runtime.SERVER_FLAG]


def test_shown_hook_is_a_no_op_unless_measuring(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(runtime.EXIT_AFTER_SHOW_ENV, raising=False)
    app = _App()
    runtime.report_shown_and_maybe_exit(_Window(True), app)
    assert app.pumped == 0
    assert capsys.readouterr().out == ""


def test_shown_hook_prints_the_marker_and_exits(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(runtime.EXIT_AFTER_SHOW_ENV, "1")
    app = _App()
    with pytest.raises(SystemExit) as stopped:
        runtime.report_shown_and_maybe_exit(_Window(True), app)
    assert stopped.value.code == 0
    assert app.pumped == 1
    assert capsys.readouterr().out.startswith(f"{runtime.SHOWN_MARKER} via=app frozen=0")


def test_shown_hook_waits_for_a_window_that_is_not_visible(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(runtime.EXIT_AFTER_SHOW_ENV, "1")
    runtime.report_shown_and_maybe_exit(_Window(False), _App())
    assert runtime.SHOWN_MARKER not in capsys.readouterr().out
