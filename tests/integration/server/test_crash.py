"""kill -9 of the server in the middle of pushes: a batch is all or nothing, and the
client's retry of the same batch after a restart applies each mutation exactly once."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import requests

from tests.integration.server.conftest import PASSWORD, Client, mutation, seed_election
from tests.integration.server_process import ServerProcess


def test_retry_after_kill_applies_every_mutation_once(tmp_path: Path) -> None:
    with ServerProcess.start(tmp_path / "crash") as server:
        server.add_user("ri", PASSWORD, role="kpu_ri", region="")
        ri = Client(server, "ri", server.login("ri", PASSWORD))
        _e, pairs = seed_election(ri, "32.14")
        batches = [
            [
                mutation("supporter", {"pair_id": pairs[0], "nik": f"3214{b:02d}{i:010d}"})
                for i in range(400)
            ]
            for b in range(12)
        ]
        answered: dict[int, int] = {}

        def pusher() -> None:
            for n, batch in enumerate(batches):
                try:
                    r = ri.push(*batch, batch_id=f"batch-{n}")
                except requests.RequestException:
                    return
                answered[n] = r.status_code

        thread = threading.Thread(target=pusher)
        thread.start()
        deadline = time.monotonic() + 30
        while not answered and time.monotonic() < deadline:
            time.sleep(0.005)
        server.kill()  # SIGKILL, mid-stream: some batches acknowledged, others not
        thread.join(30)
        assert 1 <= len(answered) < len(batches)
        server.restart()
        ri.token = server.login("ri", PASSWORD)
        for n, batch in enumerate(batches):  # the client retries everything not acknowledged
            r = ri.push(*batch, batch_id=f"batch-{n}")
            assert r.status_code == 200
            assert {x["status"] for x in r.json()["results"]} == {"applied"}
            assert {x["version"] for x in r.json()["results"]} == {1}
        feed = [r for r in ri.feed_all() if r["entity"] == "supporter"]
        ids = [r["id"] for r in feed]
        assert len(ids) == len(set(ids)) == sum(len(b) for b in batches)
        assert server.cli("audit", "verify").returncode == 0


def test_a_stopped_server_leaves_no_write_ahead_log(tmp_path: Path) -> None:
    """SIGTERM: the server closes its connections, so SQLite folds the WAL into the
    database and removes it; the data written is all in the database file."""
    folder = tmp_path / "stopped"
    server = ServerProcess.start(folder)
    try:
        server.add_user("ri", PASSWORD, role="kpu_ri", region="")
        ri = Client(server, "ri", server.login("ri", PASSWORD))
        _e, pairs = seed_election(ri, "32.14")
        answer = ri.push(
            *[
                mutation("supporter", {"pair_id": pairs[0], "nik": f"321401{i:010d}"})
                for i in range(200)
            ]
        )
        assert answer.status_code == 200
        wals = list(folder.rglob("*.sqlite3-wal"))
        assert wals and any(w.stat().st_size > 0 for w in wals)  # written, not yet folded in
    finally:
        server.stop()
    assert [w for w in folder.rglob("*-wal") if w.stat().st_size > 0] == []
    database = wals[0].with_name(wals[0].name[: -len("-wal")])
    con = sqlite3.connect(database)
    try:
        count = con.execute("SELECT count(*) FROM records WHERE entity = 'supporter'").fetchone()
    finally:
        con.close()
    assert count[0] == 200
