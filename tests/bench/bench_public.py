"""Benchmark: the public pages of a real server process holding 1,000,000 supporters.

Run: ``python tests/bench/bench_public.py [--supporters N] [--push N]
[--page-rate R] [--check-rate R]``.

1. The supporters are seeded straight into the server database (SQLite, in a
   temporary folder) through the server's own bulk path: ``bulk_insert`` of the
   records and NIK index rows, and the public figures by the same
   ``figures.collect``/``figures.write`` the push path uses, in one write
   transaction per 20,000 rows. No HTTP.
2. The real server process starts on it. Push bodies (gzip JSON, 1,000 new
   supporters each, two pushers as in bench_server) are built before any clock.
3. A push of ``--push`` mutations alone (``push_alone_s``, the mean of one run
   before and one after the loaded push, so the table's growth between them does
   not count as slowdown).
4. The same push size again while ONE load generator (a separate process, an
   asyncio HTTP/1.1 client over keep-alive connections) offers, at the same time,
   the election page at ``--page-rate`` requests/s (default 1,000, the target; 16
   connections) and NIK checks at ``--check-rate`` (default 50/s; 4 connections;
   NIKs listed, with a wrong birth date, and absent). Open loop: each request has
   a planned send time and its latency counts from it, so an answer delayed by a
   busy server also counts the wait of the requests queued behind it (no
   coordinated omission). ``page_rps`` is the pages served per second within the
   push window: it reaches the offered rate only if the server keeps up.
   A rate of 0 is the old closed loop (each connection sends as soon as answered):
   that measures saturation, where the pages take the GIL from the push, not the
   targets' situation (1,000 pages/s served while a push runs).
5. ``push_slowdown`` = loaded push time / ``push_alone_s``.
6. Before the pushes, what a request costs the server process alone (no push):
   ``server_cpu_us_per_page`` (1,000 pages/s for 5 s) and ``server_cpu_us_per_check``
   (100 checks/s for 5 s), CPU microseconds of the server process per answer.

The last line is one JSON object; ``load_average_1m`` is the machine's load at the
end (the machine is shared: figures from a loaded machine are worse);
``server_http`` / ``server_loop`` name uvicorn's HTTP parser and event loop in the
server process (httptools and uvloop when installed, else h11 and asyncio). Targets
(2 cores): page_rps >= 1000, page_p99_ms < 100, check_p99_ms < 50,
push_slowdown <= 1.3.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from importlib.util import find_spec
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson
import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.integration.server_process import ServerProcess  # noqa: E402
from tests.public_seed import verdict  # noqa: E402

SCOPE = "32.14"
NOW = "2024-05-06T03:00:00Z"
KECAMATAN = [f"32.14.{k:02d}" for k in range(1, 18)]


def _dmy(i: int) -> tuple[int, int, int]:
    return 1 + i % 28, 1 + (i // 28) % 12, 80 + (i // 336) % 20


def nik(i: int) -> str:
    """A distinct, well-formed NIK per index up to 67 million (birth date inside)."""
    d, m, y = _dmy(i)
    return f"3214{1 + i % 17:02d}{d:02d}{m:02d}{y:02d}{i // 6720:04d}"


def birth(i: int) -> str:
    d, m, y = _dmy(i)
    return f"19{y}-{m:02d}-{d:02d}"


def supporter_fields(pair_id: str, i: int) -> dict[str, Any]:
    return {
        "pair_id": pair_id,
        "nik": nik(i),
        "name": f"PENDUKUNG NOMOR {i}",
        "birth_place": "PURWAKARTA",
        "birth_date": birth(i),
        "sex": "L",
        "marital_status": "S",
        "occupation": "WIRASWASTA",
        "address": f"JL. MERDEKA NO. {i % 500}",
        "rt": f"{i % 15:03d}",
        "rw": f"{i % 9:03d}",
        "desa_code": KECAMATAN[i % 17] + ".2001",
        "kecamatan_code": KECAMATAN[i % 17],
        "kabkota_code": SCOPE,
        "has_id_scan": True,
        "nik_from_number": False,
        "check_status": "MS",
        "check_reasons": [],
        **verdict(("MS", "MS", "BMS", "TMS", "")[i % 5]),
    }


# --- seeding through the server's bulk path ---------------------------------------


def seed(folder: Path, count: int) -> tuple[str, str]:
    """Election, pair and ``count`` supporters written into a fresh server database."""
    from sync.protocol import ENTITIES, Mutation, Op
    from sync.server.config import Clock, ServerConfig
    from sync.server.db import bulk_insert, database_url, make_engine, migrate, write_tx
    from sync.server.public import figures
    from sync.server.push import apply_batch
    from sync.server.roles import Actor, Role
    from sync.server.schema import nik_index, records

    url = database_url(folder, None)
    migrate(url)
    engine = make_engine(url)
    config = ServerConfig(database_url=url)
    config.clock = Clock(time_from_iso(NOW))
    election, pair = str(uuid.uuid4()), str(uuid.uuid4())
    setup = [
        Mutation(str(uuid.uuid4()), "election", election, SCOPE, Op.UPSERT, 0, {
            k: (None, v) for k, v in {
                "name": "Pemilihan Bupati Purwakarta 2024", "kind": "bupati",
                "region_code": SCOPE, "year": 2024, "dpt": 733_927, "subregion_count": 17,
                "rule_set": "pilkada-2024", "support_start": "2024-05-05",
                "support_end": "2024-05-31", "vermin_end": "2024-06-10",
            }.items()
        }),
        Mutation(str(uuid.uuid4()), "pair", pair, SCOPE, Op.UPSERT, 0, {
            k: (None, v) for k, v in {
                "election_id": election, "number": 1, "route": "perseorangan",
                "head_name": "ASEP SUNANDAR", "deputy_name": "DEWI LESTARI", "status": "diajukan",
            }.items()
        }),
    ]  # fmt: skip
    apply_batch(engine, config, Actor("seed", Role.KPU_RI, "", "seed"), "seed", setup)
    blank = {f.name: (False if f.server_owned else None) for f in ENTITIES["supporter"].fields}
    now = time.time()
    chunk = 20_000
    for start in range(0, count, chunk):
        with write_tx(engine) as conn:
            seq = int(
                conn.exec_driver_sql("SELECT COALESCE(MAX(seq), 0) FROM records").scalar_one()
            )
            rows, index_rows, items = [], [], []
            for i in range(start, min(start + chunk, count)):
                rid = str(uuid.uuid4())
                fields = {**blank, **supporter_fields(pair, i)}
                seq += 1
                rows.append(
                    {
                        "id": rid,
                        "entity": "supporter",
                        "scope": SCOPE,
                        "version": 1,
                        "deleted": False,
                        "seq": seq,
                        "fields": orjson.dumps(fields).decode("utf-8"),
                        "updated_at": now,
                    }
                )
                index_rows.append(
                    {
                        "election_id": election,
                        "nik": fields["nik"],
                        "record_id": rid,
                        "pair_id": pair,
                        "flagged": False,
                    }
                )
                items.append(("supporter", rid, fields, False, None, False))
            bulk_insert(conn, records, rows)
            bulk_insert(conn, nik_index, index_rows)
            figures.write(conn, figures.collect(items), now)
    engine.dispose()
    return election, pair


def time_from_iso(text: str) -> Any:
    import datetime as dt

    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


# --- pushing ---------------------------------------------------------------------------


def push_bodies(pair: str, first: int, count: int, batch: int = 1000) -> list[bytes]:
    out = []
    for start in range(first, first + count, batch):
        mutations = [
            {
                "id": str(uuid.uuid4()),
                "entity": "supporter",
                "record_id": str(uuid.uuid4()),
                "scope": SCOPE,
                "op": "upsert",
                "base_version": 0,
                "changes": {k: [None, v] for k, v in supporter_fields(pair, i).items()},
            }
            for i in range(start, min(start + batch, first + count))
        ]
        body = {"batch_id": str(uuid.uuid4()), "device_id": "bench", "mutations": mutations}
        out.append(gzip.compress(json.dumps(body).encode(), compresslevel=1))
    return out


def run_push(url: str, token: str, bodies: list[bytes], pushers: int = 2) -> float:
    sessions = [requests.Session() for _ in range(pushers)]

    def send(ib: tuple[int, bytes]) -> int:
        r = sessions[ib[0] % pushers].post(
            url + "/v1/push",
            data=ib[1],
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Content-Encoding": "gzip",
            },
            timeout=600,
        )
        r.raise_for_status()
        return sum(1 for x in r.json()["results"] if x["status"] == "applied")

    started = time.perf_counter()
    with ThreadPoolExecutor(pushers) as pool:
        applied = sum(pool.map(send, enumerate(bodies)))
    elapsed = time.perf_counter() - started
    assert applied == 1000 * len(bodies) or applied > 0, applied
    return elapsed


# --- the load generator (a separate process) --------------------------------------------

Sample = tuple[float, float, int]  # (end time, latency s, status)


def _load(port: int, streams: list[tuple[list[bytes], int, float]], stop: Any, out: Any) -> None:
    """For each stream ``(requests, connections, rate)``: send its requests round-robin
    on its keep-alive connections until ``stop``, at ``rate`` requests/s in all (open
    loop: a latency counts from the planned send time, so a slow answer also counts
    the wait of the requests queued behind it); rate 0: closed loop."""
    results: list[list[Sample]] = [[] for _ in streams]

    async def worker(stream: int, n: int) -> None:
        requests_, conns, rate = streams[stream]
        samples = results[stream]
        gap = conns / rate if rate > 0 else 0.0
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        k = n
        planned = time.perf_counter() + n * gap / conns
        while not stop.is_set():
            req = requests_[k % len(requests_)]
            k += conns
            if gap:
                delay = planned - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                t0 = planned
                planned += gap
            else:
                t0 = time.perf_counter()
            writer.write(req)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            t1 = time.perf_counter()
            samples.append((t1, t1 - t0, status))
        writer.close()

    async def main() -> None:
        await asyncio.gather(
            *(worker(i, n) for i, (_r, conns, _rate) in enumerate(streams) for n in range(conns))
        )

    asyncio.run(main())
    out.put(results)


def page_request(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n".encode()


def check_request(nik_: str, birth_: str) -> bytes:
    body = urlencode({"nik": nik_, "birth_date": birth_}).encode()
    return (
        b"POST /publik/cek HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


def under_load(
    server: ServerProcess,
    token: str,
    bodies: list[bytes],
    streams: list[tuple[list[bytes], int, float]],
) -> tuple[float, list[list[Sample]], float]:
    """Push ``bodies`` while the generator runs; per stream its samples that ended
    within the push window, and the window's length."""
    ctx = mp.get_context("spawn")
    stop, out = ctx.Event(), ctx.Queue()
    gen = ctx.Process(target=_load, args=(server.port, streams, stop, out))
    gen.start()
    time.sleep(2.0)  # the generator is connected and warm
    t0 = time.perf_counter()
    seconds = run_push(server.url, token, bodies)
    t1 = time.perf_counter()
    stop.set()
    results = out.get(timeout=120)
    gen.join(timeout=30)
    return seconds, [[s for s in r if t0 <= s[0] <= t1] for r in results], t1 - t0


def server_cost(
    server: ServerProcess, streams: list[tuple[list[bytes], int, float]], seconds: float
) -> tuple[float, int]:
    """Server CPU seconds and requests served while the generator runs ``seconds``
    with no push (what one public request costs the server process)."""
    import psutil

    assert server.proc is not None
    proc = psutil.Process(server.proc.pid)
    ctx = mp.get_context("spawn")
    stop, out = ctx.Event(), ctx.Queue()
    gen = ctx.Process(target=_load, args=(server.port, streams, stop, out))
    gen.start()
    time.sleep(2.0)
    c0, t0 = sum(proc.cpu_times()[:2]), time.perf_counter()
    time.sleep(seconds)
    c1, t1 = sum(proc.cpu_times()[:2]), time.perf_counter()
    stop.set()
    results = out.get(timeout=120)
    gen.join(timeout=30)
    served = sum(1 for r in results for s in r if t0 <= s[0] <= t1)
    return c1 - c0, served


def quantile_ms(samples: list[Sample], q: float) -> float:
    lat = sorted(s[1] for s in samples)
    return round(lat[min(len(lat) - 1, int(len(lat) * q))] * 1000, 2) if lat else -1.0


def p99_ms(samples: list[Sample]) -> float:
    return quantile_ms(samples, 0.99)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--supporters", type=int, default=1_000_000)
    parser.add_argument("--push", type=int, default=100_000)
    parser.add_argument(
        "--page-rate", type=float, default=1000.0, help="offered page requests/s (0: closed loop)"
    )
    parser.add_argument(
        "--check-rate", type=float, default=50.0, help="offered NIK checks/s (0: closed loop)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        election, pair = seed(folder, args.supporters)
        seed_s = time.perf_counter() - started
        env = {
            "SILON_SERVER_NOW": NOW,
            "SILON_PUBLIC_CHECKS_PER_SOURCE": str(10**9),
            "SILON_PUBLIC_CHECKS_PER_NIK": str(10**9),
        }
        with ServerProcess.start(folder, env=env, timeout=120) as server:
            server.add_user("bench-ri", "rahasia-bench", role="kpu_ri", region="")
            token = server.login("bench-ri", "rahasia-bench", device_id="bench")
            n = args.supporters
            sets = [push_bodies(pair, n + k * args.push, args.push) for k in range(3)]
            page_path = f"/publik/pemilihan/{election}"
            assert requests.get(server.url + page_path, timeout=30).status_code == 200
            checks = [
                check_request(nik(i), birth(i) if i % 3 else "1970-01-01")
                for i in range(0, n, max(1, n // 5000))
            ] + [check_request(f"3299{i:012d}", "1990-01-01") for i in range(500)]
            page_cpu, pages = server_cost(server, [([page_request(page_path)], 16, 1000.0)], 5.0)
            check_cpu, checked = server_cost(server, [(checks, 4, 100.0)], 5.0)
            alone_before = run_push(server.url, token, sets[0])
            loaded, (page_samples, check_samples), window = under_load(
                server,
                token,
                sets[1],
                [
                    ([page_request(page_path)], 16, args.page_rate),
                    (checks, 4, args.check_rate),
                ],
            )
            alone_after = run_push(server.url, token, sets[2])
            alone = (alone_before + alone_after) / 2
            errors = sum(1 for s in page_samples + check_samples if s[2] != 200)
            result = {
                "page_rps": round(len(page_samples) / window, 1),
                "page_p99_ms": p99_ms(page_samples),
                "check_p99_ms": p99_ms(check_samples),
                "push_slowdown": round(loaded / alone, 3),
                "page_p50_ms": quantile_ms(page_samples, 0.5),
                "check_p50_ms": quantile_ms(check_samples, 0.5),
                "check_rps": round(len(check_samples) / window, 1),
                "server_cpu_us_per_page": round(page_cpu / max(1, pages) * 1e6),
                "server_cpu_us_per_check": round(check_cpu / max(1, checked) * 1e6),
                "page_rate_offered": args.page_rate,
                "check_rate_offered": args.check_rate,
                "push_alone_s": round(alone, 2),
                "push_alone_before_s": round(alone_before, 2),
                "push_alone_after_s": round(alone_after, 2),
                "push_loaded_s": round(loaded, 2),
                "non_200": errors,
                "supporters": n,
                "push_mutations": args.push,
                "seed_s": round(seed_s, 1),
                "load_average_1m": round(os.getloadavg()[0], 2),
                # What uvicorn runs on in the server process (the same interpreter).
                "server_http": "httptools" if find_spec("httptools") else "h11",
                "server_loop": "uvloop" if find_spec("uvloop") else "asyncio",
            }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
