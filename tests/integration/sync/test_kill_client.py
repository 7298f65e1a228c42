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
from sync.client.state import CURSOR_KEY, get_state
from tests.integration.server_process import ROOT, ServerProcess
from tests.integration.sync.conftest import HttpClient, live, server_feed
from tests.unit.sync.harness import supporter_values

KILLS = 50  # kills that must land mid-sync
MAX_RUNS = 150  # a kill can come after the run ended; keep going until KILLS landed


class Zygote:
    """The driver process; each sync runs in a child forked from it (fast start)."""

    def __init__(self) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.sync.kill_driver"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
            cwd=ROOT,
        )
        assert self._line() == "ZYGOTE"

    def _line(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def start(self, client: HttpClient) -> int:
        """Fork a client process syncing ``client``'s folder; returns its pid once READY."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(
            f"{client.folder} {client.url} {client.token} {client.username} 8 15\n"
        )
        self.proc.stdin.flush()
        ready = self._line()
        assert ready.startswith("READY "), ready
        return int(ready.split()[1])

    def kill(self) -> bool:
        """SIGKILL the child; True when it was still running (killed mid-sync)."""
        assert self.proc.stdin is not None
        self.proc.stdin.write("KILL\n")
        self.proc.stdin.flush()
        line = self._line()
        assert line.startswith("EXIT "), line
        return os.WIFSIGNALED(int(line.split()[2]))

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


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
    zygote = Zygote()
    try:
        run = 0
        while sum(killed.values()) < KILLS and run < MAX_RUNS:
            side = pusher if run % 2 == 0 else puller
            if side is pusher:
                ids += [
                    repo.create("supporter", supporter_values(pair, len(ids) + n), region)
                    for n in range(24)
                ]
                for sid in rng.sample(ids, 8):
                    repo.update("supporter", sid, {"address": f"Alamat {run}-{sid[:4]}"})
            side.db.close()  # the child process owns the database now
            zygote.start(side)
            time.sleep(rng.uniform(0.0, 0.15))
            if zygote.kill():
                killed["push" if side is pusher else "pull"] += 1
            run += 1
    finally:
        zygote.close()
    print("kills mid-sync:", dict(killed))
    assert sum(killed.values()) >= KILLS, killed

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
