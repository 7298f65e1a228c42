"""Snapshots against a real server process: a fresh office's first sync, and the
``silon-server snapshot export`` file installed by ``silon-desktop snapshot import``."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from sync.client.snapshots import SNAPSHOT_KEY
from sync.client.state import CURSOR_KEY, SERVER_KEY, get_state
from tests.fixtures import open_data
from tests.integration.server_process import ServerProcess
from tests.integration.sync.conftest import add_user, live, server_feed
from tests.integration.sync.test_commands import _edits, cli


def _state(data: Path, key: str) -> str:
    db = open_data(data)
    try:
        with db.engine.connect() as conn:
            return get_state(conn, key)
    finally:
        db.close()


def _supporters(data: Path) -> set[str]:
    db = open_data(data)
    try:
        with db.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT id FROM supporter WHERE deleted = 0")
            return {str(r[0]) for r in rows}
    finally:
        db.close()


def test_a_fresh_office_syncs_from_a_snapshot_and_a_stick_installs_one_offline(
    server: ServerProcess, region: str, fast_dir: Path
) -> None:
    user = f"snap{region.replace('.', '')}"
    add_user(server, user, region)
    first = fast_dir / "kantor-a"
    assert cli(first, "--server", server.url, "login", "--user", user).returncode == 0
    ids = set(_edits(first, region, 30))
    assert cli(first, "sync").returncode == 0

    # A second office, online: its first pull installs the snapshot of its scope.
    second = fast_dir / "kantor-b"
    assert cli(second, "--server", server.url, "login", "--user", user).returncode == 0
    done = cli(second, "sync")
    assert done.returncode == 0, done.stdout + done.stderr
    note = json.loads(_state(second, SNAPSHOT_KEY))
    assert note["scope"] == region and note["count"] == 32 and note["cursor_moved"]
    assert _supporters(second) == ids
    token = server.login(user, "rahasia-uji-123", device_id="checker")
    assert {k[1] for k in live(server_feed(server, token)) if k[0] == "supporter"} == ids

    # The server writes the same scope to a stick.
    stick = fast_dir / "flashdisk.snap"
    out = server.cli("snapshot", "export", "--scope", region, "--output", str(stick), check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "32 data wilayah" in out.stdout

    # An office that logged in once (key and account known) but never synced.
    third = fast_dir / "kantor-c"
    assert cli(third, "--server", server.url, "login", "--user", user).returncode == 0
    done = cli(third, "snapshot", "import", str(stick))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "32 data" in done.stdout
    assert _supporters(third) == ids
    cursor = _state(third, CURSOR_KEY)
    assert cursor and int(cursor) >= int(note["cursor"])
    assert cli(third, "sync").returncode == 0  # only the feed after the stick's cursor
    assert _supporters(third) == ids

    # An office where nobody has logged in: no plain database is made for a stick.
    fourth = fast_dir / "kantor-d"
    key = server.request("GET", "/v1/server-key").json()["public_key"]
    refused = cli(fourth, "snapshot", "import", str(stick), "--server-key", key)
    assert refused.returncode == 4 and "Masuk dulu" in refused.stderr, refused.stderr
    assert not (fourth / "silon.db").exists()
    # Logged in once, the key also given by the operator (it must match the known one).
    assert cli(fourth, "--server", server.url, "login", "--user", user).returncode == 0
    damaged = fast_dir / "rusak.snap"
    damaged.write_bytes(stick.read_bytes()[:-40])
    refused = cli(fourth, "snapshot", "import", str(damaged), "--server-key", key)
    assert refused.returncode == 2 and "Snapshot rusak.snap ditolak: " in refused.stderr
    assert _supporters(fourth) == set()
    lines = gzip.decompress(stick.read_bytes()).split(b"\n")
    forged = fast_dir / "palsu.snap"
    forged.write_bytes(gzip.compress(b"\n".join([lines[0], lines[1].replace(b"32", b"33", 1)])))
    refused = cli(fourth, "snapshot", "import", str(forged), "--server-key", key)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert _supporters(fourth) == set()
    done = cli(fourth, "snapshot", "import", str(stick), "--server-key", key)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _supporters(fourth) == ids
    assert _state(fourth, SERVER_KEY) == key
