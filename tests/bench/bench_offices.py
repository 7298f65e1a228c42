"""Benchmark: 100 offices pushing and pulling at once against real server processes.

Each configuration starts real ``silon-server serve`` processes on loopback: the
SQLite server (one process), then PostgreSQL (127.0.0.1:5432, user postgres,
trust; a database of its own, dropped afterwards) with 2 and with 4 processes on
the same database. Offices are spread over the processes.

The offices are kab/kota offices: ``--scopes`` kabupaten (25 by default), each with
its election and pair, and ``--offices`` devices (100) shared out among them, so
every office pulls what the other offices of its kabupaten push. For
``--seconds`` each office, in a loop (its own thread; the threads spread over
``--workers`` client processes so the clients' own Python is not the bottleneck):

1. pushes a batch of ``--batch`` new supporters of its pair (gzip JSON, as the
   desktop sends it); every fifth batch is sent a second time with the same batch
   and mutation ids (an answer lost on the way), which must change nothing;
   a failed push (error or timeout) is sent again until it is answered;
2. pulls its scope's feed from its cursor until ``has_more`` is false.

With ``--interval S`` (open loop) each office instead starts a push every ``S``
seconds (its first at a random moment of the first ``S``), as offices entering data
and syncing now and then do (the desktop sends waiting changes every 120 s):
100 offices of 100-supporter batches every 10 s offer 1,000 mutations/s whatever
the server answers. A push's time then counts from the moment it was due (a push
that had to wait for the office's previous push and pull counts that wait too),
so a slow server is not hidden by offices that slow down with it. The default
(``--interval 0``) is the saturated closed loop above: each office pushes again as
soon as it has pulled, so push p99 is about the number of offices times a push's
service time, whatever the design.

Each office is one sync run for the whole loop (``?run=`` on its pushes,
``skip_own`` on its feed), as the desktop does within one sync: what it pushed
is not downloaded back (``own_pulled`` counts what was, expected 0).

Every push and every feed request is timed. When every office has stopped, each
pulls to the end once more (not timed), and the end state is checked against the server's feed read by a
national account:

- ``lost``: acknowledged supporters missing on the server, plus supporters of
  another office of the same kabupaten that an office never received;
- ``doubled``: supporters on the server at a version other than 1 (applied
  twice), supporters the server holds that no answer acknowledged, and records
  an office received twice at the same version (a feed page repeating a row).

    python tests/bench/bench_offices.py [--seconds 30] [--offices 100] [--batch 100]
        [--configs sqlite,pg2,pg4] [--workers 4] [--interval 0]

Every server process runs with ``SILON_STAGE_TIMES`` (sync.server.stages): each
configuration's ``stages`` says where a push's time went on the servers (per
stage: how many, mean and p99 in ms, summed over the processes), e.g.
``push.gate_wait`` (waiting for one of the process's push slots), ``group.wait``
(from entering the group commit to the push's own work), ``group.lock_wait``,
``group.work``, ``write.stamp_wait`` and ``stamp.hold`` (PostgreSQL: the commit
order stamp), ``group.commit``.

The last line is one JSON object: per configuration (``sqlite``, ``pg2``, ``pg4``)
``mutations_per_s`` (acknowledged new supporters over the load's duration),
``offered_per_s`` (with ``--interval``: what the offices asked for),
``push_p99_ms``, ``pull_p99_ms``, ``lost``, ``doubled`` and details; at the top the
worst of each over the configurations and the machine's load. Target (issue 19):
push p99 <= 1,000 ms, 0 lost, 0 doubled.
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import orjson
import psutil
import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from silon_desktop.domain.records import election_kind_of  # noqa: E402
from sync.client.apply import block_columns  # noqa: E402
from sync.snapshot import CLIENT_LAYOUT  # noqa: E402
from tests.integration.server_process import ServerProcess  # noqa: E402

PG = "postgresql://postgres@127.0.0.1:5432"
PASSWORD = "rahasia-kantor-123"
#: The feed's layout, as the desktop asks for it.
FEED_LAYOUT = CLIENT_LAYOUT.value
#: Kabupaten and kota of Jawa Barat (real codes; the office accounts are bound to them;
#: a kota's election is a walikota's).
KABUPATEN = [f"32.{n:02d}" for n in range(1, 19)] + [f"32.{n:02d}" for n in range(71, 80)]


# --- wire helpers ----------------------------------------------------------------------


def _mutation(
    scope: str, entity: str, changes: dict[str, Any], record_id: str | None = None
) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "entity": entity,
        "record_id": record_id or str(uuid.uuid4()),
        "scope": scope,
        "op": "upsert",
        "base_version": 0,
        "changes": {k: [None, v] for k, v in changes.items()},
    }


def supporter(scope: str, pair_id: str, i: int) -> dict[str, Any]:
    """A complete supporter of ``scope`` (a NIK of that kabupaten), number ``i``."""
    female = i % 2 == 1
    day = 1 + i % 28 + (40 if female else 0)
    kab = scope.replace(".", "")
    kec = 1 + (i // 10_000) % 30
    return _mutation(
        scope,
        "supporter",
        {
            "pair_id": pair_id,
            "nik": f"{kab}{kec:02d}{day:02d}{1 + i % 12:02d}{80 + i % 20:02d}{i % 10000:04d}",
            "name": f"PENDUKUNG NOMOR {i}",
            "birth_place": "BANDUNG",
            "birth_date": f"19{80 + i % 20}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "sex": "P" if female else "L",
            "marital_status": "S",
            "occupation": "WIRASWASTA",
            "address": f"JL. MERDEKA NO. {i % 500}",
            "rt": f"{i % 15:03d}",
            "rw": f"{i % 9:03d}",
            "desa_code": f"{scope}.{kec:02d}.2001",
            "kecamatan_code": f"{scope}.{kec:02d}",
            "kabkota_code": scope,
            "has_id_scan": True,
            "nik_from_number": False,
            "check_status": "MS",
            "check_reasons": [],
        },
    )


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"}


def _post(session: requests.Session, url: str, path: str, token: str, body: Any) -> Any:
    r = session.post(url + path, json=body, headers=_headers(token), timeout=120)
    r.raise_for_status()
    return r.json()


def _login(url: str, username: str, device_id: str) -> str:
    body = {"username": username, "password": PASSWORD, "device_id": device_id}
    r = requests.post(url + "/v1/auth/login", json=body, timeout=120)
    r.raise_for_status()
    return str(r.json()["token"])


def feed_rows(page: dict[str, Any]) -> Iterator[tuple[str, str, int]]:
    """``(entity, id, version)`` of every record of a feed page, in the layout the
    desktop asks for (:data:`FEED_LAYOUT`) or one array per record."""
    for block in page.get("entities") or []:
        columns = block["columns"]
        values = block_columns(block, len(columns))
        ids, versions = values[columns.index("id")], values[columns.index("version")]
        for rid, version in zip(ids, versions, strict=True):
            yield str(block["entity"]), str(rid), int(version)


# --- one office ----------------------------------------------------------------------


class Office(threading.Thread):
    """One office's loop of push then pull (see the module docstring)."""

    def __init__(self, n: int, spec: dict[str, Any], stop_at: float) -> None:
        super().__init__(daemon=True)
        self.interval: float = spec.get("interval", 0.0)
        self.n = n
        self.url: str = spec["url"]
        self.scope: str = spec["scope"]
        self.pair: str = spec["pair"]
        self.token: str = spec["token"]
        self.batch: int = spec["batch"]
        self.stop_at = stop_at
        self.session = requests.Session()
        self.cursor = "0"
        self.mine: set[str] = set()
        self.push_ms: list[float] = []
        self.pull_ms: list[float] = []
        self.acked: list[str] = []
        self.seen: Counter[tuple[str, int]] = Counter()
        self.errors: list[str] = []
        self.repeats_changed = 0
        #: One sync run for the whole loop: pushes carry it, the feed leaves them out.
        self.run_id = uuid.uuid4().hex
        self.own_pulled = 0
        self.due = 0.0

    def run(self) -> None:
        rounds = 0
        due = time.monotonic()
        if self.interval:
            due += random.uniform(0, self.interval)
        while due < self.stop_at:
            if self.interval:
                time.sleep(max(0.0, due - time.monotonic()))
            self.due = due
            start = (self.n * 1_000_000) + rounds * self.batch
            mutations = [supporter(self.scope, self.pair, start + i) for i in range(self.batch)]
            body = {"batch_id": str(uuid.uuid4()), "device_id": f"office-{self.n}"}
            body["mutations"] = mutations  # type: ignore[assignment]
            data = gzip.compress(orjson.dumps(body), compresslevel=1)
            results = self._push(data)
            self.acked.extend(
                m["record_id"]
                for m, r in zip(mutations, results, strict=True)
                if r["status"] == "applied"
            )
            self.mine.update(m["record_id"] for m in mutations)
            if rounds % 5 == 4:  # the answer "lost": the same batch again
                again = self._push(data)
                if [r["status"] for r in again] != [r["status"] for r in results]:
                    self.repeats_changed += 1
            self.pull()
            rounds += 1
            due = due + self.interval if self.interval else time.monotonic()

    def _push(self, data: bytes) -> list[dict[str, Any]]:
        headers = {
            **_headers(self.token),
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
        }
        while True:
            started = time.perf_counter()
            # Open loop: from the moment the push was due (see the module docstring).
            late = max(0.0, time.monotonic() - self.due) if self.interval else 0.0
            try:
                r = self.session.post(
                    self.url + "/v1/push",
                    params={"run": self.run_id},
                    data=data,
                    headers=headers,
                    timeout=120,
                )
                elapsed = (time.perf_counter() - started + late) * 1000
                if r.status_code == 200:
                    self.push_ms.append(elapsed)
                    self.due = time.monotonic()  # a repeat of the batch is due at once
                    return list(r.json()["results"])
                self.errors.append(f"push {r.status_code}: {r.text[:200]}")
            except requests.RequestException as exc:
                self.errors.append(f"push: {exc!r}"[:200])
            time.sleep(0.5)

    def pull(self) -> None:
        while True:
            started = time.perf_counter()
            try:
                r = self.session.get(
                    self.url + "/v1/feed",
                    params={
                        "after": self.cursor,
                        "limit": "1000",
                        "skip_own": self.run_id,
                        "layout": FEED_LAYOUT,
                    },
                    headers=_headers(self.token),
                    timeout=120,
                )
            except requests.RequestException as exc:
                self.errors.append(f"pull: {exc!r}"[:200])
                return
            elapsed = (time.perf_counter() - started) * 1000
            if r.status_code != 200:
                self.errors.append(f"pull {r.status_code}: {r.text[:200]}")
                return
            page = r.json()
            self.pull_ms.append(elapsed)
            for entity, rid, version in feed_rows(page):
                if entity == "supporter":
                    self.seen[(rid, version)] += 1
                    self.own_pulled += rid in self.mine
            self.cursor = str(page["cursor"])
            if not page.get("has_more"):
                return


def run_offices(specs: list[dict[str, Any]], seconds: float, start_at: float) -> dict[str, Any]:
    """Run these offices' loops (in a client process); their samples and what they saw.

    ``start_at`` is a wall-clock time so that every client process starts together.
    """
    time.sleep(max(0.0, start_at - time.time()))
    cpu_started = time.process_time()
    stop_at = time.monotonic() + seconds
    offices = [Office(spec["n"], spec, stop_at) for spec in specs]
    for o in offices:
        o.start()
    for o in offices:
        o.join()
    return {
        "ended": time.time(),
        "cpu_s": time.process_time() - cpu_started,
        "offices": [
            {
                "n": o.n,
                "scope": o.scope,
                "push_ms": o.push_ms,
                "pull_ms": o.pull_ms,
                "acked": o.acked,
                "seen": [[rid, v, c] for (rid, v), c in o.seen.items()],
                "cursor": o.cursor,
                "errors": o.errors,
                "repeats_changed": o.repeats_changed,
                "own_pulled": o.own_pulled,
                "run_id": o.run_id,
            }
            for o in offices
        ],
    }


# --- servers ---------------------------------------------------------------------------


@contextmanager
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database, dropped afterwards."""
    import psycopg

    name = f"silon_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG}/{name}"
    finally:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_config(name: str, processes: int, args: argparse.Namespace) -> dict[str, Any]:
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        url = stack.enter_context(pg_database()) if name.startswith("pg") else None
        # Every office logs in from this one address: lift the per-address throttle.
        env = {"SILON_SOURCE_FAILURES": "100000"}
        stage_files = [tmp / f"stages-{i}.json" for i in range(processes)]
        servers = [
            stack.enter_context(
                ServerProcess.start(
                    tmp / f"s{i}",
                    database_url=url,
                    env={**env, "SILON_STAGE_TIMES": str(stage_files[i])},
                )
            )
            for i in range(processes)
        ]
        first = servers[0]
        first.add_user("ri", PASSWORD, role="kpu_ri", region="")
        ri = _login(first.url, "ri", "bench-ri")
        session = requests.Session()
        scopes = KABUPATEN[: args.scopes]
        pairs: dict[str, str] = {}
        for scope in scopes:
            user = "kab" + scope.replace(".", "")
            body = {"username": user, "password": PASSWORD, "role": "kabkota", "region": scope}
            session.post(
                first.url + "/v1/users", json=body, headers=_headers(ri), timeout=60
            ).raise_for_status()
            election = _mutation(
                scope,
                "election",
                {
                    "name": f"Pemilihan {election_kind_of(scope)} {scope}",
                    "kind": election_kind_of(scope),
                    "region_code": scope,
                    "support_end": "2099-12-31",
                    "rule_set": "pilkada-2024",
                },
            )
            pair = _mutation(
                scope,
                "pair",
                {"election_id": election["record_id"], "number": 1, "route": "perseorangan"},
            )
            out = _post(
                session,
                first.url,
                "/v1/push",
                ri,
                {
                    "batch_id": str(uuid.uuid4()),
                    "device_id": "bench-ri",
                    "mutations": [election, pair],
                },
            )
            assert [r["status"] for r in out["results"]] == ["applied", "applied"], out
            pairs[scope] = pair["record_id"]
        specs: list[dict[str, Any]] = []
        for n in range(args.offices):
            scope = scopes[n % len(scopes)]
            server = servers[n % len(servers)]
            user = "kab" + scope.replace(".", "")
            specs.append(
                {
                    "n": n,
                    "url": server.url,
                    "scope": scope,
                    "pair": pairs[scope],
                    "token": _login(server.url, user, f"office-{n}"),
                    "batch": args.batch,
                    "interval": args.interval,
                }
            )
        groups = [specs[i :: args.workers] for i in range(args.workers)]
        procs = [psutil.Process(s.pid) for s in servers]
        cpu_before = sum(sum(p.cpu_times()[:2]) for p in procs)
        start_at = time.time() + 2.0
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(args.workers) as pool:
            futures = [
                pool.apply_async(run_offices, (g, args.seconds, start_at)) for g in groups if g
            ]
            outs = [f.get(timeout=args.seconds * 20 + 600) for f in futures]
        # From the common start to the last office's last answer.
        elapsed = max(out["ended"] for out in outs) - start_at
        server_cpu = sum(sum(p.cpu_times()[:2]) for p in procs) - cpu_before
        pg_cpu = postgres_cpu(url) if url else None
        offices = [o for out in outs for o in out["offices"]]
        final_pull(offices, {spec["n"]: spec for spec in specs})
        # The end state as the server holds it (a national account reads everything).
        server_versions: dict[str, int] = {}
        cursor = "0"
        while True:
            r = session.get(
                first.url + "/v1/feed",
                params={"after": cursor, "limit": "5000", "layout": FEED_LAYOUT},
                headers=_headers(ri),
                timeout=120,
            )
            r.raise_for_status()
            page = r.json()
            for entity, rid, version in feed_rows(page):
                if entity == "supporter":
                    server_versions[rid] = version
            cursor = str(page["cursor"])
            if not page.get("has_more"):
                break
        out = summarise(name, processes, args, offices, server_versions, elapsed)
        # The servers' own CPU per acknowledged mutation (pulls included): less noisy
        # than the rate on a shared machine.
        out["server_cpu_ms_per_mutation"] = round(server_cpu * 1000 / max(1, out["mutations"]), 3)
        # The same machine's two cores also ran the offices and, on PostgreSQL, the
        # database's backends (their whole life: setup included).
        per = 1000 / max(1, out["mutations"])
        out["client_cpu_ms_per_mutation"] = round(sum(o["cpu_s"] for o in outs) * per, 3)
        if pg_cpu is not None:
            out["pg_cpu_ms_per_mutation"] = round(pg_cpu * per, 3)
        out["load_1m"] = round(os.getloadavg()[0], 2)
        for server in servers:
            server.stop()  # each writes its stage times once more at exit
        out["stages"] = merge_stages(stage_files)
        return out


def postgres_cpu(url: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends still connected to ``url``'s
    database (a lower bound: an overflow connection closed meanwhile took its own)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        pids = [
            int(r[0])
            for r in admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,))
        ]
    total = 0.0
    for pid in pids:
        try:
            total += sum(psutil.Process(pid).cpu_times()[:2])
        except psutil.Error:
            pass
    return total


def merge_stages(files: list[Path]) -> dict[str, dict[str, float]]:
    """The servers' stage times (sync.server.stages) summed over the processes: per
    stage how many, the mean, the worst process's p99, and the total in seconds."""
    merged: dict[str, dict[str, float]] = {}
    for f in files:
        if not f.exists():
            continue
        for stage, v in json.loads(f.read_text())["stages"].items():
            m = merged.setdefault(stage, {"n": 0, "total": 0.0, "p99": 0.0})
            m["n"] += v["n"]
            m["total"] += v["total"]
            m["p99"] = max(m["p99"], v["p99"])
    return {
        stage: {
            "n": int(m["n"]),
            "mean": round(m["total"] / max(1, m["n"]), 2),
            "p99": round(m["p99"], 2),
            "total_s": round(m["total"] / 1000, 2),
        }
        for stage, m in sorted(merged.items())
    }


def final_pull(offices: list[dict[str, Any]], specs: dict[int, dict[str, Any]]) -> None:
    """Each office pulls to the end once more, now that every office has stopped pushing."""

    def one(out: dict[str, Any]) -> None:
        office = Office(out["n"], specs[out["n"]], 0.0)
        office.cursor = out["cursor"]
        office.run_id = out["run_id"]
        office.seen.update({(rid, v): c for rid, v, c in out["seen"]})
        office.pull()
        out["seen"] = [[rid, v, c] for (rid, v), c in office.seen.items()]
        out["errors"].extend(office.errors)

    threads = [threading.Thread(target=one, args=(o,)) for o in offices]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def summarise(
    name: str,
    processes: int,
    args: argparse.Namespace,
    offices: list[dict[str, Any]],
    server_versions: dict[str, int],
    elapsed: float,
) -> dict[str, Any]:
    acked_by: dict[str, tuple[int, str]] = {}
    for o in offices:
        for rid in o["acked"]:
            acked_by[rid] = (o["n"], o["scope"])
    lost_on_server = sum(1 for rid in acked_by if rid not in server_versions)
    doubled_server = sum(1 for v in server_versions.values() if v != 1)
    unacked_on_server = sum(1 for rid in server_versions if rid not in acked_by)
    by_scope: dict[str, set[str]] = {}
    for rid, (_n, scope) in acked_by.items():
        by_scope.setdefault(scope, set()).add(rid)
    lost_in_pull = 0
    doubled_in_pull = 0
    for o in offices:
        seen = {rid for rid, _v, _c in o["seen"]}
        doubled_in_pull += sum(1 for _rid, _v, c in o["seen"] if c > 1)
        others = {rid for rid in by_scope.get(o["scope"], set()) if acked_by[rid][0] != o["n"]}
        lost_in_pull += len(others - seen)
    push_ms = [x for o in offices for x in o["push_ms"]]
    pull_ms = [x for o in offices for x in o["pull_ms"]]
    errors = [e for o in offices for e in o["errors"]]
    offered = len(offices) * args.batch / args.interval if args.interval else None
    return {
        "database": "sqlite" if name == "sqlite" else "postgresql",
        "processes": processes,
        "offices": len(offices),
        "batch": args.batch,
        "interval_s": args.interval,
        "seconds": round(elapsed, 1),
        "mutations": len(acked_by),
        "mutations_per_s": round(len(acked_by) / elapsed, 1),
        "offered_per_s": offered,
        "pushes": len(push_ms),
        "push_p50_ms": round(percentile(push_ms, 0.50), 1),
        "push_p99_ms": round(percentile(push_ms, 0.99), 1),
        "push_max_ms": round(max(push_ms, default=0.0), 1),
        "pulls": len(pull_ms),
        "pull_p50_ms": round(percentile(pull_ms, 0.50), 1),
        "pull_p99_ms": round(percentile(pull_ms, 0.99), 1),
        "lost": lost_on_server + lost_in_pull,
        "doubled": doubled_server + unacked_on_server + doubled_in_pull,
        "lost_detail": {"on_server": lost_on_server, "in_pull": lost_in_pull},
        "doubled_detail": {
            "version_not_1": doubled_server,
            "not_acknowledged": unacked_on_server,
            "pulled_twice": doubled_in_pull,
        },
        "repeats_changed": sum(o["repeats_changed"] for o in offices),
        "own_pulled": sum(o["own_pulled"] for o in offices),
        "errors": len(errors),
        "error_examples": errors[:3],
    }


CONFIGS = {"sqlite": 1, "pg2": 2, "pg4": 4}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--offices", type=int, default=100)
    parser.add_argument("--scopes", type=int, default=25, help=f"at most {len(KABUPATEN)}")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--workers", type=int, default=4, help="client processes")
    parser.add_argument("--configs", default="sqlite,pg2,pg4")
    parser.add_argument(
        "--interval",
        type=float,
        default=0.0,
        help="open loop: each office pushes a batch every this many seconds (0: saturated)",
    )
    args = parser.parse_args()
    args.scopes = max(1, min(args.scopes, len(KABUPATEN)))
    results: dict[str, Any] = {}
    for name in args.configs.split(","):
        results[name] = run_config(name, CONFIGS[name], args)
        print(name, json.dumps(results[name]), flush=True)
    out: dict[str, Any] = {
        **results,
        "push_p99_ms": max(r["push_p99_ms"] for r in results.values()),
        "pull_p99_ms": max(r["pull_p99_ms"] for r in results.values()),
        "lost": sum(r["lost"] for r in results.values()),
        "doubled": sum(r["doubled"] for r in results.values()),
        "mutations_per_s": min(r["mutations_per_s"] for r in results.values()),
        "load_1m": round(os.getloadavg()[0], 2),
        "interval_s": args.interval,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
