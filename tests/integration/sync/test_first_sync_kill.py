"""SIGKILL during a fresh office's first sync (the snapshot install, then the feed):
nothing half-installed is kept, and the next sync completes it."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sync.client.snapshots import SNAPSHOT_KEY
from sync.client.state import CURSOR_KEY
from tests.integration.server_process import ROOT, ServerProcess
from tests.integration.sync.conftest import add_user, live, server_feed
from tests.integration.sync.test_commands import _edits, cli
from tests.integration.sync.test_snapshot_commands import _state, _supporters
from tests.unit.sync.harness import PASSWORD

SUPPORTERS = 2_000


def _start_sync(data: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "SILON_PASSWORD"}
    env["SILON_PASSWORD"] = PASSWORD
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen(
        [sys.executable, "-m", "silon_desktop", "--data-dir", str(data), "sync"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
    )


def test_sigkill_during_the_first_sync_keeps_nothing_half_done_and_resumes(
    server: ServerProcess, region: str, fast_dir: Path
) -> None:
    user = f"kill{region.replace('.', '')}"
    add_user(server, user, region)
    source = fast_dir / "kantor-impor"
    assert cli(source, "--server", server.url, "login", "--user", user).returncode == 0
    ids = set(_edits(source, region, SUPPORTERS))
    assert cli(source, "sync").returncode == 0

    # How long a whole first sync takes here: the kills land inside that span.
    timing = fast_dir / "kantor-ukur"
    assert cli(timing, "--server", server.url, "login", "--user", user).returncode == 0
    started = time.monotonic()
    assert cli(timing, "sync").returncode == 0
    span = time.monotonic() - started
    assert _supporters(timing) == ids

    fresh = fast_dir / "kantor-baru"
    assert cli(fresh, "--server", server.url, "login", "--user", user).returncode == 0
    rng = random.Random(19)
    landed = 0
    for attempt in range(8):
        proc = _start_sync(fresh)
        time.sleep(span * rng.uniform(0.5, 0.98))  # after start-up, mostly
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            landed += 1
        elif not landed:
            # Done before the first kill (the load fell after the span was measured):
            # another fresh office, killed earlier.
            assert proc.wait(60) == 0
            assert _supporters(fresh) == ids
            span *= 0.6
            fresh = fast_dir / f"kantor-baru-{attempt}"
            assert cli(fresh, "--server", server.url, "login", "--user", user).returncode == 0
            continue
        proc.wait(60)
        # All or nothing: the snapshot and its cursor in one transaction.
        have, cursor = _supporters(fresh), _state(fresh, CURSOR_KEY)
        assert (have, cursor) == (set(), "") or (have == ids and cursor), (attempt, len(have))
        if have:
            break
    assert landed >= 1

    done = cli(fresh, "sync")
    assert done.returncode == 0, done.stdout + done.stderr
    assert _supporters(fresh) == ids
    note = json.loads(_state(fresh, SNAPSHOT_KEY))
    assert note["count"] == SUPPORTERS + 2 and note["cursor_moved"]
    token = server.login(user, PASSWORD, device_id="checker")
    server_ids = {k[1] for k in live(server_feed(server, token)) if k[0] == "supporter"}
    assert server_ids == ids
