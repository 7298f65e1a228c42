"""Benchmark: push 100,000 supporter mutations to a real server process on loopback.

Run: ``python tests/bench/bench_server.py [--count N] [--batch B] [--pushers P]``.
The server runs with the SQLite default (synchronous=FULL: every acknowledged
batch is on disk) in a temporary folder. Push bodies (gzip JSON, 1,000 mutations
each) are built before the clock starts, so the figure is the server's; two
pushers keep the server busy while one waits for its answer. The last line of
output is a JSON object with ``mutations_per_s`` and ``peak_rss_mb`` (the
server process's peak resident memory, sampled with psutil), plus details.
Target (2 cores): >= 5,000 mutations/s and < 300 MB.

The same run is made first without the election's rules, value domains and the
server's own supporter check (``SILON_BENCH_NO_RULE_CHECKS=1``, a switch used by
this bench only), then with them: ``rule_check_ratio`` is mutations per second
with the checks over without (target >= 0.9); ``rule_check_cpu_ratio`` the same
per second of server CPU (less noisy on a shared machine).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil
import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.integration.server_process import ServerProcess  # noqa: E402

SCOPE = "32.14"


def _mutation(entity: str, changes: dict[str, Any], record_id: str | None = None) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "entity": entity,
        "record_id": record_id or str(uuid.uuid4()),
        "scope": SCOPE,
        "op": "upsert",
        "base_version": 0,
        "changes": {k: [None, v] for k, v in changes.items()},
    }


def supporter(pair_id: str, i: int) -> dict[str, Any]:
    female = i % 2 == 1
    day = 1 + i % 28 + (40 if female else 0)
    return _mutation(
        "supporter",
        {
            "pair_id": pair_id,
            "nik": f"321401{day:02d}{1 + i % 12:02d}{80 + i % 20:02d}{i % 10000:04d}",
            "name": f"PENDUKUNG NOMOR {i}",
            "birth_place": "PURWAKARTA",
            "birth_date": f"19{80 + i % 20}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "sex": "P" if female else "L",
            "marital_status": "S",
            "occupation": "WIRASWASTA",
            "address": f"JL. MERDEKA NO. {i % 500}",
            "rt": f"{i % 15:03d}",
            "rw": f"{i % 9:03d}",
            "desa_code": "32.14.01.2001",
            "kecamatan_code": "32.14.01",
            "kabkota_code": SCOPE,
            "has_id_scan": True,
            "nik_from_number": False,
            "check_status": "MS",
            "check_reasons": [],
        },
    )


class RssSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.proc = psutil.Process(pid)
        self.peak = 0
        self.stop_event = threading.Event()

    def run(self) -> None:
        while not self.stop_event.is_set():
            try:
                self.peak = max(self.peak, self.proc.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.05)


def encode(mutations: list[dict[str, Any]]) -> bytes:
    body = {"batch_id": str(uuid.uuid4()), "device_id": "bench", "mutations": mutations}
    return gzip.compress(json.dumps(body).encode(), compresslevel=1)


def push(session: requests.Session, url: str, token: str, body: bytes) -> int:
    """Send one gzip-compressed push body; return how many mutations were applied."""
    r = session.post(
        url + "/v1/push",
        data=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
            "Accept-Encoding": "gzip",
        },
        timeout=300,
    )
    r.raise_for_status()
    results = r.json()["results"]
    return sum(1 for x in results if x["status"] == "applied")


def run(args: argparse.Namespace, *, rule_checks: bool) -> dict[str, Any]:
    """One timed run on a fresh server; ``rule_checks`` False is the baseline without
    the election's rules, value domains and the server's own supporter check."""
    env = {} if rule_checks else {"SILON_BENCH_NO_RULE_CHECKS": "1"}
    with (
        tempfile.TemporaryDirectory() as tmp,
        ServerProcess.start(Path(tmp), database_url=args.database_url, env=env) as server,
    ):
        server.add_user("bench-ri", "rahasia-bench", role="kpu_ri", region="")
        token = server.login("bench-ri", "rahasia-bench", device_id="bench")
        election, pair = str(uuid.uuid4()), str(uuid.uuid4())
        setup = [
            _mutation(
                "election",
                {
                    "name": "Bench",
                    "kind": "bupati",
                    "region_code": SCOPE,
                    "support_end": "2099-12-31",
                    "rule_set": "pilkada-2024",
                },
                election,
            ),
            _mutation("pair", {"election_id": election, "route": "perseorangan"}, pair),
        ]
        session = requests.Session()
        push(session, server.url, token, encode(setup))
        # Bodies are built before the clock starts: the figure is the server's throughput.
        batches = [
            encode([supporter(pair, i) for i in range(start, min(start + args.batch, args.count))])
            for start in range(0, args.count, args.batch)
        ]
        server_proc = psutil.Process(server.pid)
        cpu_before = sum(server_proc.cpu_times()[:2])
        sampler = RssSampler(server.pid)
        sampler.start()
        started = time.perf_counter()
        with ThreadPoolExecutor(args.pushers) as pool:
            sessions = [requests.Session() for _ in range(args.pushers)]
            applied = sum(
                pool.map(
                    lambda ib: push(sessions[ib[0] % args.pushers], server.url, token, ib[1]),
                    enumerate(batches),
                )
            )
        elapsed = time.perf_counter() - started
        server_cpu = sum(server_proc.cpu_times()[:2]) - cpu_before
        sampler.stop_event.set()
        sampler.join()
        assert applied == args.count, f"only {applied} of {args.count} applied"
        return {
            "seconds": round(elapsed, 2),
            "mutations_per_s": round(args.count / elapsed, 1),
            "server_cpu_s": round(server_cpu, 2),
            "mutations_per_server_cpu_s": round(args.count / server_cpu, 1),
            "peak_rss_mb": round(sampler.peak / 1024 / 1024, 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--pushers", type=int, default=2)
    parser.add_argument("--database-url", help="an empty PostgreSQL database instead of SQLite")
    args = parser.parse_args()
    if args.database_url:
        parser.error("the rule-check baseline needs a fresh database per run: use SQLite")
    # The baseline first, then the same run with the rules (each on a fresh server).
    baseline = run(args, rule_checks=False)
    checked = run(args, rule_checks=True)
    result = {
        "mutations": args.count,
        "batch": args.batch,
        "pushers": args.pushers,
        "database": "sqlite",
        **checked,
        "baseline_mutations_per_s": baseline["mutations_per_s"],
        "baseline_mutations_per_server_cpu_s": baseline["mutations_per_server_cpu_s"],
        # Mutations per second with the election's rules, value domains and the
        # server's own supporter check, over the same run without them.
        "rule_check_ratio": round(checked["mutations_per_s"] / baseline["mutations_per_s"], 3),
        "rule_check_cpu_ratio": round(
            checked["mutations_per_server_cpu_s"] / baseline["mutations_per_server_cpu_s"], 3
        ),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
