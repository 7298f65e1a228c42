"""bench_scale hands its measurements' arguments to the child process whatever
they start with (its figures are measured by hand, never asserted here)."""

from __future__ import annotations

import json
import subprocess
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


def test_the_peak_is_sampled_from_outside_the_measured_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The memory sampler scans the process table every 20 ms: run inside the
    measured child, it took CPU from the first sync it measured. The child now only
    measures itself; the bench's process samples the child and its children."""
    from tests.bench import bench_scale

    script = (
        "import json, subprocess, sys, time\n"
        "assert sys.argv[1:3] == ['--child', 'read'], sys.argv\n"
        "held = bytearray(64 * 1024 * 1024)\n"  # 64 MB of the child's own
        "grandchild = subprocess.Popen([sys.executable, '-c',\n"
        "    'import time; held = bytearray(48 * 1024 * 1024); time.sleep(1.0)'])\n"
        "grandchild.wait()\n"
        "print(json.dumps({'seconds': 1.0}))\n"
    )
    real_popen = subprocess.Popen

    def popen(args: list[str], **kwargs: Any) -> Any:
        # [python, bench_scale.py, "--child", "read", ...] -> [python, "-c", script, "--child", ...]
        return real_popen([args[0], "-c", script, *args[2:]], **kwargs)

    monkeypatch.setattr(subprocess, "Popen", popen)
    result = bench_scale.measure("read", "somewhere.xlsx")
    assert result["seconds"] == 1.0
    # Both allocations were alive at once (the child holds its 64 MB while it waits):
    # the sum of the two processes, seen from outside, is above either alone.
    assert result["peak_mb"] > 64 + 48


def test_where_an_encrypted_clients_bytes_go_is_printed_from_a_removed_plain_copy(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    """SQLCipher's build has no ``dbstat``: the bench measured an encrypted client's
    file size but printed no breakdown ("no such table: dbstat"). It now reads a
    plain copy made in the client's own folder, which is gone afterwards."""
    import os

    from silon_desktop.storage import cipher
    from tests.bench import bench_scale

    key = os.urandom(32)
    monkeypatch.setenv(bench_scale.KEY_ENV, key.hex())
    path = tmp_path / "silon.db"
    conn = cipher.connect(path, key)
    conn.execute("CREATE TABLE supporter (id TEXT PRIMARY KEY, name TEXT)")
    conn.executemany(
        "INSERT INTO supporter VALUES (?, ?)", ((f"id-{i:06d}", "x" * 50) for i in range(2000))
    )
    conn.commit()
    conn.close()
    bench_scale._dbstat(path, 2000, "client", client=True)
    printed = capsys.readouterr().err
    assert "no such table" not in printed
    lines = {line.split()[0]: float(line.split()[1]) for line in printed.splitlines()[1:]}
    assert lines["supporter"] > 50 and "sqlite_autoindex_supporter_1" in lines
    assert sorted(p.name for p in tmp_path.iterdir()) == ["silon.db"]
    assert cipher.is_plain(path) is False
