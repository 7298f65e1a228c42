"""tasks.py test-headless installs everything but Qt, and CI runs it."""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _tasks() -> object:
    spec = importlib.util.spec_from_file_location("silon_tasks", ROOT / "tasks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_headless_environment_gets_the_project_deps_without_pyside6() -> None:
    tasks: object = _tasks()
    wanted = tasks._headless_requirements()  # type: ignore[attr-defined]
    names = {w.split(">")[0].split("=")[0].split("[")[0].strip().lower() for w in wanted}
    assert not names & {"pyside6", "pyside6-essentials", "pytest-qt"}
    assert {"sqlalchemy", "fastapi", "pytest", "import-linter"} <= names
    assert tasks.HEADLESS_TESTS == ["tests/unit"]  # type: ignore[attr-defined]


def test_ci_runs_the_headless_tests_after_the_main_test_command() -> None:
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert lines.index("python3 tasks.py test-headless") > lines.index("python3 tasks.py test")


def test_install_steps_are_quiet_unless_they_fail(capsys: pytest.CaptureFixture[str]) -> None:
    """The build backend's deprecation notices read as failures: shown only on failure."""
    tasks: Any = _tasks()
    noisy = "import sys; print('BuildBackendWarning: deprecated'); sys.stderr.write('!!\\n')"
    tasks._quiet([sys.executable, "-c", noisy])
    assert capsys.readouterr().out == ""
    with pytest.raises(SystemExit) as failed:
        tasks._quiet([sys.executable, "-c", noisy + "; sys.exit(2)"])
    assert "Installing failed (exit 2)" in str(failed.value)
    assert "BuildBackendWarning" in capsys.readouterr().out


def test_the_license_is_an_spdx_string_not_the_deprecated_table() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"
    assert "setuptools>=77" in project["build-system"]["requires"]
