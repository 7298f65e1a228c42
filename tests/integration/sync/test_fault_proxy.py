"""Sync through a proxy that drops, delays, truncates and answers 502: converges, no duplicates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from sqlalchemy import func, select

from silon_desktop.storage.models import OutboxMutation
from sync.client import status
from sync.transport import AdaptiveBatch
from tests.integration.faultproxy import FaultProxy
from tests.integration.server_process import ServerProcess
from tests.integration.sync.conftest import HttpClient, live, server_feed
from tests.unit.sync.harness import supporter_values

WEIGHTS = {"ok": 4, "drop": 1, "lost": 1, "delay": 1, "truncate": 1, "bad_gateway": 1}


def _until_complete(client: HttpClient, **engine_kw: object) -> int:
    for attempt in range(1, 40):
        if client.engine(**engine_kw).run().complete:
            return attempt
    raise AssertionError(f"no complete sync in 40 runs: {status(client.db)}")


def test_sync_through_faults_converges_without_duplicates(
    server: ServerProcess, http_client: Callable[..., HttpClient], region: str
) -> None:
    script = ["delay", "drop", "lost", "truncate", "bad_gateway"]
    with FaultProxy(server.port, weights=WEIGHTS, seed=7, delay_s=0.6, script=script) as proxy:
        a = http_client("a", proxy.url, read_timeout_s=0.4)
        b = http_client("b", proxy.url, read_timeout_s=0.4)
        repo = a.repo
        election = repo.create(
            "election", {"name": "Uji", "kind": "bupati", "region_code": region}, region
        )
        pair = repo.create("pair", {"election_id": election, "number": 1}, region)
        ids = [repo.create("supporter", supporter_values(pair, n), region) for n in range(150)]
        small = {"batch": AdaptiveBatch(start=20, minimum=5, maximum=40)}
        _until_complete(a, **small)
        for n, sid in enumerate(ids[:40]):
            repo.update("supporter", sid, {"address": f"Alamat baru {n}"})
        _until_complete(a, **small)
        _until_complete(b, pages=AdaptiveBatch(start=25, minimum=10, maximum=50))
    assert all(proxy.counts[f] > 0 for f in WEIGHTS), proxy.counts

    feed = server_feed(server, a.token)
    per_id = Counter(r["id"] for r in feed)
    assert max(per_id.values()) == 1  # the feed holds each record once
    supporters = {r["id"]: r for r in feed if r["entity"] == "supporter"}
    assert set(supporters) == set(ids)
    # Applied exactly once: a create is version 1, one coalesced-or-not update makes it 2.
    assert {r["version"] for sid, r in supporters.items() if sid in ids[:40]} == {2}
    assert {r["version"] for sid, r in supporters.items() if sid not in ids[:40]} == {1}
    assert a.records() == live(feed) == b.records()
    with a.db.session(readonly=True) as session:
        states = dict(
            session.execute(
                select(OutboxMutation.state, func.count()).group_by(OutboxMutation.state)
            ).all()
        )
    assert states == {"acked": 192}
