"""bench_scale hands its measurements' arguments to the child process whatever
they start with (its figures are measured by hand, never asserted here)."""

from __future__ import annotations

import json
from typing import Any

import pytest


def test_a_child_argument_starting_with_a_dash_reaches_the_child(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bearer token may start with "-" (base64url): argparse took it for an
    option and the whole run stopped ("unrecognized arguments")."""
    from tests.bench import bench_scale

    seen: list[tuple[str, list[str]]] = []

    def child(kind: str, args: list[str]) -> dict[str, Any]:
        seen.append((kind, args))
        return {"seconds": 1.0}

    monkeypatch.setattr(bench_scale, "child", child)
    argv = ["--child", "sync", "folder", "http://127.0.0.1:1", "-Tok_en", "--dev", "1"]
    assert bench_scale.main(argv) == 0
    assert seen == [("sync", argv[2:])]
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == {"seconds": 1.0}
