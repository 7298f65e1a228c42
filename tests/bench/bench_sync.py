"""Benchmark of the sync client: push 100,000 supporter mutations, pull them into a fresh client.

Runs a real ``silon-server`` process on loopback (SQLite, default settings), a
pushing client whose outbox holds 100,000 supporter creates, and a second fresh
client that pulls them. Wire bytes are the bytes on the socket (gzip as sent)
counted by the transport; the baseline is the same records (id, scope, version,
deleted and every field) as CSV, gzip-compressed, measured in the same run.

    python tests/bench/bench_sync.py [--records N] [--push-only] [--profile DIR]

The last line is one JSON object: push_per_s, pull_per_s, wire_bytes_per_record
(the pull: what reaches a client), csv_gzip_bytes_per_record, wire_ratio, plus
feed_pull_per_s (the same first pull from the feed alone, without the snapshot) and
feed_wire_bytes_per_record (its bytes on the socket),
pull_ready_per_s, push_wire_bytes_per_record and the counts.

``pull_per_s`` is a fresh client's first pull right after the push, before the
server's snapshot builder has run (it waits for pushes to pause,
``snapshot_builder.QUIET_S``): its request builds the scope's snapshot, and that
build is in its time. ``pull_ready_per_s`` is the same first pull by another fresh
client once the snapshot is prepared, as it is for a client that joins later:
what the client takes to fetch, check and apply the records. Targets: push >= 5,000/s, pull >=
10,000/s, wire_ratio <= 1.25.

CPU seconds of the push, robust on a loaded machine where the rates are not:
``server_cpu_s`` (the server process, user + system, while the push ran),
``server_cpu_us_per_mutation`` and ``client_cpu_s`` (this process: claiming the
outbox, building and compressing the bodies, recording the answers).

``--push-only`` stops after the push (no pull figures). ``--profile DIR`` samples
the server process with py-spy during the push (when py-spy is installed:
``DIR/server-push.txt``, collapsed stacks, and ``DIR/server-push.svg``) and profiles
the client's push with cProfile (``DIR/client-push.pstats``), and each first pull
(``DIR/client-pull.pstats``, ``client-ready.pstats``, ``client-feed.pstats``).
"""

from __future__ import annotations

import argparse
import atexit
import cProfile
import csv
import datetime as dt
import gzip
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PASSWORD = "rahasia-bench-123"
SCOPE = "32.14"
FIRST = (
    "Agus Budi Siti Dewi Rina Sri Wahyu Eko Joko Nur Ahmad Muhammad Putri Indah Fitri Yuni "
    "Hendra Rudi Asep Dedi Ujang Cecep Neneng Euis Iis Entin Yayan Dadang Ade Lilis"
).split()
LAST = (
    "Saputra Wijaya Hidayat Kurniawan Setiawan Pratama Lestari Rahayu Susanti Permana "
    "Gunawan Nugraha Sopandi Suryana Hermawan Rohman Maulana Fauzi Ramdani Hakim"
).split()
STREETS = (
    "Merdeka Sudirman Siliwangi Pajajaran Cikutra Dago Cibaduyut Sukajadi Kopo Soekarno".split()
)
JOBS = "PETANI WIRASWASTA PEDAGANG BURUH GURU KARYAWAN_SWASTA MENGURUS_RUMAH_TANGGA PELAJAR".split()


def supporter_rows(pair_id: str, n: int, seed: int = 1) -> list[dict[str, Any]]:
    """``n`` realistic supporters of one pair in wire form (random but seeded)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        kec = rng.randint(1, 30)
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 20000))
        sex = rng.choice("LP")
        day = born.day + (40 if sex == "P" else 0)
        nik = (
            f"3214{kec:02d}{day:02d}{born.month:02d}{born.year % 100:02d}{rng.randint(1, 9999):04d}"
        )
        rows.append(
            {
                "pair_id": pair_id,
                "nik": nik,
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}".upper(),
                "birth_place": "PURWAKARTA",
                "birth_date": born.isoformat(),
                "sex": sex,
                "marital_status": rng.choice("BSP"),
                "occupation": rng.choice(JOBS),
                "address": f"JL. {rng.choice(STREETS).upper()} NO. {rng.randint(1, 200)}",
                "rt": f"{rng.randint(1, 15):03d}",
                "rw": f"{rng.randint(1, 10):03d}",
                "desa_code": f"32.14.{kec:02d}.{2000 + rng.randint(1, 20)}",
                "kecamatan_code": f"32.14.{kec:02d}",
                "kabkota_code": "32.14",
                "round": "submission",
                "has_id_scan": True,
                "nik_from_number": False,
                "check_status": "MS",
                "check_reasons": [],
                "admin_status": "",
                "admin_reasons": [],
                "admin_by": "",
                "admin_at": None,
                "field_status": "",
                "field_reasons": [],
                "field_method": "",
                "field_by": "",
                "field_at": None,
                "withdrawn_reason": "",
                "withdrawn_note": "",
                "withdrawn_by": "",
                "withdrawn_at": None,
                "duplicate_of": "",
                "_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "_i": i,
            }
        )
    return rows


def fill_outbox(db: Any, pair_id: str, rows: list[dict[str, Any]]) -> None:
    """Supporter rows and their create mutations, as storage writes them, in bulk."""
    from sqlalchemy import insert

    from silon_desktop.storage.models import OutboxMutation, Supporter, utcnow
    from silon_desktop.storage.outbox import outbox_row
    from sync.client.columns import record_values
    from sync.protocol import ENTITIES, Record

    names = ENTITIES["supporter"].client_fields
    now = utcnow()
    with db.engine.begin() as conn:
        for start in range(0, len(rows), 5000):
            chunk = rows[start : start + 5000]
            supporters, outbox = [], []
            for row in chunk:
                fields = {k: row[k] for k in names if k in row}  # a create names what it sets
                rec = Record("supporter", row["_id"], SCOPE, 0, False, fields)
                supporters.append(
                    {
                        "id": row["_id"],
                        "scope": SCOPE,
                        "version": 0,
                        "deleted": False,
                        "updated_at": now,
                        **record_values(rec, names),
                        "effective_status": "MS",
                    }
                )
                changes = {k: [None, v] for k, v in fields.items()}
                outbox.append(
                    outbox_row("supporter", row["_id"], SCOPE, "upsert", 0, changes, now=now)
                )
            conn.execute(insert(Supporter.__table__), supporters)
            conn.execute(insert(OutboxMutation.__table__), outbox)


def csv_gzip_bytes(rows: list[dict[str, Any]]) -> int:
    """The same records as CSV (record columns, then every field), gzip-compressed."""
    from sync.protocol import ENTITIES

    names = ENTITIES["supporter"].field_names
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "scope", "version", "deleted", *names])
    for row in rows:
        values = []
        for name in names:
            value = row.get(name, False if name == "external_duplicate" else None)
            values.append(";".join(value) if isinstance(value, list) else value)
        writer.writerow([row["_id"], SCOPE, 1, False, *values])
    return len(gzip.compress(out.getvalue().encode("utf-8")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--push-only", action="store_true", help="stop after the push")
    parser.add_argument("--profile", type=Path, help="folder for the push's profiles")
    args = parser.parse_args()

    from silon_desktop.config import Settings
    from silon_desktop.storage.db import open_database
    from silon_desktop.storage.repository import Repository
    from sync.client import SyncEngine, status
    from sync.transport import AdaptiveBatch, HttpTransport
    from tests.integration.server_process import ServerProcess

    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    atexit.register(shutil.rmtree, work, True)  # its databases: a few hundred MB
    with ServerProcess.start(work / "server") as server:
        server.add_user("bench", PASSWORD)
        clients = {}
        for name in ("push", "pull", "ready", "feed"):
            token = server.login("bench", PASSWORD, device_id=f"bench-{name}")
            db = open_database(work / name / "silon.db")
            settings = Settings(server_url=server.url, username="bench", device_id=f"bench-{name}")
            transport = HttpTransport(server.url, token=token, read_timeout_s=120)
            clients[name] = (db, settings, transport)

        db, settings, transport = clients["push"]
        repo = Repository(db, settings.device_id, "bench")
        election = repo.create(
            "election", {"name": "Bench", "kind": "bupati", "region_code": SCOPE}, SCOPE
        )
        pair = repo.create("pair", {"election_id": election, "number": 1}, SCOPE)
        engine = SyncEngine(db, settings, transport)
        assert engine.run(stages=("push",)).complete
        rows = supporter_rows(pair, args.records)
        fill_outbox(db, pair, rows)
        print(f"outbox filled: {status(db).pending} pending", file=sys.stderr)

        pusher = SyncEngine(
            db, settings, transport, batch=AdaptiveBatch(start=1000, minimum=100, maximum=2000)
        )
        server_proc = psutil.Process(server.pid)
        spy = _start_py_spy(server.pid, args.profile) if args.profile else None
        client_prof = cProfile.Profile() if args.profile else None
        sent0 = transport.stats.bytes_sent
        server_cpu0, client_cpu0 = sum(server_proc.cpu_times()[:2]), time.process_time()
        started = time.perf_counter()
        if client_prof is not None:
            client_prof.enable()
        report = pusher.run(stages=("push",))
        if client_prof is not None:
            client_prof.disable()
        push_s = time.perf_counter() - started
        server_cpu = sum(server_proc.cpu_times()[:2]) - server_cpu0
        client_cpu = time.process_time() - client_cpu0
        _stop_py_spy(spy)
        if client_prof is not None:
            client_prof.dump_stats(str(args.profile / "client-push.pstats"))
        assert report.complete and report.acked == args.records, report
        push_bytes = transport.stats.bytes_sent - sent0
        n = args.records
        push_result = {
            "records": n,
            "push_per_s": round(n / push_s, 1),
            "push_wire_bytes_per_record": round(push_bytes / n, 2),
            "push_s": round(push_s, 2),
            "server_cpu_s": round(server_cpu, 3),
            "server_cpu_us_per_mutation": round(server_cpu / n * 1e6, 1),
            "client_cpu_s": round(client_cpu, 3),
            "load_avg": [round(x, 2) for x in os.getloadavg()],
        }
        if args.push_only:
            for db_, _s, t in clients.values():
                t.close()
                db_.close()
            print(json.dumps(push_result))
            return 0

        def first_pull(name: str, *, snapshots: bool = True) -> float:
            """Seconds of a fresh client's first pull (every record arrives); with
            ``--profile``, profiled with cProfile into ``DIR/client-<name>.pstats``."""
            db_, settings_, transport_ = clients[name]
            profile = cProfile.Profile() if args.profile else None
            started = time.perf_counter()
            if profile is not None:
                profile.enable()
            report_ = SyncEngine(
                db_,
                settings_,
                transport_,
                pages=AdaptiveBatch(start=5000, minimum=500, maximum=5000),
                snapshots=snapshots,
            ).run(stages=("pull",))
            seconds = time.perf_counter() - started
            if profile is not None:
                profile.disable()
                profile.dump_stats(str(args.profile / f"client-{name}.pstats"))
            assert report_.pulled == args.records + 2, report_
            return seconds

        pull_s = first_pull("pull")
        pull_bytes = clients["pull"][2].stats.bytes_received
        # Another fresh client, once the scope's snapshot is prepared (the first pull's
        # request built it; the server's builder does the same in the background once
        # pushes have paused for snapshot_builder.QUIET_S): a client that joins later.
        ready_s = first_pull("ready")
        # The named peer in the same run: the same first pull from the feed alone.
        feed_s = first_pull("feed", snapshots=False)
        feed_bytes = clients["feed"][2].stats.bytes_received

        csv_bytes = csv_gzip_bytes(rows)
        for db_, _s, t in clients.values():
            t.close()
            db_.close()
    wire = pull_bytes / n
    result = {
        "records": n,
        "push_per_s": push_result["push_per_s"],
        "pull_per_s": round(n / pull_s, 1),
        "pull_ready_per_s": round(n / ready_s, 1),
        "feed_pull_per_s": round(n / feed_s, 1),
        "wire_bytes_per_record": round(wire, 2),
        "feed_wire_bytes_per_record": round(feed_bytes / n, 2),
        "push_wire_bytes_per_record": push_result["push_wire_bytes_per_record"],
        "csv_gzip_bytes_per_record": round(csv_bytes / n, 2),
        "wire_ratio": round(wire / (csv_bytes / n), 3),
        "push_s": push_result["push_s"],
        "pull_s": round(pull_s, 2),
        "pull_ready_s": round(ready_s, 2),
        "server_cpu_s": push_result["server_cpu_s"],
        "server_cpu_us_per_mutation": push_result["server_cpu_us_per_mutation"],
        "client_cpu_s": push_result["client_cpu_s"],
        "load_avg": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(result))
    return 0


def _start_py_spy(pid: int, folder: Path) -> tuple[subprocess.Popen[bytes], Path] | None:
    """py-spy sampling the server (collapsed stacks) until :func:`_stop_py_spy`."""
    exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(exe).exists():
        print("py-spy not found: the server is not profiled", file=sys.stderr)
        return None
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "server-push.txt"
    cmd = [exe, "record", "--pid", str(pid), "--rate", "250", "--format", "raw", "-o", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # attached before the push starts
    return proc, out


def _stop_py_spy(spy: tuple[subprocess.Popen[bytes], Path] | None) -> None:
    if spy is None:
        return
    proc, _out = spy
    proc.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
    proc.wait(60)


if __name__ == "__main__":
    sys.exit(main())
