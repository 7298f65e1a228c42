"""Sample data for GUI tests, screenshots and the table benchmark."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import threading
import uuid
from pathlib import Path
from typing import Any

from silon_desktop.config import Settings
from silon_desktop.paths import AppPaths

REGION = "32.14"  # Purwakarta


def open_backend(app_paths: AppPaths, user: str = "operator", key: bytes | None = None) -> Any:
    """Services on the folder's database (``key``: an encrypted one, for benchmarks)."""
    from silon_desktop.services import Services
    from silon_desktop.storage.db import open_database

    settings = Settings(username=user, device_id="test-device")
    db = open_database(app_paths.database, key=key)
    backend = Services(app_paths, settings, db)
    backend.session_scope = REGION
    return backend


def seed_small(backend: Any, supporters: int = 30) -> dict[str, str]:
    """An election, one independent pair with two candidates and a few supporters."""
    election = backend.repo.create(
        "election",
        {
            "name": "Pemilihan Bupati Purwakarta 2024",
            "kind": "bupati",
            "region_code": REGION,
            "year": 2024,
            "dpt": 733927,
            "subregion_count": 17,
            "rule_set": "pilkada-2024",
        },
        REGION,
    )
    pair = backend.repo.create(
        "pair",
        {
            "election_id": election,
            "number": 1,
            "route": "perseorangan",
            "head_name": "AHMAD SUBAGJA",
            "deputy_name": "SITI NURHALIZA",
        },
        REGION,
    )
    backend.repo.create(
        "candidate", {"pair_id": pair, "role": "kepala", "name": "AHMAD SUBAGJA"}, REGION
    )
    kecamatan = [r.code for r in backend.regions.children(REGION)]
    rnd = random.Random(7)
    ids = []
    for i in range(supporters):
        kec = kecamatan[i % len(kecamatan)]
        desa = backend.regions.children(kec)[0].code
        day = rnd.randint(1, 28)
        nik = f"{kec.replace('.', '')}{day:02d}{rnd.randint(1, 12):02d}{rnd.randint(60, 99)}{i + 1:04d}"
        ids.append(
            backend.repo.create(
                "supporter",
                {
                    "pair_id": pair,
                    "nik": nik,
                    "name": f"PENDUKUNG {i:03d}",
                    "sex": "L",
                    "marital_status": "S",
                    "occupation": "PETANI/PEKEBUN",
                    "desa_code": desa,
                    "kecamatan_code": kec,
                    "kabkota_code": REGION,
                    "has_id_scan": True,
                },
                REGION,
            )
        )
    return {"election": election, "pair": pair, "first_supporter": ids[0] if ids else ""}


def second_pair_with_a_slow_first(
    window: Any, seeded: dict[str, str], method: str
) -> tuple[str, threading.Event]:
    """A second pair of the seeded election, and the backend's ``method`` held for the
    seeded (first) pair until the returned event is set: a large pair still being
    counted when the operator opens another."""
    backend = window.backend
    second, _error = backend.create(
        "pair",
        {"election_id": seeded["election"], "number": 2, "route": "perseorangan"},
        "32.14",
    )
    window.reload_tree()
    release = threading.Event()
    real = getattr(backend, method)

    def slow_for_the_first(pair_id: str) -> Any:
        if pair_id == seeded["pair"]:
            release.wait(10)
        return real(pair_id)

    setattr(backend, method, slow_for_the_first)
    return str(second), release


def bulk_supporters(database: Path, pair_id: str, count: int, seed: int = 1) -> None:
    """Insert ``count`` supporters straight into SQLite (executemany; for benchmarks only).

    Indexes are dropped during the insert and rebuilt after, which is much faster.
    """
    con = sqlite3.connect(database)
    con.execute("PRAGMA synchronous=OFF")
    indexes = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='supporter' "
        "AND sql IS NOT NULL"
    ).fetchall()
    for name, _sql in indexes:
        con.execute(f'DROP INDEX "{name}"')
    # the row holds the pair's local number (revision 0012), made with the pair
    (pair_key,) = con.execute("SELECT key FROM pair_key WHERE pair_id = ?", (pair_id,)).fetchone()
    rnd = random.Random(seed)
    statuses = ["MS", "MS", "MS", "BMS", "TMS", ""]
    now = dt.datetime(2024, 5, 1).isoformat(" ")
    columns = (
        "id, scope, version, deleted, updated_at, pair_id, nik, name, birth_place, sex, "
        "marital_status, occupation, address, rt, rw, desa_code, kecamatan_code, kabkota_code, "
        "has_id_scan, nik_from_number, check_status, check_reasons, admin_status, admin_reasons, "
        "admin_by, field_status, field_reasons, field_method, field_by, external_duplicate, "
        "effective_status, effective_reasons, round"
    )
    marks = ", ".join("?" * len(columns.split(",")))

    def rows() -> Any:
        for i in range(count):
            status = rnd.choice(statuses)
            kec = rnd.randint(1, 17)
            reasons = "" if status in ("MS", "") else "NO_ID_SCAN"
            yield (
                str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
                REGION, 1, 0, now, pair_key,
                f"3214{kec:02d}{rnd.randint(1, 28):02d}{rnd.randint(1, 12):02d}{rnd.randint(50, 99)}{rnd.randint(1, 9999):04d}",
                f"PENDUKUNG {i:07d}", "PURWAKARTA", "L", "S", "PETANI", "", "001", "002",
                f"32.14.{kec:02d}.2001", f"32.14.{kec:02d}", REGION, 1, 0, status,
                "[]", status, "[]" if not reasons else f'["{reasons}"]', "", "", "[]", "", "", 0,
                status, reasons, "submission",
            )  # fmt: skip

    con.executemany(f"INSERT INTO supporter ({columns}) VALUES ({marks})", rows())
    for _name, sql in indexes:
        con.execute(sql)
    con.commit()
    con.close()
