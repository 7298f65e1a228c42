"""tasks.py test-headless installs everything but Qt, and CI runs it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

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
