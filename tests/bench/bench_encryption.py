"""Benchmark: the encrypted local database (SQLCipher) against plain SQLite, in one run.

Measured twice in the same run, plain then encrypted (the same code, the database
opened without and with the folder's data key), reusing the other benchmarks' code:

- durable edits per second (bench_store: one supporter updated and queued per commit);
- the first page of the supporters table on ``--rows`` rows (bench_table's
  measure_table: clicking a pair's supporters until the first row is drawn);
- an ``--import-rows``-row XLSX import (bench_import's generator and import path);
- a ``--records``-record first pull from a real server process (bench_sync's rows).

Also: ``convert_s``, the first login's conversion of the ``--rows`` database to
SQLCipher, and ``kdf_s``, one argon2id derivation of the password key with the
product's parameters (storage/keyfile.py KDF). The last line printed is a JSON object
with ``edit_ratio``, ``table_ratio``, ``import_ratio``, ``pull_ratio`` (encrypted time
over plain time; target each <= 1.3) and the raw figures.

Run: ``python tests/bench/bench_encryption.py [--rows N] [--import-rows N] [--records N]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from silon_desktop.storage import cipher, keyfile  # noqa: E402
from silon_desktop.storage.db import open_database  # noqa: E402

KEY = keyfile.new_data_key()


def _key(encrypted: bool) -> bytes | None:
    return KEY if encrypted else None


def measure_edits(folder: Path, edits: int, encrypted: bool) -> float:
    """Seconds per durable edit (bench_store's loop)."""
    from bench_store import _edits_per_s

    db = open_database(folder / f"edits-{encrypted}.db", key=_key(encrypted))
    try:
        _edits_per_s(db, 20)  # warm-up: schema, statement caches
        return 1.0 / _edits_per_s(db, edits)
    finally:
        db.close()


def build_table(folder: Path, rows: int) -> tuple[Path, Path, str, float]:
    """The plain folder (bench_table's database) and an encrypted copy of it;
    returns both, the pair id and the conversion's seconds."""
    from bench_table import build_database

    plain = folder / "table-plain"
    pair = build_database(plain, rows)
    encrypted = folder / "table-encrypted"
    encrypted.mkdir()
    shutil.copy(plain / "silon.db", encrypted / "silon.db")
    started = time.perf_counter()
    cipher.encrypt_plain(encrypted / "silon.db", KEY)
    return plain, encrypted, pair, time.perf_counter() - started


def measure_table(data_dir: Path, pair: str, encrypted: bool) -> tuple[float, float]:
    """Seconds to the first rows, and until the row count is in (bench_table)."""
    from bench_table import measure_table as table

    figures = table(data_dir, pair, key=_key(encrypted))
    return figures["first_rows_s"], figures["counted_s"]


def measure_import(sheet: Path, folder: Path, encrypted: bool) -> float:
    """bench_import's import into a fresh (plain or encrypted) database."""
    from bench_import import _warm_regions

    from silon_desktop.importers.store import import_file
    from tests.fixtures import seed_election

    work = folder / f"import-{encrypted}"
    work.mkdir()
    db = open_database(work / "silon.db", key=_key(encrypted))
    seed_election(db, name="Pemilihan Bupati Purwakarta")
    _warm_regions()
    started = time.perf_counter()
    report = import_file(db, sheet, "p1")
    elapsed = time.perf_counter() - started
    db.close()
    assert report.total > 0, report
    return elapsed


def measure_pulls(folder: Path, records: int) -> tuple[float, float]:
    """bench_sync's first pull of ``records`` supporters, into a plain and an encrypted
    database, from one real server process."""
    from bench_sync import PASSWORD, SCOPE, fill_outbox, supporter_rows

    from silon_desktop.config import Settings
    from silon_desktop.storage.repository import Repository
    from sync.client import SyncEngine
    from sync.transport import AdaptiveBatch, HttpTransport
    from tests.integration.server_process import ServerProcess

    with ServerProcess.start(folder / "server") as server:
        server.add_user("bench", PASSWORD)

        def client(name: str, key: bytes | None) -> tuple[object, Settings, HttpTransport]:
            token = server.login("bench", PASSWORD, device_id=f"bench-{name}")
            db = open_database(folder / name / "silon.db", key=key)
            settings = Settings(server_url=server.url, username="bench", device_id=f"bench-{name}")
            return db, settings, HttpTransport(server.url, token=token, read_timeout_s=120)

        db, settings, transport = client("push", None)
        repo = Repository(db, settings.device_id, "bench")  # type: ignore[arg-type]
        election = repo.create(
            "election", {"name": "Bench", "kind": "bupati", "region_code": SCOPE}, SCOPE
        )
        pair = repo.create("pair", {"election_id": election, "number": 1}, SCOPE)
        fill_outbox(db, pair, supporter_rows(pair, records))
        pushed = SyncEngine(
            db,  # type: ignore[arg-type]
            settings,
            transport,
            batch=AdaptiveBatch(start=1000, minimum=100, maximum=2000),
        ).run(stages=("push",))
        assert pushed.complete, pushed
        transport.close()
        db.close()  # type: ignore[attr-defined]
        seconds = {}
        for name, key in (("pull-plain", None), ("pull-encrypted", KEY)):
            db, settings, transport = client(name, key)
            started = time.perf_counter()
            report = SyncEngine(
                db,  # type: ignore[arg-type]
                settings,
                transport,
                pages=AdaptiveBatch(start=5000, minimum=500, maximum=5000),
            ).run(stages=("pull",))
            seconds[name] = time.perf_counter() - started
            assert report.pulled == records + 2, report
            transport.close()
            db.close()  # type: ignore[attr-defined]
    return seconds["pull-plain"], seconds["pull-encrypted"]


def measure_kdf() -> float:
    started = time.perf_counter()
    keyfile.derive("kata-sandi-uji", b"0123456789abcdef", keyfile.KDF)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--edits", type=int, default=300)
    args = parser.parse_args()
    result: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-enc-") as tmp:
        folder = Path(tmp)
        plain_edit = measure_edits(folder, args.edits, False)
        enc_edit = measure_edits(folder, args.edits, True)
        result |= {"edits_per_s_plain": 1 / plain_edit, "edits_per_s_encrypted": 1 / enc_edit}
        print(f"edits/s plain {1 / plain_edit:.0f}, encrypted {1 / enc_edit:.0f}", file=sys.stderr)

        plain_dir, enc_dir, pair, convert_s = build_table(folder, args.rows)
        # each measured three times, alternating, the better of each kept (a loaded machine)
        runs: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
        for _ in range(3):
            for encrypted, folder_ in ((False, plain_dir), (True, enc_dir)):
                runs[encrypted].append(measure_table(folder_, pair, encrypted))
        plain_first = min(first for first, _ in runs[False])
        enc_first = min(first for first, _ in runs[True])
        result |= {
            "table_first_s_plain": plain_first,
            "table_first_s_encrypted": enc_first,
            # the row count (a scan of the pair's index), in the background since #14
            "table_counted_s_plain": min(counted for _, counted in runs[False]),
            "table_counted_s_encrypted": min(counted for _, counted in runs[True]),
            "convert_s": convert_s,
        }
        print(f"first page plain {plain_first:.3f}s, encrypted {enc_first:.3f}s", file=sys.stderr)
        shutil.rmtree(plain_dir)
        shutil.rmtree(enc_dir)

        from tests.unit.importers.sheets import iter_supporter_rows, write_xlsx

        sheet = folder / "dukungan.xlsx"
        write_xlsx(sheet, iter_supporter_rows(args.import_rows))
        plain_import = measure_import(sheet, folder, False)
        enc_import = measure_import(sheet, folder, True)
        result |= {"import_s_plain": plain_import, "import_s_encrypted": enc_import}
        print(f"import plain {plain_import:.1f}s, encrypted {enc_import:.1f}s", file=sys.stderr)

        plain_pull, enc_pull = measure_pulls(folder, args.records)
        result |= {"pull_s_plain": plain_pull, "pull_s_encrypted": enc_pull}
        print(f"pull plain {plain_pull:.1f}s, encrypted {enc_pull:.1f}s", file=sys.stderr)
    result |= {
        "edit_ratio": enc_edit / plain_edit,
        "table_ratio": enc_first / plain_first,
        "import_ratio": enc_import / plain_import,
        "pull_ratio": enc_pull / plain_pull,
        "kdf_s": measure_kdf(),
        "rows": args.rows,
        "import_rows": args.import_rows,
        "records": args.records,
        "load_1min": os.getloadavg()[0],
        "cpus": os.cpu_count() or 0,
    }
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
