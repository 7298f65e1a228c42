"""Two server processes on one PostgreSQL database: the feed never skips nor repeats.

Several pushers write through both processes at once while a puller follows the
feed (alternating processes) with its cursor. Every acknowledged mutation must
appear in what the puller saw exactly once.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.protocol import decode_feed_page
from tests.integration.server.conftest import PASSWORD, Client, mutation, seed_election
from tests.integration.server_process import ServerProcess

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PG = "postgresql://postgres@127.0.0.1:5432"


@pytest.fixture
def pg_url() -> Iterator[str]:
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    name = f"silon_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG}/{name}"
    finally:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


def test_feed_through_two_processes_has_every_acknowledged_mutation_once(
    pg_url: str, tmp_path: Path
) -> None:
    with (
        ServerProcess.start(tmp_path / "a", database_url=pg_url) as a,
        ServerProcess.start(tmp_path / "b", database_url=pg_url) as b,
    ):
        a.add_user("ri", PASSWORD, role="kpu_ri", region="")
        a.add_user("op", PASSWORD, role="kabkota", region="32.14")
        servers = [a, b]
        _e, pairs = seed_election(Client(a, "ri", a.login("ri", PASSWORD)), "32.14")
        acked: list[str] = []
        lock = threading.Lock()
        errors: list[str] = []
        pushing = threading.Event()
        pushing.set()

        def pusher(n: int) -> None:
            server = servers[n % 2]
            client = Client(server, "op", server.login("op", PASSWORD, device_id=f"dev{n}"))
            for _batch in range(12):
                ms = [
                    mutation("supporter", {"pair_id": pairs[n % 2], "nik": f"32140{n}{i:011d}"})
                    for i in range(15)
                ]
                r = client.push(*ms)
                if r.status_code != 200:
                    errors.append(r.text)
                    return
                with lock:
                    acked.extend(
                        m["record_id"]
                        for m, res in zip(ms, r.json()["results"], strict=True)
                        if res["status"] == "applied"
                    )

        seen: Counter[str] = Counter()

        def puller() -> None:
            tokens = [s.login("op", PASSWORD, device_id="puller") for s in servers]
            cursor, turn, idle_after_stop = "0", 0, 0
            while idle_after_stop < 2:
                server = servers[turn % 2]
                r = server.request(
                    "GET", "/v1/feed", tokens[turn % 2], params={"after": cursor, "limit": 37}
                )
                turn += 1
                if r.status_code != 200:
                    errors.append(r.text)
                    return
                page = decode_feed_page(r.json())
                seen.update(rec.id for rec in page.records if rec.entity == "supporter")
                cursor = page.cursor
                if not page.has_more and not pushing.is_set():
                    idle_after_stop += 1

        threads = [threading.Thread(target=pusher, args=(n,)) for n in range(4)]
        pull = threading.Thread(target=puller)
        pull.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        pushing.clear()
        pull.join(120)
        assert not errors, errors[:3]
        assert len(acked) == 4 * 12 * 15
        assert set(seen) == set(acked)
        assert all(count == 1 for count in seen.values())


def test_devices_skipping_their_own_pushes_get_every_other_change_once(
    pg_url: str, tmp_path: Path
) -> None:
    """skip_own on PostgreSQL under concurrent pushes through two processes: the
    cursor moves past a device's own rows without jumping over anyone else's."""
    with (
        ServerProcess.start(tmp_path / "a", database_url=pg_url) as a,
        ServerProcess.start(tmp_path / "b", database_url=pg_url) as b,
    ):
        a.add_user("ri", PASSWORD, role="kpu_ri", region="")
        a.add_user("op", PASSWORD, role="kabkota", region="32.14")
        servers = [a, b]
        _e, pairs = seed_election(Client(a, "ri", a.login("ri", PASSWORD)), "32.14")
        acked: dict[int, list[str]] = {n: [] for n in range(4)}
        seen: dict[int, Counter[str]] = {n: Counter() for n in range(4)}
        errors: list[str] = []
        barrier = threading.Barrier(4)

        def device(n: int) -> None:
            server = servers[n % 2]
            token = server.login("op", PASSWORD, device_id=f"own{n}")
            run = uuid.uuid4().hex
            cursor = "0"

            def pull() -> None:
                nonlocal cursor
                while True:
                    r = server.request(
                        "GET",
                        "/v1/feed",
                        token,
                        params={"after": cursor, "limit": 23, "skip_own": run},
                    )
                    if r.status_code != 200:
                        errors.append(r.text)
                        return
                    page = decode_feed_page(r.json())
                    seen[n].update(rec.id for rec in page.records if rec.entity == "supporter")
                    cursor = page.cursor
                    if not page.has_more:
                        return

            barrier.wait()
            for _batch in range(10):
                ms = [
                    mutation("supporter", {"pair_id": pairs[n % 2], "nik": f"32141{n}{i:010d}"})
                    for i in range(12)
                ]
                body = {"batch_id": str(uuid.uuid4()), "device_id": f"own{n}", "mutations": ms}
                r = server.request("POST", f"/v1/push?run={run}", token, json=body)
                if r.status_code != 200:
                    errors.append(r.text)
                    return
                acked[n].extend(
                    m["record_id"]
                    for m, res in zip(ms, r.json()["results"], strict=True)
                    if res["status"] == "applied"
                )
                pull()
            barrier.wait()  # everyone has pushed: the last pull sees it all
            pull()

        threads = [threading.Thread(target=device, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(180)
        assert not errors, errors[:3]
        for n in range(4):
            assert len(acked[n]) == 10 * 12
            others = {rid for m, ids in acked.items() if m != n for rid in ids}
            assert set(seen[n]) == others  # nothing of its own, nothing of others missing
            assert all(count == 1 for count in seen[n].values())
