"""SIGKILL of the client process at random moments of push and pull, then restart and sync:
nothing lost, nothing applied twice (server state and feed checked)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable

from sqlalchemy import func, select

from silon_desktop.storage.models import OutboxMutation
from sync.client_state import CURSOR_KEY, get_state
from tests.integration.server_process import ROOT, ServerProcess
from tests.integration.sync.conftest import HttpClient, live, server_feed
from tests.unit.sync.harness import supporter_values

RUNS = 56


def _spawn(client: HttpClient) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env.update(
        SILON_TEST_TOKEN=client.token,
        SILON_TEST_USER=client.username,
        SILON_TEST_BATCH="8",
        SILON_TEST_PAGE="15",
        PYTHONPATH=str(ROOT),
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.integration.sync.kill_driver",
            str(client.folder),
            client.url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )


def test_kill_minus_nine_during_push_and_pull_loses_nothing(
    server: ServerProcess, http_client: Callable[..., HttpClient], region: str
) -> None:
    rng = random.Random(20241127)
    pusher, puller = http_client("p"), http_client("q")
    repo = pusher.repo
    election = repo.create(
        "election", {"name": "Uji", "kind": "bupati", "region_code": region}, region
    )
    pair = repo.create("pair", {"election_id": election, "number": 1}, region)
    ids: list[str] = []
    killed: Counter[str] = Counter()
    for run in range(RUNS):
        side = pusher if run % 2 == 0 else puller
        if side is pusher:
            ids += [
                repo.create("supporter", supporter_values(pair, len(ids) + n), region)
                for n in range(24)
            ]
            for sid in rng.sample(ids, 8):
                repo.update("supporter", sid, {"address": f"Alamat {run}-{sid[:4]}"})
        side.db.close()  # the child process owns the database now
        proc = _spawn(side)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "READY"
        time.sleep(rng.uniform(0.0, 0.25))
        if proc.poll() is None:
            killed["push" if side is pusher else "pull"] += 1
        proc.kill()
        proc.wait(10)
        proc.stdout.close()
    assert sum(killed.values()) >= RUNS * 0.6, killed  # most kills landed mid-sync

    for side in (pusher, puller, pusher, puller):
        assert side.engine().run().complete
    feed = server_feed(server, pusher.token)
    assert max(Counter(r["id"] for r in feed).values()) == 1
    assert pusher.records() == live(feed) == puller.records()
    assert {k[1] for k in live(feed) if k[0] == "supporter"} == set(ids)

    with pusher.db.session(readonly=True) as session:
        states = dict(
            session.execute(
                select(OutboxMutation.state, func.count()).group_by(OutboxMutation.state)
            ).all()
        )
        per_record = Counter(
            session.execute(
                select(OutboxMutation.record_id).where(OutboxMutation.entity == "supporter")
            ).scalars()
        )
    assert set(states) == {"acked"}
    versions = {r["id"]: r["version"] for r in feed if r["entity"] == "supporter"}
    # Every acknowledged mutation bumped its record once: applied exactly once.
    assert versions == dict(per_record)
    with puller.db.session(readonly=True) as session:
        cursor = int(get_state(session.connection(), CURSOR_KEY))
    r = server.request("GET", f"/v1/feed?after={cursor}", token=puller.token)
    assert r.json()["entities"] == []  # the puller's cursor is at the feed's end
