"""Micro-benchmark of the domain hot paths used by the import pipeline.

Run: ``python tests/bench/bench_domain.py``. The last line is JSON:
``{"nik_parse_us": ..., "validate_us": ..., ...}`` (microseconds per call,
best of several runs).
"""

from __future__ import annotations

import datetime as dt
import json
import time
import timeit
import uuid

from silon_desktop.domain.nik import build_nik, parse_nik
from silon_desktop.domain.records import validate_record
from silon_desktop.domain.regions import RegionTable, default_table
from silon_desktop.domain.supporters import (
    DuplicateTracker,
    SupporterInput,
    ValidationContext,
    validate_supporter,
)

REF = dt.date(2024, 8, 27)
ROWS = 20_000


def _rows() -> list[SupporterInput]:
    kecamatan = [r.code for r in default_table().children("32.14")]
    occupations = ["Wiraswasta", "Petani", "Ibu Rumah Tangga", "PNS", "Karyawan Swasta", "Pelajar"]
    rows = []
    for i in range(ROWS):
        kec = kecamatan[i % len(kecamatan)]
        birth = dt.date(1950 + i % 55, 1 + i % 12, 1 + i % 28)
        sex = "LP"[i % 2]
        nik = build_nik(kec, birth, sex, 1 + i % 9999)
        if i % 50 == 0:
            nik = nik[:-1]  # some bad NIKs
        rows.append(
            SupporterInput(
                nik=nik,
                name=f"Pendukung {i}",
                birth_place="Purwakarta",
                birth_date=birth,
                sex=sex,
                marital_status="BSP"[i % 3] if i % 40 else "B",
                occupation=occupations[i % len(occupations)],
                address=f"Jl. Contoh No. {i}",
                rt=f"{i % 20:03d}",
                rw=f"{i % 9:03d}",
                desa_code=f"{kec}.1001",
                kecamatan_code=kec,
                kabkota_code="32.14",
                has_id_scan=i % 30 != 0,
            )
        )
    return rows


def _per_call_us(fn: object, number: int) -> float:
    timer = timeit.Timer(fn)  # type: ignore[arg-type]
    return min(timer.repeat(repeat=5, number=number)) / number * 1e6


def main() -> None:
    started = time.perf_counter()
    RegionTable().get("32.14")
    region_load_ms = (time.perf_counter() - started) * 1000

    rows = _rows()
    niks = [r.nik for r in rows]
    ctx = ValidationContext("32.14", REF)
    parse_nik(niks[0], reference_date=REF)  # warm the region set

    def parse_all() -> None:
        for nik in niks:
            parse_nik(nik, reference_date=REF)

    def validate_all() -> None:
        for row in rows:
            validate_supporter(row, ctx)

    def track_all() -> None:
        tracker = DuplicateTracker()
        for i, row in enumerate(rows):
            tracker.add(i, row)

    record = {
        "pair_id": str(uuid.uuid4()),
        **{k: getattr(rows[1], k) for k in SupporterInput.__dataclass_fields__},
        "check_status": "MS",
        "check_reasons": [],
    }

    nik_us = _per_call_us(parse_all, 1) / ROWS
    validate_us = _per_call_us(validate_all, 1) / ROWS
    duplicate_us = _per_call_us(track_all, 1) / ROWS
    record_us = _per_call_us(lambda: validate_record("supporter", record), 2000)
    fresh = RegionTable()
    started = time.perf_counter()
    fresh.match_name("SIANJUR MULA MULA", 3)
    match_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    fresh.match_name("Cibinong", 4, parent="32.01")
    desa_match_ms = (time.perf_counter() - started) * 1000

    result = {
        "nik_parse_us": round(nik_us, 2),
        "validate_us": round(validate_us, 2),
        "duplicate_add_us": round(duplicate_us, 2),
        "validate_record_us": round(record_us, 2),
        "region_first_load_ms": round(region_load_ms, 1),
        "first_kecamatan_match_ms": round(match_ms, 1),
        "first_desa_match_ms_incl_load": round(desa_match_ms, 1),
        "rows": ROWS,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
