from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections.abc import Iterator
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


#: English function words: one in a help text means the text was left in English
#: (Indonesian help never needs them; ``atau``, ``dan``, ``yang`` take their place).
_ENGLISH = re.compile(r"\b(the|and|of|with|when|from|only|this|that|before|after|into|its)\b")


def _help_texts(parser: argparse.ArgumentParser, path: str) -> Iterator[tuple[str, str]]:
    """``(where, text)`` of a parser's description and every argument's and
    subcommand's help, its subcommands' included."""
    yield path, parser.description or ""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                yield f"{path} {choice.dest}", choice.help or ""
            for name, sub in action.choices.items():
                yield from _help_texts(sub, f"{path} {name}")
        elif action.help and action.help != argparse.SUPPRESS:
            yield f"{path} {'/'.join(action.option_strings) or action.dest}", action.help


def test_every_option_of_both_command_lines_is_explained_in_indonesian() -> None:
    """Not only the top level: every subcommand's options (``--data-dir`` after a
    subcommand, ``import --replace``, ``logout`` were once explained in English)."""
    from silon_desktop.cli import build_parser
    from sync.server.cli import build_parser as server_parser

    texts = [
        *_help_texts(build_parser(), "silon-desktop"),
        *_help_texts(server_parser(), "silon-server"),
    ]
    assert len(texts) > 60  # both trees walked, subcommands included
    english = [(where, text) for where, text in texts if _ENGLISH.search(text)]
    assert english == []


def test_a_command_with_training_works_on_the_practice_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``silon-desktop --training sync`` (or status, backup, retention...) acts on the
    practice data, as the application does with ``--training``, never on the real data."""
    from silon_desktop import cli, paths
    from silon_desktop.commands import status_cmd

    monkeypatch.setenv("SILON_DATA_DIR", str(tmp_path / "kantor"))
    monkeypatch.setattr("sync.privacy.restrict_process", lambda: 0)
    seen: list[Path] = []

    def record(args: argparse.Namespace) -> int:
        seen.append(paths.resolve(getattr(args, "data_dir", None)).data)
        return 0

    monkeypatch.setattr(status_cmd, "run", record)
    assert cli.main(["--training", "status"]) == 0
    assert cli.main(["status"]) == 0
    assert seen == [(tmp_path / "kantor-latihan").resolve(), (tmp_path / "kantor").resolve()]
