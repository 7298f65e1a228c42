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
from typing import Any

import pytest

from sync.client.apply import block_columns
from sync.protocol import decode_feed_page
from tests.integration.server.conftest import PASSWORD, Client, mutation, seed_election
from tests.integration.server_process import ServerProcess
from tests.postgres import scratch_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def pg_url() -> Iterator[str]:
    with scratch_database() as url:
        yield url


@pytest.fixture(scope="module")
def answering(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Client]]:
    """One server process on a scratch database, with the accounts ``ri`` (KPU RI) and
    ``op`` (kab/kota 32.14) logged in, for the tests that only ask it questions it must
    refuse or answer empty (they write nothing): a server, a database and two account
    commands each cost each parametrised case some seconds."""
    with (
        scratch_database() as url,
        ServerProcess.start(tmp_path_factory.mktemp("answering"), database_url=url) as server,
    ):
        server.add_user("ri", PASSWORD, role="kpu_ri", region="")
        server.add_user("op", PASSWORD, role="kabkota", region="32.14")
        yield {name: Client(server, name, server.login(name, PASSWORD)) for name in ("ri", "op")}


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


def _scope_lock(conn: Any, scope: str) -> None:
    from sync.server.db import SCOPE_LOCKS, scope_key

    conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (SCOPE_LOCKS, scope_key(scope)))


def test_a_push_waits_only_for_its_own_scope_and_the_commit_stamp(
    pg_url: str, tmp_path: Path
) -> None:
    """The locks a push takes on PostgreSQL (sync.server.db): a scope held elsewhere
    holds that scope's pushes and no other; the commit stamp held elsewhere holds
    every push before it writes the feed, never a feed read."""
    psycopg = pytest.importorskip("psycopg")
    from sync.server.db import WRITE_LOCK

    with ServerProcess.start(tmp_path / "a", database_url=pg_url) as a:
        a.add_user("ri", PASSWORD, role="kpu_ri", region="")
        ri = Client(a, "ri", a.login("ri", PASSWORD))
        pairs = {s: seed_election(ri, s)[1] for s in ("32.14", "32.15")}
        answers: dict[str, int] = {}

        def push(scope: str) -> threading.Thread:
            ms = [mutation("supporter", {"pair_id": pairs[scope][0]}, scope=scope)]

            def run() -> None:
                answers[scope] = ri.push(*ms).status_code

            t = threading.Thread(target=run)
            t.start()
            return t

        holder = psycopg.connect(pg_url, autocommit=True)
        try:
            with holder.transaction():
                _scope_lock(holder, "32.14")
                held = push("32.14")
                push("32.15").join(60)
                assert answers == {"32.15": 200}  # another scope went through
                assert held.is_alive() and "32.14" not in answers
            held.join(60)  # the scope's lock released: its push goes on
            assert answers == {"32.15": 200, "32.14": 200}

            with holder.transaction():
                holder.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                stamped = push("32.15")
                r = ri.get("/v1/feed", after=0, limit=50)
                assert r.status_code == 200  # reads never wait for the stamp
                seen = {rec.id for rec in decode_feed_page(r.json()).records}
                assert stamped.is_alive()
            stamped.join(60)
            assert answers["32.15"] == 200
            assert len(ri.feed_all()) == len(seen) + 1
        finally:
            holder.close()


def _until_waiting(pg_url: str, waiters: int) -> None:
    """Return once ``waiters`` advisory lock requests wait (at most a minute)."""
    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(pg_url, autocommit=True) as watch:
        for _ in range(1200):
            row = watch.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            ).fetchone()
            if row is not None and row[0] >= waiters:
                return
            threading.Event().wait(0.05)
    raise AssertionError(f"{waiters} lock requests never waited")


def test_a_push_queued_behind_a_move_of_its_account_is_refused(pg_url: str, tmp_path: Path) -> None:
    """An operator moved to another kab/kota by the administrator on one process while
    its push, already past the token check on another process, waits for the write
    locks: the push is refused (401 revoked) and writes nothing in the kab/kota it
    left. It was applied after the move had committed."""
    psycopg = pytest.importorskip("psycopg")
    from sync.server.db import ALL_SCOPES

    with (
        ServerProcess.start(tmp_path / "a", database_url=pg_url) as a,
        ServerProcess.start(tmp_path / "b", database_url=pg_url) as b,
    ):
        a.add_user("ri", PASSWORD, role="kpu_ri", region="")
        a.add_user("op", PASSWORD, role="kabkota", region="32.14")
        ri = Client(b, "ri", b.login("ri", PASSWORD))
        _e, pairs = seed_election(ri, "32.14")
        op = Client(a, "op", a.login("op", PASSWORD))
        supporter = mutation("supporter", {"pair_id": pairs[0], "nik": "3214010101900001"})
        answers: dict[str, Any] = {}

        def move() -> None:
            answers["move"] = ri.server.request(
                "PATCH", "/v1/users/op", ri.token, json={"region": "32.15"}
            )

        def push() -> None:
            answers["push"] = op.push(supporter)

        holder = psycopg.connect(pg_url, autocommit=True)
        try:
            with holder.transaction():  # another writer at work: everyone queues
                holder.execute("SELECT pg_advisory_xact_lock(%s)", (ALL_SCOPES,))
                moving = threading.Thread(target=move)
                moving.start()
                _until_waiting(pg_url, 1)  # the move waits first ...
                pushing = threading.Thread(target=push)
                pushing.start()
                _until_waiting(pg_url, 2)  # ... the push, its token checked, behind it
            moving.join(60)
            pushing.join(60)
        finally:
            holder.close()
        assert answers["move"].status_code == 200, answers["move"].text
        assert answers["push"].status_code == 401, answers["push"].text
        assert answers["push"].json()["error"] == "revoked"
        stored = ri.get(f"/v1/records/supporter/{supporter['record_id']}")
        assert stored.status_code == 404


def test_a_bundle_queued_behind_a_disable_of_its_sender_is_refused(
    pg_url: str, tmp_path: Path
) -> None:
    """The same race through ``POST /v1/bundles``: the operator disabled on one process
    while the bundle it uploads on another waits for the write locks. The bundle was
    applied after the disable had committed."""
    psycopg = pytest.importorskip("psycopg")
    from sync import signing
    from sync.bundle import encode_outbox_bundle
    from sync.protocol import Mutation
    from sync.server.db import ALL_SCOPES

    with (
        ServerProcess.start(tmp_path / "a", database_url=pg_url) as a,
        ServerProcess.start(tmp_path / "b", database_url=pg_url) as b,
    ):
        a.add_user("ri", PASSWORD, role="kpu_ri", region="")
        a.add_user("op", PASSWORD, role="kabkota", region="32.14")
        ri = Client(b, "ri", b.login("ri", PASSWORD))
        _e, pairs = seed_election(ri, "32.14")
        key = signing.generate_private_key()
        token = a.login("op", PASSWORD, device_id="usb-pc", public_key=signing.public_key_b64(key))
        wire = mutation("supporter", {"pair_id": pairs[0], "nik": "3214010101900001"})
        data = encode_outbox_bundle(
            key, str(uuid.uuid4()), "usb-pc", "op", [Mutation.from_wire(wire)], "2024-08-01"
        )
        answers: dict[str, Any] = {}

        def disable() -> None:
            answers["disable"] = b.request(
                "PATCH", "/v1/users/op", ri.token, json={"active": False}
            )

        def upload() -> None:
            headers = {"Content-Type": "application/json"}
            answers["bundle"] = a.request("POST", "/v1/bundles", token, data=data, headers=headers)

        holder = psycopg.connect(pg_url, autocommit=True)
        try:
            with holder.transaction():
                holder.execute("SELECT pg_advisory_xact_lock(%s)", (ALL_SCOPES,))
                disabling = threading.Thread(target=disable)
                disabling.start()
                _until_waiting(pg_url, 1)
                uploading = threading.Thread(target=upload)
                uploading.start()
                _until_waiting(pg_url, 2)
            disabling.join(60)
            uploading.join(60)
        finally:
            holder.close()
        assert answers["disable"].status_code == 200, answers["disable"].text
        assert answers["bundle"].status_code == 401, answers["bundle"].text
        assert answers["bundle"].json()["error"] == "revoked"
        assert ri.get(f"/v1/records/supporter/{wire['record_id']}").status_code == 404


def test_many_scopes_through_two_processes_keep_every_guarantee(
    pg_url: str, tmp_path: Path
) -> None:
    """Pushes of three kabupaten through two processes at once, where each scope's
    pushes run in parallel with the others': every batch also sent through BOTH
    processes at the same moment (applied once, the same answer twice); the same
    NIKs filed for both pairs of an election by devices on different processes
    (all flagged as external duplicates); a reader following the feed through
    both processes sees every change once and in order; the audit chain checks."""
    scopes = ("32.14", "32.15", "32.16")
    with (
        ServerProcess.start(tmp_path / "a", database_url=pg_url) as a,
        ServerProcess.start(tmp_path / "b", database_url=pg_url) as b,
    ):
        servers = [a, b]
        a.add_user("ri", PASSWORD, role="kpu_ri", region="")
        for s in scopes:
            a.add_user("op" + s.replace(".", ""), PASSWORD, role="kabkota", region=s)
        ri = Client(a, "ri", a.login("ri", PASSWORD))
        pairs = {s: seed_election(ri, s)[1] for s in scopes}
        acked: dict[str, int] = {}
        shared_niks: set[str] = set()
        lock = threading.Lock()
        errors: list[str] = []
        pushing = threading.Event()
        pushing.set()

        def device(scope: str, d: int) -> None:
            user = "op" + scope.replace(".", "")
            clients = [
                Client(s, user, s.login(user, PASSWORD, device_id=f"{scope}-{d}")) for s in servers
            ]
            kab = scope.replace(".", "")
            for batch in range(6):
                ms = []
                for i in range(8):
                    # Half of each batch: NIKs the scope's other device files for the other pair.
                    own = i % 2 == 1
                    nik = f"{kab}{d if own else 9}{batch:02d}{i:08d}"
                    ms.append(
                        mutation("supporter", {"pair_id": pairs[scope][d], "nik": nik}, scope=scope)
                    )
                    if not own:
                        with lock:
                            shared_niks.add(nik)
                batch_id = str(uuid.uuid4())
                answers: list[Any] = [None, None]

                def send(
                    k: int,
                    ms: list[dict[str, Any]] = ms,
                    batch_id: str = batch_id,
                    answers: list[Any] = answers,
                ) -> None:
                    answers[k] = clients[k].push(*ms, batch_id=batch_id)

                twins = [threading.Thread(target=send, args=(k,)) for k in (0, 1)]
                for t in twins:
                    t.start()
                for t in twins:
                    t.join(120)
                if any(r is None or r.status_code != 200 for r in answers):
                    errors.append(f"{scope}-{d}: {[getattr(r, 'text', r) for r in answers]}")
                    return
                first, second = (r.json()["results"] for r in answers)
                if first != second:
                    errors.append(f"{scope}-{d}: two answers differ: {first} {second}")
                with lock:
                    for m, res in zip(ms, first, strict=True):
                        if res["status"] == "applied":
                            acked[m["record_id"]] = int(res["version"])

        seen: Counter[tuple[str, int]] = Counter()
        latest: dict[str, int] = {}

        def reader() -> None:
            tokens = [s.login("ri", PASSWORD, device_id="reader") for s in servers]
            cursor, turn, idle_after_stop = "0", 0, 0
            while idle_after_stop < 2:
                r = servers[turn % 2].request(
                    "GET", "/v1/feed", tokens[turn % 2], params={"after": cursor, "limit": 29}
                )
                turn += 1
                if r.status_code != 200:
                    errors.append(r.text)
                    return
                page = decode_feed_page(r.json())
                for rec in page.records:
                    if rec.entity == "supporter":
                        seen[(rec.id, rec.version)] += 1
                        if rec.version < latest.get(rec.id, 0):
                            errors.append(f"version went back for {rec.id}")
                        latest[rec.id] = rec.version
                cursor = page.cursor
                if not page.has_more and not pushing.is_set():
                    idle_after_stop += 1

        pull = threading.Thread(target=reader)
        pull.start()
        threads = [threading.Thread(target=device, args=(s, d)) for s in scopes for d in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        pushing.clear()
        pull.join(120)
        assert not errors, errors[:3]
        assert len(acked) == len(scopes) * 2 * 6 * 8  # every supporter applied once
        assert all(count == 1 for count in seen.values())  # no row pulled twice
        final = {r["id"]: r for r in ri.feed_all() if r["entity"] == "supporter"}
        assert set(final) == set(acked) == set(latest)
        assert all(latest[rid] == final[rid]["version"] for rid in final)
        flagged = {r["fields"]["nik"] for r in final.values() if r["fields"]["external_duplicate"]}
        assert flagged == shared_niks
        verify = a.cli("audit", "verify")
        assert verify.returncode == 0 and "OK" in verify.stdout, verify.stdout


def test_every_feed_layout_carries_the_same_records_on_postgresql(
    pg_url: str, tmp_path: Path
) -> None:
    """The compact layout the desktop asks for reads the same records, cursors and
    tombstones as one array per record, on PostgreSQL as on SQLite."""
    from tests.integration.server.test_feed_layouts import same_in_every_layout, write_list

    with ServerProcess.start(tmp_path / "a", database_url=pg_url) as server:
        server.add_user("ri", PASSWORD, role="kpu_ri", region="")
        ri = Client(server, "ri", server.login("ri", PASSWORD))
        _election, (pair, _other) = seed_election(ri, "32.14")
        written = write_list(ri, pair)
        compact = same_in_every_layout(ri, limit=4)["compact"]
    blocks = [b for page in compact for b in page["entities"] if b["entity"] == "supporter"]
    deleted = [d for b in blocks for d in block_columns(b, len(b["columns"]))[3]]
    assert deleted.count(True) == 1 and len(deleted) == 12
    assert written["withdrawn"] in {
        i for b in blocks for i in block_columns(b, len(b["columns"]))[0]
    }


def test_a_conflict_cursor_past_32_bits_is_answered_as_on_sqlite(
    answering: dict[str, Client],
) -> None:
    """``GET /v1/conflicts?after=N`` takes any N up to 2**62 (docs/PROTOCOL.md): one past
    the conflict ids' 32-bit column made PostgreSQL fail the query (500 Internal Server
    Error, "integer out of range"); SQLite answered an empty page."""
    for name in ("ri", "op"):  # a kab/kota's log joins the records (their area)
        client = answering[name]
        for after in (2**31 - 1, 2**31, 2**62):
            r = client.get("/v1/conflicts", after=after)
            assert r.status_code == 200, r.text
            assert r.json() == {"conflicts": [], "cursor": after, "has_more": False}


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/checks", {"after": "a\x00b"}),
        ("/v1/conflicts", {"record_id": "a\x00b"}),
        ("/v1/records/supporter/a%00b", {}),
        ("/v1/users/op%00", {}),
        ("/v1/users/op%00/unlock", {}),
    ],
)
def test_a_nul_character_in_a_name_or_id_is_refused_as_invalid(
    answering: dict[str, Client], path: str, params: dict[str, str]
) -> None:
    """A NUL character in a record id, a cursor or an account name: 422 naming the
    parameter, as no record id or name holds one. PostgreSQL refuses NUL in text, so
    the query failed there (500 Internal Server Error); SQLite looked it up."""
    ri = answering["ri"]
    method = "GET" if "/users/" not in path else "PATCH"
    if path.endswith("/unlock"):
        method = "POST"
    body = {"active": True} if method == "PATCH" else None
    r = ri.server.request(method, path, ri.token, json=body, params=params)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "invalid_request"


def test_a_large_push_while_the_database_is_gone_is_answered_busy(
    pg_url: str, tmp_path: Path
) -> None:
    """PostgreSQL stops taking connections (a restart, a failover): a push whose body is
    large enough that its token is checked before the body is read (every push of some
    hundred supporters) is answered 503 ``busy`` with Retry-After, as a small one is. The
    body's check ran outside the app's error handlers: 500 Internal Server Error."""
    psycopg = pytest.importorskip("psycopg")
    from sync.server.middleware import PUBLIC_MAX_BYTES

    name = pg_url.rsplit("/", 1)[1]
    with ServerProcess.start(tmp_path / "a", database_url=pg_url) as server:
        server.add_user("ri", PASSWORD, role="kpu_ri", region="")
        ri = Client(server, "ri", server.login("ri", PASSWORD))
        _e, pairs = seed_election(ri, "32.14")
        small = [mutation("supporter", {"pair_id": pairs[0], "nik": "3214010101900001"})]
        large = [
            mutation("supporter", {"pair_id": pairs[0], "nik": f"32140101019{i:05d}"})
            for i in range(400)
        ]
        assert len(str(large)) > PUBLIC_MAX_BYTES
        with psycopg.connect(pg_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            try:
                answers = [ri.push(*small), ri.push(*large)]
            finally:
                admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        for r in answers:
            assert r.status_code == 503, r.text
            assert r.json()["error"] == "busy" and r.headers["Retry-After"] == "1"
        assert ri.push(*large).status_code == 200  # back: the same push goes through
